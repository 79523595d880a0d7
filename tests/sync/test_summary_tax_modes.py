"""One tax mode per summary invoice: a day's sales with PPN added and with PPN inside their prices go
in parts of their own, so Accurate computes each one's PPN as the POS did and no rounding line absorbs
it; a sale without PPN has no taxed line and joins any part. Pushed by the engine against the live
sandbox, to the rupiah."""

from __future__ import annotations

import importlib
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps as django_apps

from sync.models import SyncActivity, SyncAttempt
from sync.preview.summary import parts_of
from sync.schedule import activities_release_due
from sync.summaries import Period
from tests.sync.engine_helpers import make_ready, map_outlet, post, push, total
from tests.sync.summary_helpers import amount, covered_numbers, posting, sale, summaries, wib

pytestmark = pytest.mark.embedded

# The lines of `sale`: 2 × P1 at 10,000 and 1 × P2 at 20,000 less 2,000 = 38,000.
INSIDE = {"tax": "3765.77", "tax_inclusive": True, "total": "38000"}  # 11 % PPN inside 38,000
UNTAXED = {"tax": "0", "total": "38000"}


def with_tax(number: str, ordered_at: str, tax: dict[str, Any]) -> dict[str, Any]:
    body = sale(number, ordered_at=ordered_at, **tax)
    body["payments"] = [{"method": "cash", "amount": tax["total"]}]
    return body


def item(sku: str, qty: str, price: str, discount: str, taxed: bool) -> dict[str, Any]:
    return {
        "itemNo": sku,
        "quantity": Decimal(qty),
        "unitPrice": Decimal(price),
        "itemCashDiscount": Decimal(discount),
        "warehouseName": "Gudang Utama",
        "detailNotes": "",
        "useTax1": taxed,
    }


def invoice_sent(number: str) -> dict[str, Any]:
    """The payload of the sales invoice `number` as the engine sent it (amounts as Decimal)."""
    for attempt in SyncAttempt.objects.filter(activity__kind="order_summary").order_by("id"):
        for sent in attempt.sent:
            if sent["module"] == "sales-invoice" and sent["number"] == number:
                payload: dict[str, Any] = sent["payload"]
                return payload
    raise AssertionError(number)


def as_decimals(payload: dict[str, Any]) -> dict[str, Any]:
    money = ("quantity", "unitPrice", "itemCashDiscount", "cashDiscount", "expenseAmount")

    def convert(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: convert(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [convert(v) for v in value]
        return amount(value) if key in money else value

    converted: dict[str, Any] = convert(payload)
    return converted


def header(sales: int, part: str, *, taxable: bool, inclusive: bool) -> dict[str, Any]:
    number = f"DAY-20261120{part}"
    return {
        "number": f"JKT01-{number}",
        "transDate": "20/11/2026",
        "customerNo": "C-WALKIN",
        "branchName": "Pusat",
        "description": f"iSeller JKT01 sales summary {number} ({sales} sales)",
        "taxable": taxable,
        "inclusiveTax": inclusive,
        "cashDiscount": Decimal("0"),
    }


def test_a_days_sales_with_ppn_added_and_inside_go_in_two_parts_each_with_its_own_ppn(
    tenant, connected, accurate_at
):
    make_ready(tenant, connected)
    posting(tenant.outlet, "per_day")
    post(tenant, "orders/", sale("ORD-1", ordered_at="2026-11-20T10:00:00+07:00"))  # PPN added: 42,180
    post(tenant, "orders/", with_tax("ORD-2", "2026-11-20T11:00:00+07:00", INSIDE))
    post(tenant, "orders/", with_tax("ORD-3", "2026-11-20T12:00:00+07:00", UNTAXED))
    # 1 × P3 at 30,000 + 3,300 PPN: back in the first part, still open.
    later = {
        "number": "ORD-4",
        "ordered_at": "2026-11-20T13:00:00+07:00",
        "lines": [{"product": "P3", "quantity": "1", "unit_price": "30000"}],
        "tax": "3300",
        "total": "33300",
        "payments": [{"method": "cash", "amount": "33300"}],
    }
    post(tenant, "orders/", later)

    parts = summaries(tenant.store)
    # ORD-3, without PPN, joined the latest open part (PPN inside); ORD-4 found its mode's part.
    assert [(s.pos_number, s.period_part, s.period_tax, covered_numbers(s)) for s in parts] == [
        ("DAY-20261120", 1, "exclusive", ["ORD-1", "ORD-4"]),
        ("DAY-20261120-2", 2, "inclusive", ["ORD-2", "ORD-3"]),
    ]

    assert activities_release_due(store=tenant.store, now=wib(21, 0, 1)) == 2
    push(connected)

    lines = [item("SKU-1", "2", "10000", "0", True), item("SKU-2", "1", "20000", "2000", True)]
    assert as_decimals(invoice_sent("JKT01-DAY-20261120")) == {
        **header(2, "", taxable=True, inclusive=False),
        "detailItem": [*lines, item("SKU-3", "1", "30000", "0", True)],
        "detailExpense": [],
    }
    untaxed = [{**line, "useTax1": False} for line in lines]
    assert as_decimals(invoice_sent("JKT01-DAY-20261120-2")) == {
        **header(2, "-2", taxable=True, inclusive=True),
        "detailItem": [*lines, *untaxed],
        "detailExpense": [],
    }
    # Accurate's PPN is the POS's, sale by sale: nothing was left to a rounding line.
    invoices = {doc["number"]: doc for doc in accurate_at.documents("sales-invoice")}
    assert {n: (total(d), amount(d["taxAmount"])) for n, d in invoices.items()} == {
        "JKT01-DAY-20261120": (Decimal("75480"), Decimal("7480")),  # 4,180 + 3,300
        "JKT01-DAY-20261120-2": (Decimal("76000"), Decimal("3765.77")),  # ORD-3's lines bear none
    }
    receipts = {doc["number"]: amount(doc["chequeAmount"]) for doc in accurate_at.documents("sales-receipt")}
    assert receipts == {
        "JKT01-DAY-20261120-CASH": Decimal("75480"),
        "JKT01-DAY-20261120-2-CASH": Decimal("76000"),
    }
    assert set(SyncActivity.objects.filter(kind="order_summary").values_list("status", flat=True)) == {
        "success"
    }


def test_a_sale_changed_to_ppn_inside_its_prices_moves_to_that_modes_part_with_its_refund(
    tenant, connected, accurate_at
):
    make_ready(tenant, connected)
    posting(tenant.outlet, "per_day")
    post(tenant, "orders/", sale("ORD-1", ordered_at="2026-11-20T10:00:00+07:00"))
    post(tenant, "orders/", sale("ORD-2", ordered_at="2026-11-20T11:00:00+07:00"))
    refund = {
        "number": "R-1",
        "order": "ORD-1",
        "refunded_at": "2026-11-20T15:00:00+07:00",
        "total": "10000",
        "lines": [{"product": "P1", "quantity": "1", "unit_price": "10000"}],
    }
    post(tenant, "refunds/", refund)

    # The POS had the tax wrong: ORD-1's prices include their PPN.
    changed = with_tax("ORD-1", "2026-11-20T10:00:00+07:00", INSIDE)
    answer = tenant.api().put("/api/v1/outlets/JKT01/orders/ORD-1/", changed, format="json")
    assert answer.status_code == 200, answer.content

    rows = SyncActivity.objects.filter(kind__in=["order_summary", "refund_summary"]).order_by("id")
    assert list(rows.values_list("pos_number", "period_tax", "status")) == [
        ("DAY-20261120", "exclusive", "pending"),
        ("DAY-20261120-RET", "", "cancelled"),  # its one refund followed the sale
        ("DAY-20261120-2", "inclusive", "pending"),
        ("DAY-20261120-2-RET", "", "pending"),
    ]

    activities_release_due(store=tenant.store, now=wib(21, 0, 1))
    push(connected)  # the invoices
    push(connected)  # then the return

    invoices = {doc["number"]: doc for doc in accurate_at.documents("sales-invoice")}
    assert {n: (total(d), amount(d["taxAmount"])) for n, d in invoices.items()} == {
        "JKT01-DAY-20261120": (Decimal("42180"), Decimal("4180")),
        "JKT01-DAY-20261120-2": (Decimal("38000"), Decimal("3765.77")),
    }
    [returned] = accurate_at.documents("sales-return")
    assert (returned["number"], returned["invoiceNumber"], total(returned)) == (
        "JKT01-DAY-20261120-2-RET",
        "JKT01-DAY-20261120-2",
        Decimal("10000"),
    )


def test_the_migration_gives_open_summaries_their_sales_tax_mode_and_none_to_one_mixing_them(tenant):
    map_outlet(tenant.outlet)
    posting(tenant.outlet, "per_day")
    post(tenant, "orders/", sale("ORD-1", ordered_at="2026-11-20T10:00:00+07:00"))
    post(tenant, "orders/", with_tax("ORD-2", "2026-11-20T11:00:00+07:00", INSIDE))
    post(tenant, "orders/", sale("ORD-3", ordered_at="2026-11-21T10:00:00+07:00"))
    post(tenant, "orders/", with_tax("ORD-5", "2026-11-21T11:00:00+07:00", UNTAXED))
    post(tenant, "orders/", with_tax("ORD-6", "2026-11-22T11:00:00+07:00", UNTAXED))
    # As before tax modes: ORD-2 in the day's one summary, and no summary knowing its mode.
    first, second, _other_day, _untaxed_day = summaries(tenant.store)
    SyncActivity.objects.filter(kind="order", pos_number="ORD-2").update(summary=first)
    SyncActivity.objects.filter(pk=second.pk).update(status="cancelled")
    SyncActivity.objects.filter(kind="order_summary").update(period_tax="")

    migration = importlib.import_module("sync.migrations.0017_summary_tax_modes")
    migration.open_summaries_tax_modes(django_apps, None)

    rows = SyncActivity.objects.filter(kind="order_summary").order_by("id")
    assert list(rows.values_list("pos_number", "period_tax")) == [
        ("DAY-20261120", ""),  # mixed: no sale joins it any more
        ("DAY-20261120-2", ""),
        ("DAY-20261121", "exclusive"),  # PPN added, and a sale without PPN
        ("DAY-20261122", "untaxed"),  # no taxed sale yet: the first one gives it its mode
    ]
    post(tenant, "orders/", sale("ORD-4", ordered_at="2026-11-20T12:00:00+07:00"))
    assert covered_numbers(summaries(tenant.store)[-1]) == ["ORD-4"]
    assert summaries(tenant.store)[-1].pos_number == "DAY-20261120-3"


def test_a_part_of_sales_without_ppn_takes_the_mode_of_the_first_taxed_sale_that_joins_it(tenant):
    map_outlet(tenant.outlet)
    posting(tenant.outlet, "per_day")
    post(tenant, "orders/", with_tax("ORD-1", "2026-11-20T10:00:00+07:00", UNTAXED))
    assert [(s.pos_number, s.period_tax) for s in summaries(tenant.store)] == [("DAY-20261120", "untaxed")]
    post(tenant, "orders/", with_tax("ORD-2", "2026-11-20T11:00:00+07:00", INSIDE))
    post(tenant, "orders/", sale("ORD-3", ordered_at="2026-11-20T12:00:00+07:00"))  # PPN added
    post(tenant, "orders/", with_tax("ORD-4", "2026-11-20T13:00:00+07:00", UNTAXED))

    parts = summaries(tenant.store)
    assert [(s.pos_number, s.period_tax, covered_numbers(s)) for s in parts] == [
        ("DAY-20261120", "inclusive", ["ORD-1", "ORD-2"]),
        ("DAY-20261120-2", "exclusive", ["ORD-3", "ORD-4"]),  # the latest open part
    ]


def test_the_preview_makes_the_parts_the_sales_would_have_made():
    day = Period(date(2026, 11, 20))
    untaxed, inside, added = (replace(day, tax=mode) for mode in ("untaxed", "inclusive", "exclusive"))
    shift = Period(date(2026, 11, 20), 7, "S7", tax="untaxed")
    sales = [(untaxed, 1), (inside, 2), (added, 3), (untaxed, 4), (inside, 5), (shift, 6)]

    assert parts_of(sales) == [
        (inside, 1, [1, 2, 5]),
        (added, 2, [3, 4]),
        (shift, 1, [6]),
    ]
