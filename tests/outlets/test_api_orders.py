"""Orders through the API: create, replay, conflict, bad input, change before sync, void."""

from __future__ import annotations

from decimal import Decimal

import pytest

from outlets.models import Order, OrderLine, Payment
from sync.models import SyncActivity

URL = "/api/v1/outlets/JKT01/orders/"


def activities(order: Order) -> list[tuple[str, str]]:
    return list(SyncActivity.objects.filter(order=order).values_list("kind", "status").order_by("id"))


@pytest.mark.django_db
def test_it_stores_an_order_with_lines_payments_and_its_outbox_row(tenant, order_body):
    response = tenant.api().post(URL, order_body(), format="json")

    assert response.status_code == 201, response.json()
    order = Order.objects.get(outlet=tenant.outlet, number="ORD-0001")
    assert response.json()["id"] == order.pk
    assert response.json()["status"] == "completed"
    assert (order.subtotal, order.tax, order.total) == (
        Decimal("38000.00"),
        Decimal("3800.00"),
        Decimal("41800.00"),
    )
    assert list(
        OrderLine.objects.filter(order=order).values_list(
            "position", "product__pos_id", "quantity", "unit_price", "discount", "amount"
        )
    ) == [
        (1, "P1", Decimal("2.000"), Decimal("10000.00"), Decimal("0.00"), Decimal("20000.00")),
        (2, "P2", Decimal("1.000"), Decimal("20000.00"), Decimal("2000.00"), Decimal("18000.00")),
    ]
    assert list(Payment.objects.filter(order=order).values_list("method", "amount")) == [
        ("cash", Decimal("41800.00"))
    ]
    activity = SyncActivity.objects.get(order=order)
    assert (activity.store_id, activity.outlet_id, activity.kind, activity.status) == (
        tenant.store.pk,
        tenant.outlet.pk,
        "order",
        "pending",
    )
    assert activity.pos_number == "ORD-0001"


@pytest.mark.django_db
def test_posting_the_same_order_again_returns_it_and_changes_nothing(tenant, order_body):
    first = tenant.api().post(URL, order_body(), format="json")
    # The same document, written differently: decimals with places, the time in UTC, defaults sent.
    again = order_body(
        ordered_at="2026-11-20T03:15:00Z",
        total="41800.00",
        rounding="0",
        payments=[{"method": "cash", "amount": "41800.00", "reference": ""}],
    )
    second = tenant.api().post(URL, again, format="json")

    assert second.status_code == 200
    assert second.json() == first.json()
    assert Order.objects.count() == 1
    assert SyncActivity.objects.count() == 1


@pytest.mark.django_db
def test_the_same_number_with_a_different_body_is_a_conflict_naming_the_fields(tenant, order_body):
    tenant.api().post(URL, order_body(), format="json")
    changed = order_body(
        tax="4000",
        total="42000",
        payments=[{"method": "qris", "amount": "42000"}],
    )

    response = tenant.api().post(URL, changed, format="json")

    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "conflict"
    assert body["fields"] == ["payments[0].amount", "payments[0].method", "tax", "total"]
    assert "PUT /api/v1/outlets/JKT01/orders/ORD-0001/" in body["message"]
    assert Order.objects.get().total == Decimal("41800.00")


@pytest.mark.django_db
def test_an_order_that_does_not_add_up_is_rejected_with_the_numbers(tenant, order_body):
    response = tenant.api().post(URL, order_body(total="50000"), format="json")

    assert response.status_code == 422
    errors = {e["path"]: e["message"] for e in response.json()["errors"]}
    assert errors["total"] == (
        "The order does not add up: lines 38,000.00 − order discount 0.00 + tax 3,800.00 + "
        "service charge 0.00 + rounding 0.00 = 41,800.00, but total is 50,000.00."
    )
    assert errors["payments"] == (
        "The payments (cash 41,800.00 = 41,800.00) do not add up to the total 50,000.00."
    )
    assert not Order.objects.exists()
    assert not SyncActivity.objects.exists()


@pytest.mark.django_db
def test_tax_inclusive_service_charge_discount_and_rounding_add_up(tenant, order_body):
    body = order_body(
        tax_inclusive=True,
        tax="3766",
        order_discount="1000",
        service_charge="1850",
        rounding="-50",
        total="38800",
        payments=[
            {"method": "iseller_pay", "amount": "20000", "reference": "ISP-1"},
            {"method": "cash", "amount": "18800"},
        ],
    )

    response = tenant.api().post(URL, body, format="json")

    assert response.status_code == 201, response.json()
    order = Order.objects.get()
    assert (order.subtotal, order.order_discount, order.rounding, order.total) == (
        Decimal("38000.00"),
        Decimal("1000.00"),
        Decimal("-50.00"),
        Decimal("38800.00"),
    )
    assert list(order.payments.values_list("method", "amount", "reference")) == [
        ("iseller_pay", Decimal("20000.00"), "ISP-1"),
        ("cash", Decimal("18800.00"), ""),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (
            {"lines": [{"product": "P1", "quantity": "-1", "unit_price": "10000"}]},
            "lines[0].quantity",
            "Quantity (post returned goods as a refund) must be more than 0.",
        ),
        (
            {"lines": [{"product": "P1", "quantity": "1", "unit_price": "10000.001"}]},
            "lines[0].unit_price",
            "Ensure that there are no more than 2 decimal places.",
        ),
        (
            {"ordered_at": "2026-11-20T10:15:00"},
            "ordered_at",
            "Give the time as RFC 3339 with its UTC offset",
        ),
        ({"total": None}, "total", "This field may not be null."),
        ({"lines": []}, "lines", "This list may not be empty."),
        ({"number": "ORD 1"}, "number", "The POS number: letters, digits"),
        (
            {"payments": [{"method": "bitcoin", "amount": "41800"}]},
            "payments[0].method",
            '"bitcoin" is not a valid choice.',
        ),
    ],
)
def test_bad_fields_answer_400_with_their_path(tenant, order_body, change, path, message):
    response = tenant.api().post(URL, order_body(**change), format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid"
    errors = {e["path"]: e["message"] for e in body["errors"]}
    assert path in errors, body
    assert errors[path].startswith(message)
    assert not Order.objects.exists()


@pytest.mark.django_db
def test_malformed_json_is_a_clear_400(tenant):
    response = tenant.api().post(URL, data='{"number": "A1", ', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"] == "malformed"
    assert response.json()["message"].startswith("The body is not valid JSON")


@pytest.mark.django_db
def test_an_unknown_product_or_shift_is_named(tenant, order_body):
    body = order_body(shift="S-404")
    body["lines"][1]["product"] = "NOPE"

    response = tenant.api().post(URL, body, format="json")

    assert response.status_code == 422
    errors = {e["path"]: e["message"] for e in response.json()["errors"]}
    assert errors["lines[1].product"] == (
        "Unknown product 'NOPE' in this store: post it to /api/v1/products/ before the order."
    )
    assert errors["shift"] == (
        "Unknown shift 'S-404' at outlet 'JKT01': open it first (POST /api/v1/outlets/JKT01/shifts/)."
    )


@pytest.mark.django_db
def test_an_unknown_outlet_is_a_404_that_names_it(tenant, order_body):
    response = tenant.api().post("/api/v1/outlets/NOPE/orders/", order_body(), format="json")

    assert response.status_code == 404
    assert response.json() == {
        "error": "not_found",
        "message": "Outlet 'NOPE' does not exist in this store. Outlets are created in the back office.",
    }


@pytest.mark.django_db
def test_a_void_order_is_stored_without_an_outbox_row(tenant, order_body):
    response = tenant.api().post(URL, order_body(status="void"), format="json")

    assert response.status_code == 201
    order = Order.objects.get()
    assert order.status == "void"
    assert activities(order) == []
