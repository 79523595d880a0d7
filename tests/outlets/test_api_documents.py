"""Shifts, refunds, transfers, adjustments, stock takes and deposits through the API."""

from __future__ import annotations

from decimal import Decimal

import pytest

from outlets.models import (
    Adjustment,
    Deposit,
    Order,
    Refund,
    Shift,
    StockTake,
    Transfer,
)
from sync.models import SyncActivity

BASE = "/api/v1/outlets/JKT01/"


def outbox() -> list[tuple[str, str, str, str]]:
    return list(
        SyncActivity.objects.order_by("id").values_list("kind", "outlet__code", "pos_number", "status")
    )


@pytest.fixture
def sold(tenant, order_body) -> Order:
    tenant.api().post(BASE + "orders/", order_body(), format="json")
    return Order.objects.get()


# --- shifts -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_shift_opens_and_closes_once(tenant, order_body):
    api = tenant.api()
    opened = api.post(
        BASE + "shifts/",
        {"number": "S-1", "cashier": "Sari", "opened_at": "2026-11-20T08:00:00+07:00"},
        format="json",
    )
    assert opened.status_code == 201
    assert api.post(BASE + "orders/", order_body(shift="S-1"), format="json").status_code == 201

    close = {"closed_at": "2026-11-20T17:00:00+07:00", "closing_cash": "41800"}
    first = api.post(BASE + "shifts/S-1/close/", close, format="json")
    again = api.post(BASE + "shifts/S-1/close/", close, format="json")
    other = api.post(BASE + "shifts/S-1/close/", {**close, "closing_cash": "40000"}, format="json")

    assert first.status_code == again.status_code == 200
    assert first.json()["closed_at"] == "2026-11-20T10:00:00Z"
    assert first.json()["closing_cash"] == "41800.00"
    assert other.status_code == 409
    assert other.json()["fields"] == ["closing_cash"]
    shift = Shift.objects.get()
    assert shift.closing_cash == Decimal("41800.00")
    assert list(shift.orders.values_list("number", flat=True)) == ["ORD-0001"]


@pytest.mark.django_db
def test_a_shift_cannot_close_before_it_opened(tenant):
    api = tenant.api()
    api.post(
        BASE + "shifts/",
        {"number": "S-1", "cashier": "Sari", "opened_at": "2026-11-20T08:00:00+07:00"},
        format="json",
    )

    response = api.post(BASE + "shifts/S-1/close/", {"closed_at": "2026-11-20T07:00:00+07:00"}, format="json")

    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "closed_at"
    assert Shift.objects.get().closed_at is None


# --- refunds ----------------------------------------------------------------------------------


def refund_body(**overrides):
    body = {
        "number": "R-1",
        "order": "ORD-0001",
        "refunded_at": "2026-11-21T09:00:00+07:00",
        "reason": "Rusak",
        "total": "10000",
        "lines": [{"product": "P1", "quantity": "1", "unit_price": "10000"}],
    }
    body.update(overrides)
    return body


@pytest.mark.django_db
def test_a_refund_is_stored_against_its_order_with_its_outbox_row(tenant, sold):
    response = tenant.api().post(BASE + "refunds/", refund_body(), format="json")

    assert response.status_code == 201, response.json()
    refund = Refund.objects.get()
    assert (refund.order_id, refund.total, refund.refund_method) == (
        sold.pk,
        Decimal("10000.00"),
        "cash",
    )
    assert list(refund.lines.values_list("product__pos_id", "quantity", "amount")) == [
        ("P1", Decimal("1.000"), Decimal("10000.00"))
    ]
    assert outbox() == [
        ("order", "JKT01", "ORD-0001", "pending"),
        ("refund", "JKT01", "R-1", "pending"),
    ]
    again = tenant.api().post(BASE + "refunds/", refund_body(), format="json")
    assert again.status_code == 200
    assert again.json() == response.json()


@pytest.mark.django_db
def test_a_refund_cannot_return_more_than_was_sold(tenant, sold):
    api = tenant.api()
    api.post(BASE + "refunds/", refund_body(), format="json")
    too_many = refund_body(
        number="R-2",
        total="20000",
        lines=[{"product": "P1", "quantity": "2", "unit_price": "10000"}],
    )

    response = api.post(BASE + "refunds/", too_many, format="json")

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "path": "lines[0].quantity",
            "message": "Only 1 of product 'P1' can still be refunded on order 'ORD-0001'.",
        }
    ]
    assert Refund.objects.count() == 1


@pytest.mark.django_db
def test_a_refund_must_name_a_known_order_and_products_on_it(tenant, sold):
    api = tenant.api()
    unknown_order = api.post(BASE + "refunds/", refund_body(order="NOPE"), format="json")
    not_on_order = api.post(
        BASE + "refunds/",
        refund_body(lines=[{"product": "P3", "quantity": "1", "unit_price": "10000"}]),
        format="json",
    )
    wrong_total = api.post(BASE + "refunds/", refund_body(total="9000"), format="json")

    assert unknown_order.json()["errors"] == [
        {"path": "order", "message": "Unknown order 'NOPE' at outlet 'JKT01'."}
    ]
    assert not_on_order.json()["errors"] == [
        {"path": "lines[0].product", "message": "Product 'P3' is not on order 'ORD-0001'."}
    ]
    assert wrong_total.json()["errors"] == [
        {"path": "total", "message": "The lines add up to 10,000.00, but total is 9,000.00."}
    ]
    assert not Refund.objects.exists()
    assert [row[0] for row in outbox()] == ["order"]


# --- transfers --------------------------------------------------------------------------------


def transfer_body(**overrides):
    body = {
        "number": "T-1",
        "to_outlet": "BALI1",
        "sent_at": "2026-11-20T08:00:00+07:00",
        "lines": [{"product": "P1", "quantity": "5"}, {"product": "P2", "quantity": "2.5"}],
    }
    body.update(overrides)
    return body


@pytest.mark.django_db
def test_a_transfer_goes_out_when_sent_and_in_when_received(tenant):
    api = tenant.api()
    sent = api.post(BASE + "transfers/", transfer_body(), format="json")
    assert sent.status_code == 201, sent.json()
    assert outbox() == [("transfer_out", "JKT01", "T-1", "pending")]

    received = api.post(
        BASE + "transfers/T-1/receive/", {"received_at": "2026-11-21T10:00:00+08:00"}, format="json"
    )
    again = api.post(
        BASE + "transfers/T-1/receive/", {"received_at": "2026-11-21T10:00:00+08:00"}, format="json"
    )

    assert received.status_code == again.status_code == 200
    assert received.json()["received_at"] == "2026-11-21T02:00:00Z"
    assert outbox() == [
        ("transfer_out", "JKT01", "T-1", "pending"),
        ("transfer_in", "BALI1", "T-1", "pending"),
    ]
    transfer = Transfer.objects.get()
    assert list(transfer.lines.values_list("product__pos_id", "quantity")) == [
        ("P1", Decimal("5.000")),
        ("P2", Decimal("2.500")),
    ]


@pytest.mark.django_db
def test_a_transfer_must_go_to_another_known_outlet(tenant):
    api = tenant.api()
    same = api.post(BASE + "transfers/", transfer_body(to_outlet="JKT01"), format="json")
    unknown = api.post(BASE + "transfers/", transfer_body(to_outlet="XX"), format="json")

    assert same.json()["errors"] == [
        {"path": "to_outlet", "message": "A transfer must go to another outlet."}
    ]
    assert unknown.json()["errors"] == [
        {"path": "to_outlet", "message": "Unknown outlet 'XX' in this store."}
    ]
    assert not Transfer.objects.exists()
    assert outbox() == []


# --- adjustments, stock takes, deposits -------------------------------------------------------


@pytest.mark.django_db
def test_an_adjustment_keeps_its_in_and_out_lines(tenant):
    body = {
        "number": "A-1",
        "adjusted_at": "2026-11-20T08:00:00+07:00",
        "reason": "Barang rusak",
        "lines": [
            {"product": "P1", "quantity": "-2", "unit_cost": "4000"},
            {"product": "P2", "quantity": "3", "unit_cost": "8000", "note": "found"},
        ],
    }

    response = tenant.api().post(BASE + "adjustments/", body, format="json")
    zero = tenant.api().post(
        BASE + "adjustments/",
        {**body, "number": "A-2", "lines": [{"product": "P1", "quantity": "0"}]},
        format="json",
    )

    assert response.status_code == 201
    assert list(Adjustment.objects.get().lines.values_list("quantity", "unit_cost", "note")) == [
        (Decimal("-2.000"), Decimal("4000.00"), ""),
        (Decimal("3.000"), Decimal("8000.00"), "found"),
    ]
    assert zero.status_code == 400
    assert zero.json()["errors"][0]["path"] == "lines[0].quantity"
    assert outbox() == [("adjustment", "JKT01", "A-1", "pending")]


@pytest.mark.django_db
def test_a_stock_take_counts_each_product_once(tenant):
    body = {
        "number": "ST-1",
        "counted_at": "2026-11-20T20:00:00+07:00",
        "lines": [
            {"product": "P1", "counted_quantity": "12"},
            {"product": "P2", "counted_quantity": "0"},
        ],
    }
    twice = {**body, "number": "ST-2", "lines": [body["lines"][0], body["lines"][0]]}

    response = tenant.api().post(BASE + "stock-takes/", body, format="json")
    duplicate = tenant.api().post(BASE + "stock-takes/", twice, format="json")

    assert response.status_code == 201
    assert list(StockTake.objects.get().lines.values_list("product__pos_id", "counted_quantity")) == [
        ("P1", Decimal("12.000")),
        ("P2", Decimal("0.000")),
    ]
    assert duplicate.json()["errors"] == [
        {"path": "lines[1].product", "message": "Product 'P1' is already counted on line 0."}
    ]
    assert outbox() == [("stock_take", "JKT01", "ST-1", "pending")]


@pytest.mark.django_db
def test_a_deposit_is_stored_with_its_outbox_row_and_must_be_positive(tenant):
    body = {
        "number": "D-1",
        "kind": "customer_deposit",
        "received_at": "2026-11-20T08:00:00+07:00",
        "amount": "500000",
        "payment_method": "bank_transfer",
        "customer_name": "Budi",
    }

    response = tenant.api().post(BASE + "deposits/", body, format="json")
    negative = tenant.api().post(BASE + "deposits/", {**body, "number": "D-2", "amount": "-5"}, format="json")
    fetched = tenant.api().get(BASE + "deposits/D-1/")

    assert response.status_code == 201
    assert fetched.json() == response.json()
    deposit = Deposit.objects.get()
    assert (deposit.kind, deposit.amount, deposit.payment_method) == (
        "customer_deposit",
        Decimal("500000.00"),
        "bank_transfer",
    )
    assert negative.json()["errors"] == [{"path": "amount", "message": "The amount must be more than 0."}]
    assert outbox() == [("deposit", "JKT01", "D-1", "pending")]


@pytest.mark.django_db
def test_the_same_number_with_another_body_is_a_conflict_for_every_kind(tenant):
    body = {
        "number": "D-1",
        "kind": "cash_in",
        "received_at": "2026-11-20T08:00:00+07:00",
        "amount": "100000",
        "payment_method": "cash",
    }
    tenant.api().post(BASE + "deposits/", body, format="json")

    response = tenant.api().post(BASE + "deposits/", {**body, "amount": "100001"}, format="json")

    assert response.status_code == 409
    assert response.json()["fields"] == ["amount"]
    assert Deposit.objects.get().amount == Decimal("100000.00")


@pytest.mark.django_db
def test_a_refund_cannot_pay_back_more_than_the_unit_sold_for(tenant, sold):
    # P2 sold 1 × 20,000 less a 2,000 line discount: 18,000 is the most it can be refunded for.
    body = refund_body(total="18001", lines=[{"product": "P2", "quantity": "1", "unit_price": "18001"}])

    too_much = tenant.api().post(BASE + "refunds/", body, format="json")
    exact = tenant.api().post(
        BASE + "refunds/",
        refund_body(total="18000", lines=[{"product": "P2", "quantity": "1", "unit_price": "18000"}]),
        format="json",
    )

    assert too_much.json()["errors"] == [
        {
            "path": "lines[0].unit_price",
            "message": "Product 'P2' sold for 18,000.00 each on order 'ORD-0001'; "
            "it cannot be refunded for 18,001.00.",
        }
    ]
    assert exact.status_code == 201
