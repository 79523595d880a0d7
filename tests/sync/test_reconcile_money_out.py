"""The daily reconciliation of the money paid back, against the live sandbox: a refund's other payment
(`…-OUT`, one invoice per sale), a refunds summary's per refund method (`…-RET-CASH`) and a voided
sale's per payment method after its summary was sent (`…-VOID-CASH`), each expected on its day with
its exact amount; and an outlet posting one summary per shift, whose summary belongs to the day of
the shift's first sale."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from mapping.services.credentials import accurate_client_for
from sync.mappers import plan_summary_void
from sync.mappers.summary_void import void_paid_back
from sync.reconcile import labels
from sync.reconcile.figures import Figures
from sync.reconcile.models import Reconciliation
from tests.sync.engine_helpers import post
from tests.sync.mappers.documents import JAKARTA, make_order
from tests.sync.range_helpers import push_all
from tests.sync.summary_helpers import posting, sale
from tests.sync.test_reconcile import check, differences, make_ready

pytestmark = pytest.mark.embedded

DAY = date(2026, 11, 20)
NEXT_DAY = date(2026, 11, 21)
# ORD-2 of the per-sale day: 20,000 in cash and 21,800 by QRIS (order_body's 41,800).
SPLIT = [{"method": "cash", "amount": "20000"}, {"method": "qris", "amount": "21800"}]
# A sale of the summary days (summary_helpers.sale, 42,180) paid in two methods to the cent.
SPLIT_CENTS = [{"method": "cash", "amount": "30000.55"}, {"method": "qris", "amount": "12179.45"}]
# An iSellerPay payout paid on the 20th: its MDR fee is an other payment too (`JKT01-PO-1-MDR`),
# which the reconciliation does not compare yet.
PAYOUT = {
    "number": "PO-1",
    "paid_at": "2026-11-20T15:00:00+07:00",
    "gross": "41800",
    "fee": "292.60",
    "net": "41507.40",
}
EMPTY_DAY = {
    "sales": {"count": 0, "total": "0.00"},
    "receipts": {},
    "returns": {"count": 0, "total": "0.00"},
    "deposits": {"count": 0, "total": "0.00"},
    "money_out": {},
    "transfers_out": {},
    "transfers_in": {},
    "adjustments": {},
    "stock_takes": 0,
}


def refund(
    number: str, order: str, at: str, *, method: str, price: str, product: str = "P1"
) -> dict[str, Any]:
    return {
        "number": number,
        "order": order,
        "refunded_at": at,
        "refund_method": method,
        "total": price,
        "lines": [{"product": product, "quantity": "1", "unit_price": price}],
    }


def document_id(sandbox: Any, module: str, number: str) -> int:
    return next(int(doc["id"]) for doc in sandbox.documents(module) if doc["number"] == number)


def dated(sandbox: Any, module: str) -> dict[str, tuple[str, Decimal]]:
    """Accurate's documents of a module: number → (transDate, its total)."""
    return {d["number"]: (d["transDate"], Decimal(str(d["totalAmount"]))) for d in sandbox.documents(module)}


def detail(row: Reconciliation) -> list[tuple[str, str, str, str]]:
    """Each difference's module, role, label and the kind of the sync row it links to."""
    return [
        (d.module, d.role, labels.role_label(d.role), d.activity.kind if d.activity else "")
        for d in row.differences.select_related("activity").order_by("position")
    ]


# --- one invoice per sale: a refund's money out, `…-OUT` ---


def a_refund_day(tenant: Any, connected: Any, order_body: Any) -> None:
    """JKT01 posting one invoice per sale on 20 November: ORD-1 (cash) and ORD-2 (cash and QRIS),
    R-1 of ORD-1 paid back in cash (10,000), R-2 of ORD-2 paid back by QRIS (12,345.67), and the
    payout PO-1; all in Accurate."""
    make_ready(tenant, connected)
    post(tenant, "orders/", order_body("ORD-1"))
    post(tenant, "orders/", order_body("ORD-2", ordered_at="2026-11-20T19:00:00+07:00", payments=SPLIT))
    post(
        tenant, "refunds/", refund("R-1", "ORD-1", "2026-11-20T12:00:00+07:00", method="cash", price="10000")
    )
    r2 = refund("R-2", "ORD-2", "2026-11-20T20:00:00+07:00", method="qris", price="12345.67", product="P2")
    post(tenant, "refunds/", r2)
    post(tenant, "payouts/", PAYOUT)
    push_all(tenant, connected)


def test_a_refunds_money_out_is_expected_on_its_day_per_method_to_the_cent(
    tenant, connected, accurate_at, order_body
):
    a_refund_day(tenant, connected, order_body)
    assert dated(accurate_at, "other-payment") == {
        "JKT01-R-1-OUT": ("20/11/2026", Decimal("10000")),
        "JKT01-R-2-OUT": ("20/11/2026", Decimal("12345.67")),
        "JKT01-PO-1-MDR": ("20/11/2026", Decimal("292.60")),
    }

    row = check(tenant.outlet)

    # The payout's fee, an other payment of the outlet's branch and day, is neither a difference nor
    # "in Accurate only".
    assert (row.status, row.differences_count, row.accurate_only_count, row.unsynced_count) == (
        "matched",
        0,
        0,
        0,
    )
    assert row.pos_figures == row.accurate_figures
    assert row.pos_figures["money_out"] == {
        "cash": {"count": 1, "total": "10000.00"},
        "qris": {"count": 1, "total": "12345.67"},
    }
    assert row.pos_figures["returns"] == {"count": 2, "total": "22345.67"}
    lines = labels.figure_lines(Figures.of_json(row.pos_figures), Figures.of_json(row.accurate_figures))
    assert [(line.label, line.pos, line.accurate) for line in lines if line.label.startswith("Money")] == [
        ("Money paid back · Cash", Decimal("10000.00"), Decimal("10000.00")),
        ("Money paid back · QRIS", Decimal("12345.67"), Decimal("12345.67")),
    ]


def test_a_refunds_money_out_deleted_in_accurate_is_missing_there_with_its_amount(
    tenant, connected, accurate_at, order_body
):
    a_refund_day(tenant, connected, order_body)
    accurate_client_for(connected).delete(
        "other-payment", document_id(accurate_at, "other-payment", "JKT01-R-2-OUT")
    )

    row = check(tenant.outlet)

    assert (row.status, row.differences_count) == ("differences", 1)
    assert differences(row) == [("missing_in_accurate", "JKT01-R-2-OUT", "R-2", Decimal("12345.67"), None)]
    assert detail(row) == [("other-payment", "money_out", "Money paid back (other payment)", "refund")]
    assert row.accurate_figures["money_out"] == {"cash": {"count": 1, "total": "10000.00"}}
    assert row.accurate_figures["returns"] == {"count": 2, "total": "22345.67"}  # the returns are there
    assert labels.difference_line(row.differences.get()) == (
        "- JKT01 2026-11-20 · Missing in Accurate: Money paid back (other payment) JKT01-R-2-OUT (POS R-2): "
        "POS Rp 12.345,67, Accurate —"
    )


def test_a_refunds_money_out_changed_in_accurate_differs_with_both_amounts(
    tenant, connected, accurate_at, order_body
):
    a_refund_day(tenant, connected, order_body)
    paid_back = document_id(accurate_at, "other-payment", "JKT01-R-1-OUT")
    accurate_client_for(connected).save(
        "other-payment",
        {"id": paid_back, "detailAccount": [{"accountNo": "1201", "amount": Decimal("9999.99")}]},
    )

    row = check(tenant.outlet)

    assert differences(row) == [
        ("amount_differs", "JKT01-R-1-OUT", "R-1", Decimal("10000.00"), Decimal("9999.99"))
    ]
    assert row.differences.get().accurate_id == paid_back
    assert (row.pos_figures["money_out"]["cash"], row.accurate_figures["money_out"]["cash"]) == (
        {"count": 1, "total": "10000.00"},
        {"count": 1, "total": "9999.99"},
    )


def test_a_refunds_money_out_dated_another_day_in_accurate_is_missing_on_its_day_and_extra_on_the_other(
    tenant, connected, accurate_at, order_body
):
    a_refund_day(tenant, connected, order_body)
    paid_back = document_id(accurate_at, "other-payment", "JKT01-R-1-OUT")
    accurate_client_for(connected).save("other-payment", {"id": paid_back, "transDate": NEXT_DAY})

    on_its_day, next_day = check(tenant.outlet), check(tenant.outlet, NEXT_DAY)

    assert differences(on_its_day) == [
        ("missing_in_accurate", "JKT01-R-1-OUT", "R-1", Decimal("10000.00"), None)
    ]
    assert differences(next_day) == [("missing_at_pos", "JKT01-R-1-OUT", "R-1", None, Decimal("10000.00"))]
    assert detail(next_day) == [("other-payment", "money_out", "Money paid back (other payment)", "refund")]
    # Its number does not say the method (`…-OUT`), and the POS expects nothing of it that day.
    assert next_day.accurate_figures["money_out"] == {"": {"count": 1, "total": "10000.00"}}
    assert next_day.pos_figures == EMPTY_DAY


def test_an_other_payment_keyed_in_accurate_with_the_outlets_prefix_is_listed_apart(
    tenant, connected, accurate_at, order_body
):
    a_refund_day(tenant, connected, order_body)
    client = accurate_client_for(connected)
    for number in ("JKT01-KAS-OUT-9", "KAS-OUT-1"):
        client.save(
            "other-payment",
            {
                "number": number,
                "transDate": DAY,
                "bankNo": "1101",
                "branchName": "Pusat",
                "detailAccount": [{"accountNo": "6101", "amount": Decimal("2500.50")}],
            },
        )

    row = check(tenant.outlet)

    assert (row.status, row.differences_count, row.accurate_only_count) == ("matched", 0, 1)
    assert differences(row) == [("accurate_only", "JKT01-KAS-OUT-9", "", None, Decimal("2500.50"))]
    assert row.accurate_figures["money_out"] == {
        "cash": {"count": 1, "total": "10000.00"},
        "qris": {"count": 1, "total": "12345.67"},
    }


# --- one summary per day: a refunds summary's money out, a void's money back ---


def a_summarised_day_and_a_void(tenant: Any, connected: Any) -> None:
    """JKT01 posting per day: ORD-1 (cash, 42,180) and ORD-2 (30,000.55 cash, 12,179.45 QRIS) on 20
    November, R-1 (10,000 in cash) and R-2 (12,345.67 by QRIS) of ORD-1 that day; its summary sent,
    ORD-2 is voided on the 21st at 08:00. All in Accurate."""
    make_ready(tenant, connected)
    posting(tenant.outlet, "per_day")
    post(tenant, "orders/", sale("ORD-1"))
    post(tenant, "orders/", sale("ORD-2", ordered_at="2026-11-20T19:00:00+07:00", payments=SPLIT_CENTS))
    post(
        tenant, "refunds/", refund("R-1", "ORD-1", "2026-11-20T15:00:00+07:00", method="cash", price="10000")
    )
    r2 = refund("R-2", "ORD-1", "2026-11-20T16:00:00+07:00", method="qris", price="12345.67", product="P2")
    post(tenant, "refunds/", r2)
    push_all(tenant, connected)
    post(tenant, "orders/ORD-2/void/", {"voided_at": "2026-11-21T08:00:00+07:00"}, expect=200)
    push_all(tenant, connected)


def test_a_summarised_days_money_out_matches_per_method_on_the_summarys_day_and_the_voids(
    tenant, connected, accurate_at
):
    a_summarised_day_and_a_void(tenant, connected)
    assert dated(accurate_at, "other-payment") == {
        "JKT01-DAY-20261120-RET-CASH": ("20/11/2026", Decimal("10000")),
        "JKT01-DAY-20261120-RET-QRIS": ("20/11/2026", Decimal("12345.67")),
        "JKT01-ORD-2-VOID-CASH": ("21/11/2026", Decimal("30000.55")),
        "JKT01-ORD-2-VOID-QRIS": ("21/11/2026", Decimal("12179.45")),
    }

    the_day, the_void = check(tenant.outlet), check(tenant.outlet, NEXT_DAY)

    for row in (the_day, the_void):
        assert (row.status, row.differences_count, row.accurate_only_count, row.unsynced_count) == (
            "matched",
            0,
            0,
            0,
        )
        assert row.pos_figures == row.accurate_figures
    assert {key: the_day.pos_figures[key] for key in ("sales", "receipts", "returns", "money_out")} == {
        "sales": {"count": 1, "total": "84360.00"},
        "receipts": {"cash": {"count": 1, "total": "72180.55"}, "qris": {"count": 1, "total": "12179.45"}},
        "returns": {"count": 1, "total": "22345.67"},
        "money_out": {"cash": {"count": 1, "total": "10000.00"}, "qris": {"count": 1, "total": "12345.67"}},
    }
    assert the_void.pos_figures == {
        **EMPTY_DAY,
        "returns": {"count": 1, "total": "42180.00"},
        "money_out": {"cash": {"count": 1, "total": "30000.55"}, "qris": {"count": 1, "total": "12179.45"}},
    }


def test_a_summarised_days_money_out_missing_or_changed_in_accurate_is_reported_with_its_summary(
    tenant, connected, accurate_at
):
    a_summarised_day_and_a_void(tenant, connected)
    client = accurate_client_for(connected)
    client.delete("other-payment", document_id(accurate_at, "other-payment", "JKT01-ORD-2-VOID-QRIS"))
    client.save(
        "other-payment",
        {
            "id": document_id(accurate_at, "other-payment", "JKT01-DAY-20261120-RET-CASH"),
            "detailAccount": [{"accountNo": "1201", "amount": Decimal("9000.50")}],
        },
    )

    the_day, the_void = check(tenant.outlet), check(tenant.outlet, NEXT_DAY)

    assert differences(the_day) == [
        (
            "amount_differs",
            "JKT01-DAY-20261120-RET-CASH",
            "DAY-20261120-RET",
            Decimal("10000.00"),
            Decimal("9000.50"),
        )
    ]
    assert detail(the_day) == [
        ("other-payment", "money_out", "Money paid back (other payment)", "refund_summary")
    ]
    assert differences(the_void) == [
        ("missing_in_accurate", "JKT01-ORD-2-VOID-QRIS", "ORD-2", Decimal("12179.45"), None)
    ]
    assert detail(the_void) == [
        ("other-payment", "money_out", "Money paid back (other payment)", "order_void")
    ]
    assert the_void.accurate_figures["money_out"] == {"cash": {"count": 1, "total": "30000.55"}}


@pytest.mark.django_db
def test_a_voids_money_back_is_expected_as_the_mapper_splits_it_over_its_methods(tenant):
    # 50,000 + 2,000 service charge − 100 rounding = 51,900: 30,000 in cash, 21,900 by QRIS.
    p1, _, _ = tenant.products
    order = make_order(
        tenant.outlet,
        [(p1, "5", "10000", "0")],
        [("cash", "30000"), ("qris", "21900")],
        number="ORD-0009",
        service_charge="2000",
        rounding="-100",
    )

    _returned, *paid_back = plan_summary_void(order, JAKARTA, invoice_no="JKT01-DAY-20261120")

    assert void_paid_back(order) == {"cash": Decimal("30000"), "qris": Decimal("21900")}
    assert {p.number: p.expected_total for p in paid_back} == {
        "JKT01-ORD-0009-VOID-CASH": Decimal("30000"),
        "JKT01-ORD-0009-VOID-QRIS": Decimal("21900"),
    }


# --- one summary per shift ---

SHIFT = {"number": "SH-7", "cashier": "Ayu", "opened_at": "2026-11-20T18:00:00+07:00"}
SHIFT_DAY = {
    **EMPTY_DAY,
    "sales": {"count": 1, "total": "84360.00"},
    "receipts": {"cash": {"count": 1, "total": "72180.55"}, "qris": {"count": 1, "total": "12179.45"}},
    "returns": {"count": 1, "total": "10000.00"},
    "money_out": {"cash": {"count": 1, "total": "10000.00"}},
}


def a_shift_past_midnight(tenant: Any, connected: Any) -> None:
    """JKT01 posting per shift: SH-7 opened on 20 November at 18:00, ORD-1 (cash, 42,180) at 20:00,
    ORD-2 (30,000.55 cash, 12,179.45 QRIS) at 00:30 on the 21st, R-1 of ORD-1 (10,000 in cash) at
    01:00, closed at 02:00; all in Accurate."""
    make_ready(tenant, connected)
    posting(tenant.outlet, "per_shift")
    post(tenant, "shifts/", SHIFT)
    post(tenant, "orders/", sale("ORD-1", shift="SH-7", ordered_at="2026-11-20T20:00:00+07:00"))
    late = sale("ORD-2", shift="SH-7", ordered_at="2026-11-21T00:30:00+07:00", payments=SPLIT_CENTS)
    post(tenant, "orders/", late)
    post(
        tenant, "refunds/", refund("R-1", "ORD-1", "2026-11-21T01:00:00+07:00", method="cash", price="10000")
    )
    post(tenant, "shifts/SH-7/close/", {"closed_at": "2026-11-21T02:00:00+07:00"}, expect=200)
    push_all(tenant, connected)


def test_a_shifts_summary_is_expected_whole_on_the_day_of_its_first_sale(tenant, connected, accurate_at):
    a_shift_past_midnight(tenant, connected)
    assert dated(accurate_at, "sales-invoice") == {"JKT01-SHIFT-SH-7": ("20/11/2026", Decimal("84360"))}
    # The refund of 01:00 is within the shift: the shift's refunds summary, dated as its summary.
    assert dated(accurate_at, "sales-return") == {"JKT01-SHIFT-SH-7-RET": ("20/11/2026", Decimal("10000"))}
    assert dated(accurate_at, "other-payment") == {
        "JKT01-SHIFT-SH-7-RET-CASH": ("20/11/2026", Decimal("10000"))
    }

    first_day, next_day = check(tenant.outlet), check(tenant.outlet, NEXT_DAY)

    assert (
        first_day.status,
        first_day.differences_count,
        first_day.accurate_only_count,
        first_day.unsynced_count,
    ) == ("matched", 0, 0, 0)
    assert first_day.pos_figures == first_day.accurate_figures == SHIFT_DAY
    # The sale after midnight and the refund are in the shift's documents, dated the 20th: the 21st
    # expects nothing of them and counts no sale missing.
    assert (next_day.status, next_day.differences_count, next_day.unsynced_count) == ("matched", 0, 0)
    assert next_day.pos_figures == next_day.accurate_figures == EMPTY_DAY


def test_a_shifts_summary_missing_in_accurate_is_reported_with_its_total(tenant, connected, accurate_at):
    a_shift_past_midnight(tenant, connected)
    client = accurate_client_for(connected)
    client.delete("sales-invoice", document_id(accurate_at, "sales-invoice", "JKT01-SHIFT-SH-7"))

    row = check(tenant.outlet)

    assert (row.status, row.differences_count) == ("differences", 1)
    assert differences(row) == [
        ("missing_in_accurate", "JKT01-SHIFT-SH-7", "SHIFT-SH-7", Decimal("84360.00"), None)
    ]
    assert detail(row) == [("sales-invoice", "sale", "Sales invoice", "order_summary")]
    assert row.accurate_figures == {**SHIFT_DAY, "sales": {"count": 0, "total": "0.00"}}


def test_a_shifts_summary_with_another_total_in_accurate_differs_with_both_totals(
    tenant, connected, accurate_at
):
    a_shift_past_midnight(tenant, connected)
    invoice = document_id(accurate_at, "sales-invoice", "JKT01-SHIFT-SH-7")
    client = accurate_client_for(connected)
    client.save(
        "sales-invoice",
        {
            "id": invoice,
            "detailExpense": [
                {"accountNo": "6102", "expenseName": "Selisih", "expenseAmount": Decimal("1234.56")}
            ],
        },
    )
    # Accurate's own total now: the shift's 84,360 and the expense line keyed in.
    changed = next(d for d in accurate_at.documents("sales-invoice") if d["id"] == invoice)
    assert Decimal(str(changed["totalAmount"])) == Decimal("85594.56")

    row = check(tenant.outlet)

    assert differences(row) == [
        ("amount_differs", "JKT01-SHIFT-SH-7", "SHIFT-SH-7", Decimal("84360.00"), Decimal("85594.56"))
    ]
    assert row.differences.get().accurate_id == invoice
    assert (row.pos_figures["sales"], row.accurate_figures["sales"]) == (
        {"count": 1, "total": "84360.00"},
        {"count": 1, "total": "85594.56"},
    )


def test_figures_recorded_before_money_out_was_compared_read_as_none():
    recorded = {key: value for key, value in EMPTY_DAY.items() if key != "money_out"}
    recorded["returns"] = {"count": 1, "total": "10000.00"}

    figures = Figures.of_json(recorded)

    assert figures.money_out == {}
    assert figures.as_json() == {**recorded, "money_out": {}}
    assert not [line for line in labels.figure_lines(figures, figures) if line.label.startswith("Money")]
