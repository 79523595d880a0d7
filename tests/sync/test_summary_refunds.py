"""Refunds and voids of an outlet posting per day, pushed by the engine against the live sandbox: the
period's refunds as one sales return against the summary invoice (late ones in a part 2, an earlier
period's on their own), the money paid back per method; a void after the summary pays its money back."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sync.models import SyncActivity
from sync.schedule import activities_release_due
from tests.sync.engine_helpers import make_ready, post, push, total
from tests.sync.summary_helpers import amount, posting, sale, wib

pytestmark = pytest.mark.embedded


def documents(sandbox, module):
    return {doc["number"]: doc for doc in sandbox.documents(module)}


def refund(number, order, refunded_at, *, method="cash", quantity="1"):
    price = Decimal("10000")
    return {
        "number": number,
        "order": order,
        "refunded_at": refunded_at,
        "refund_method": method,
        "total": str(price * Decimal(quantity)),
        "lines": [{"product": "P1", "quantity": quantity, "unit_price": "10000"}],
    }


def test_a_days_refunds_become_one_return_against_its_summary_and_late_ones_a_part_2(
    tenant, connected, accurate_at
):
    make_ready(tenant, connected)
    posting(tenant.outlet, "per_day")
    post(tenant, "orders/", sale("ORD-1"))
    post(tenant, "orders/", sale("ORD-2"))
    post(tenant, "orders/", sale("ORD-3"))
    post(tenant, "refunds/", refund("R-1", "ORD-1", "2026-11-20T15:00:00+07:00"))
    post(tenant, "refunds/", refund("R-2", "ORD-2", "2026-11-20T16:00:00+07:00", method="qris", quantity="2"))
    [returns] = SyncActivity.objects.filter(kind="refund_summary")
    assert returns.against is not None
    assert (returns.pos_number, returns.against.pos_number, returns.period_part) == (
        "DAY-20261120-RET",
        "DAY-20261120",
        1,
    )

    activities_release_due(store=tenant.store, now=wib(21, 0, 1))
    push(connected)  # the summary invoice and receipts
    push(connected)  # then the return and the money out, which waited for it
    # Later that day (a POS catching up): its day's return was sent, so it goes in part 2.
    post(tenant, "refunds/", refund("R-3", "ORD-1", "2026-11-20T20:00:00+07:00"))
    # The next day: a refund of an earlier day's sale is a return of its own against the summary.
    post(tenant, "refunds/", refund("R-4", "ORD-3", "2026-11-21T09:00:00+07:00"))
    activities_release_due(store=tenant.store, now=wib(22, 0, 1))
    push(connected)

    returns = documents(accurate_at, "sales-return")
    assert {n: (r["invoiceNumber"], total(r)) for n, r in returns.items()} == {
        "JKT01-DAY-20261120-RET": ("JKT01-DAY-20261120", Decimal("30000")),
        "JKT01-DAY-20261120-RET-2": ("JKT01-DAY-20261120", Decimal("10000")),
        "JKT01-R-4": ("JKT01-DAY-20261120", Decimal("10000")),
    }
    assert [line["quantity"] for line in returns["JKT01-DAY-20261120-RET"]["detailItem"]] == [Decimal("3")]
    paid_back = documents(accurate_at, "other-payment")
    assert {n: (p["bankNo"], total(p)) for n, p in paid_back.items()} == {
        "JKT01-DAY-20261120-RET-CASH": ("1101", Decimal("10000")),
        "JKT01-DAY-20261120-RET-QRIS": ("1102", Decimal("20000")),
        "JKT01-DAY-20261120-RET-2-CASH": ("1101", Decimal("10000")),
        "JKT01-R-4-OUT": ("1101", Decimal("10000")),
    }
    rows = SyncActivity.objects.filter(kind__in=["refund", "refund_summary"]).order_by("kind", "pos_number")
    assert list(rows.values_list("kind", "pos_number", "status", "accurate_number", "attempts")) == [
        ("refund", "R-1", "success", "JKT01-DAY-20261120-RET", 0),
        ("refund", "R-2", "success", "JKT01-DAY-20261120-RET", 0),
        ("refund", "R-3", "success", "JKT01-DAY-20261120-RET-2", 0),
        ("refund", "R-4", "success", "JKT01-R-4", 1),
        ("refund_summary", "DAY-20261120-RET", "success", "JKT01-DAY-20261120-RET", 1),
        ("refund_summary", "DAY-20261120-RET-2", "success", "JKT01-DAY-20261120-RET-2", 1),
    ]


def test_a_void_after_the_summary_pays_its_money_back_so_the_cash_account_matches_the_pos(
    tenant, connected, accurate_at
):
    make_ready(tenant, connected)
    posting(tenant.outlet, "per_day")
    post(tenant, "orders/", sale("ORD-1"))
    post(
        tenant,
        "orders/",
        sale(
            "ORD-2", payments=[{"method": "cash", "amount": "30000"}, {"method": "qris", "amount": "12180"}]
        ),
    )
    activities_release_due(store=tenant.store, now=wib(21, 0, 1))
    push(connected)

    post(tenant, "orders/ORD-2/void/", {"voided_at": "2026-11-21T08:00:00+07:00"}, expect=200)
    activities_release_due(store=tenant.store, now=wib(21, 8, 1))
    push(connected)

    paid_back = documents(accurate_at, "other-payment")
    assert {n: (p["bankNo"], p["transDate"], total(p)) for n, p in paid_back.items()} == {
        "JKT01-ORD-2-VOID-CASH": ("1101", "21/11/2026", Decimal("30000")),
        "JKT01-ORD-2-VOID-QRIS": ("1102", "21/11/2026", Decimal("12180")),
    }
    # Into each account by the summary's receipts, out by the void's payments: what the POS kept.
    receipts = documents(accurate_at, "sales-receipt")
    for account, kept in (("1101", Decimal("42180")), ("1102", Decimal("0"))):
        came_in = sum(
            (amount(r["chequeAmount"]) for r in receipts.values() if r["bankNo"] == account), Decimal(0)
        )
        went_out = sum((total(p) for p in paid_back.values() if p["bankNo"] == account), Decimal(0))
        assert came_in - went_out == kept
    void = SyncActivity.objects.get(kind="order_void")
    assert (void.status, void.accurate_number) == ("success", "JKT01-ORD-2-VOID")
