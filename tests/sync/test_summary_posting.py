"""Posting per day or per shift, pushed by the engine against the live sandbox: one invoice and one
receipt per payment method for the period, its total the sum of the POS totals to the rupiah; late
sales in a new part (an addendum), never counted twice; voids and refunds before and after."""

from __future__ import annotations

from decimal import Decimal

import pytest

from outlets.models import Order
from sync.models import SyncActivity
from sync.schedule import activities_release_due
from tests.sync.engine_helpers import make_ready, post, push, total
from tests.sync.summary_helpers import amount, covered_numbers, posting, sale, summaries, wib

pytestmark = pytest.mark.embedded


def documents(sandbox, module):
    return {doc["number"]: doc for doc in sandbox.documents(module)}


def day_ready(tenant, connected):
    make_ready(tenant, connected)
    posting(tenant.outlet, "per_day")


def test_a_days_sales_become_one_invoice_and_a_receipt_per_method_with_the_sum_of_their_totals(
    tenant, connected, accurate_at
):
    day_ready(tenant, connected)
    post(tenant, "orders/", sale("ORD-1"))
    post(
        tenant,
        "orders/",
        sale(
            "ORD-2", payments=[{"method": "cash", "amount": "30000"}, {"method": "qris", "amount": "12180"}]
        ),
    )
    post(tenant, "orders/", sale("ORD-3", ordered_at="2026-11-20T21:30:00+07:00"))
    [summary] = summaries(tenant.store)
    assert (summary.pos_number, summary.status, summary.due_at) == ("DAY-20261120", "pending", None)
    assert covered_numbers(summary) == ["ORD-1", "ORD-2", "ORD-3"]

    assert activities_release_due(store=tenant.store, now=wib(21, 0, 1)) == 1
    push(connected)

    invoices = documents(accurate_at, "sales-invoice")
    receipts = documents(accurate_at, "sales-receipt")
    assert list(invoices) == ["JKT01-DAY-20261120"]
    assert total(invoices["JKT01-DAY-20261120"]) == Decimal("126540") == 3 * Decimal("42180")
    assert {n: amount(r["chequeAmount"]) for n, r in receipts.items()} == {
        "JKT01-DAY-20261120-CASH": Decimal("114360"),
        "JKT01-DAY-20261120-QRIS": Decimal("12180"),
    }
    summary.refresh_from_db()
    assert (summary.status, summary.accurate_number, summary.attempts) == ("success", "JKT01-DAY-20261120", 1)
    # Each sale's row takes its summary's state; none was sent on its own.
    sales = SyncActivity.objects.filter(kind="order")
    assert set(sales.values_list("status", "accurate_number", "attempts")) == {
        ("success", "JKT01-DAY-20261120", 0)
    }


def test_a_days_summary_waits_for_the_outlets_local_midnight(tenant, connected):
    day_ready(tenant, connected)
    post(tenant, "orders/", sale("ORD-1"))

    assert activities_release_due(store=tenant.store, now=wib(20, 23, 59)) == 0
    assert activities_release_due(store=tenant.store, now=wib(21, 0, 0)) == 1
    # The sales themselves stay held: they go with their summary.
    assert SyncActivity.objects.get(kind="order").due_at is None


def test_at_a_daily_sales_hour_a_day_goes_at_that_hour_once_it_is_over(tenant, connected):
    day_ready(tenant, connected)
    tenant.store.accurate_sync_settings.__class__.objects.filter(store=tenant.store).update(
        sales_on_shift_close=False, sales_hour=23
    )
    post(tenant, "orders/", sale("ORD-1"))

    assert activities_release_due(store=tenant.store, now=wib(20, 23, 30)) == 0  # the day is not over
    assert activities_release_due(store=tenant.store, now=wib(21, 22, 59)) == 0
    assert activities_release_due(store=tenant.store, now=wib(21, 23, 0)) == 1


def test_a_shifts_summary_goes_when_its_shift_closes(tenant, connected, accurate_at):
    make_ready(tenant, connected)
    posting(tenant.outlet, "per_shift")
    opened = {"number": "SH-7", "cashier": "Ayu", "opened_at": "2026-11-20T07:00:00+07:00"}
    post(tenant, "shifts/", opened)
    post(tenant, "orders/", sale("ORD-1", shift="SH-7"))
    post(tenant, "orders/", sale("ORD-2", shift="SH-7", ordered_at="2026-11-20T15:00:00+07:00"))
    [summary] = summaries(tenant.store)
    assert summary.pos_number == "SHIFT-SH-7"

    assert activities_release_due(store=tenant.store, now=wib(22, 12)) == 0  # days later, still open
    post(tenant, "shifts/SH-7/close/", {"closed_at": "2026-11-20T16:00:00+07:00"}, expect=200)
    assert activities_release_due(store=tenant.store, now=wib(20, 16, 1)) == 1
    push(connected)

    assert {n: total(d) for n, d in documents(accurate_at, "sales-invoice").items()} == {
        "JKT01-SHIFT-SH-7": Decimal("84360")
    }


def test_a_sale_arriving_after_its_summary_was_sent_goes_in_part_2_and_is_never_counted_twice(
    tenant, connected, accurate_at
):
    day_ready(tenant, connected)
    post(tenant, "orders/", sale("ORD-1"))
    activities_release_due(store=tenant.store, now=wib(21, 0, 1))
    push(connected)

    post(tenant, "orders/", sale("ORD-2", ordered_at="2026-11-20T23:50:00+07:00"))  # late, same day
    first, second = summaries(tenant.store)
    assert (second.pos_number, second.period_part, covered_numbers(second)) == (
        "DAY-20261120-2",
        2,
        ["ORD-2"],
    )
    assert covered_numbers(first) == ["ORD-1"]
    assert activities_release_due(store=tenant.store, now=wib(21, 0, 5)) == 1
    push(connected)

    invoices = {n: total(d) for n, d in documents(accurate_at, "sales-invoice").items()}
    assert invoices == {"JKT01-DAY-20261120": Decimal("42180"), "JKT01-DAY-20261120-2": Decimal("42180")}
    first.refresh_from_db()
    assert first.attempts == 1  # the first part was never sent again
    assert sum(invoices.values()) == sum(o.total for o in Order.objects.all())


def test_a_change_before_the_summary_was_sent_changes_it_and_one_after_is_refused(
    tenant, connected, accurate_at
):
    day_ready(tenant, connected)
    post(tenant, "orders/", sale("ORD-1"))
    # 1,000 off the sale: 37,000 + 11 % PPN = 41,070 (its tax mode unchanged: the same summary).
    changed = sale(
        "ORD-1",
        order_discount="1000",
        tax="4070",
        total="41070",
        payments=[{"method": "cash", "amount": "41070"}],
    )
    assert tenant.api().put("/api/v1/outlets/JKT01/orders/ORD-1/", changed, format="json").status_code == 200
    activities_release_due(store=tenant.store, now=wib(21, 0, 1))
    push(connected)
    assert total(documents(accurate_at, "sales-invoice")["JKT01-DAY-20261120"]) == Decimal("41070")

    changed["total"] = "39960"
    changed["payments"] = [{"method": "cash", "amount": "39960"}]
    changed["order_discount"] = "2000"
    changed["tax"] = "3960"
    answer = tenant.api().put("/api/v1/outlets/JKT01/orders/ORD-1/", changed, format="json")
    assert answer.status_code == 409
    assert "JKT01-DAY-20261120" in answer.json()["message"]


def test_a_void_before_the_summary_was_sent_drops_the_sale_from_it(tenant, connected, accurate_at):
    day_ready(tenant, connected)
    post(tenant, "orders/", sale("ORD-1"))
    post(tenant, "orders/", sale("ORD-2"))
    post(tenant, "orders/ORD-2/void/", {"voided_at": "2026-11-20T12:00:00+07:00"}, expect=200)
    [summary] = summaries(tenant.store)
    assert covered_numbers(summary) == ["ORD-1"]
    assert not SyncActivity.objects.filter(kind="order_void").exists()

    activities_release_due(store=tenant.store, now=wib(21, 0, 1))
    push(connected)
    assert {n: total(d) for n, d in documents(accurate_at, "sales-invoice").items()} == {
        "JKT01-DAY-20261120": Decimal("42180")
    }


def test_a_summary_whose_sales_were_all_voided_is_cancelled(tenant, connected):
    day_ready(tenant, connected)
    post(tenant, "orders/", sale("ORD-1"))
    post(tenant, "orders/ORD-1/void/", {"voided_at": "2026-11-20T12:00:00+07:00"}, expect=200)
    [summary] = summaries(tenant.store)
    assert summary.status == "cancelled"


def test_a_void_after_the_summary_was_sent_becomes_a_return_against_it(tenant, connected, accurate_at):
    day_ready(tenant, connected)
    post(tenant, "orders/", sale("ORD-1"))
    post(tenant, "orders/", sale("ORD-2"))
    activities_release_due(store=tenant.store, now=wib(21, 0, 1))
    push(connected)

    post(tenant, "orders/ORD-2/void/", {"voided_at": "2026-11-21T08:00:00+07:00"}, expect=200)
    activities_release_due(store=tenant.store, now=wib(21, 8, 1))
    push(connected)

    [returned] = accurate_at.documents("sales-return")
    assert (returned["number"], returned["invoiceNumber"]) == ("JKT01-ORD-2-VOID", "JKT01-DAY-20261120")
    assert total(returned) == Decimal("42180")
    assert total(documents(accurate_at, "sales-invoice")["JKT01-DAY-20261120"]) == Decimal("84360")
    void = SyncActivity.objects.get(kind="order_void")
    assert (void.status, void.accurate_number) == ("success", "JKT01-ORD-2-VOID")


def test_a_refund_of_a_sale_in_a_summary_is_a_return_against_the_summary_invoice(
    tenant, connected, accurate_at
):
    day_ready(tenant, connected)
    post(tenant, "orders/", sale("ORD-1"))
    refund = {
        "number": "R-1",
        "order": "ORD-1",
        "refunded_at": "2026-11-21T09:00:00+07:00",
        "total": "10000",
        "lines": [{"product": "P1", "quantity": "1", "unit_price": "10000"}],
    }
    post(tenant, "refunds/", refund)
    activities_release_due(store=tenant.store, now=wib(21, 9, 1))
    push(connected)  # the summary; the refund waited for it
    push(connected)

    [returned] = accurate_at.documents("sales-return")
    assert (returned["number"], returned["invoiceNumber"]) == ("JKT01-R-1", "JKT01-DAY-20261120")
    assert SyncActivity.objects.get(kind="refund").status == "success"


def test_switching_back_to_one_invoice_per_sale_lets_unsent_sales_go_alone(tenant, connected, accurate_at):
    day_ready(tenant, connected)
    post(tenant, "orders/", sale("ORD-1"))
    posting(tenant.outlet, "per_sale")

    activities_release_due(store=tenant.store, now=wib(21, 0, 1))
    push(connected)

    assert list(documents(accurate_at, "sales-invoice")) == ["JKT01-ORD-1"]
    [summary] = summaries(tenant.store)
    assert summary.status == "cancelled"
