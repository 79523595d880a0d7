"""A sale not yet sent that changes summary takes its refunds not yet sent along: those given in the
new period join its refunds summary, the others become returns of their own against the new summary,
and a refunds summary left empty is cancelled. Pushed by the engine against the live sandbox, to the
rupiah."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from sync.models import SyncActivity
from sync.schedule import activities_release_due
from tests.sync.engine_helpers import make_ready, post, push, total
from tests.sync.summary_helpers import amount, posting, sale, wib

pytestmark = pytest.mark.embedded


def documents(sandbox: Any, module: str) -> dict[str, dict[str, Any]]:
    return {doc["number"]: doc for doc in sandbox.documents(module)}


def refund(
    number: str, order: str, refunded_at: str, *, product: str = "P1", price: str = "10000", **extra: Any
):
    """One unit of `product` given back at `price` (at most what it sold for after its discount)."""
    body = {
        "number": number,
        "order": order,
        "refunded_at": refunded_at,
        "total": price,
        "lines": [{"product": product, "quantity": "1", "unit_price": price}],
    }
    return {**body, **extra}


def put(tenant: Any, body: dict[str, Any]) -> None:
    answer = tenant.api().put(f"/api/v1/outlets/JKT01/orders/{body['number']}/", body, format="json")
    assert answer.status_code == 200, answer.content


def row(kind: str, number: str) -> SyncActivity:
    return SyncActivity.objects.select_related("summary").get(kind=kind, pos_number=number)


def summary_numbers() -> dict[str, tuple[str, str]]:
    """Each summary row's POS number → its kind and status."""
    rows = SyncActivity.objects.filter(kind__in=["order_summary", "refund_summary"])
    return {
        number: (kind, status) for number, kind, status in rows.values_list("pos_number", "kind", "status")
    }


def in_summary(kind: str, number: str) -> str | None:
    found = row(kind, number).summary
    return found.pos_number if found else None


def return_lines(doc: dict[str, Any]) -> list[tuple[str, Decimal, Decimal, bool]]:
    return [
        (line["itemNo"], amount(line["quantity"]), amount(line["unitPrice"]), line["useTax1"])
        for line in doc["detailItem"]
    ]


def test_a_sale_moved_to_the_day_before_leaves_its_days_summaries_and_its_refund_stands_alone(
    tenant, connected, accurate_at
):
    make_ready(tenant, connected)
    posting(tenant.outlet, "per_day")
    post(tenant, "orders/", sale("ORD-0", ordered_at="2026-11-20T20:00:00+07:00"))
    # The POS's clock ran fast: rung up just after midnight, given back half an hour later.
    post(tenant, "orders/", sale("ORD-1", ordered_at="2026-11-21T00:05:00+07:00"))
    post(tenant, "refunds/", refund("R-1", "ORD-1", "2026-11-21T00:30:00+07:00"))
    assert in_summary("refund", "R-1") == "DAY-20261121-RET"

    # Corrected: the sale was the 20th's. Its refund, given on the 21st, is not in that day.
    put(tenant, sale("ORD-1", ordered_at="2026-11-20T23:50:00+07:00"))
    assert in_summary("order", "ORD-1") == "DAY-20261120"
    assert in_summary("refund", "R-1") is None
    assert summary_numbers() == {
        "DAY-20261120": ("order_summary", "pending"),
        "DAY-20261121": ("order_summary", "cancelled"),
        "DAY-20261121-RET": ("refund_summary", "cancelled"),
    }
    emptied = SyncActivity.objects.get(pos_number="DAY-20261121-RET")
    assert emptied.status_reason == (
        "All its refunds moved with their sales to another summary before it was synced."
    )

    activities_release_due(store=tenant.store, now=wib(22, 0, 1))
    push(connected)  # the 20th's summary
    push(connected)  # then the refund, which waited for it

    invoices = documents(accurate_at, "sales-invoice")
    assert {n: total(d) for n, d in invoices.items()} == {"JKT01-DAY-20261120": Decimal("84360")}
    returns = documents(accurate_at, "sales-return")
    assert {n: (r["invoiceNumber"], total(r)) for n, r in returns.items()} == {
        "JKT01-R-1": ("JKT01-DAY-20261120", Decimal("10000"))
    }
    assert return_lines(returns["JKT01-R-1"]) == [("SKU-1", Decimal("1"), Decimal("10000"), True)]
    paid_back = documents(accurate_at, "other-payment")
    assert {n: (p["bankNo"], total(p)) for n, p in paid_back.items()} == {
        "JKT01-R-1-OUT": ("1101", Decimal("10000"))
    }
    refund_row = row("refund", "R-1")
    assert (refund_row.status, refund_row.accurate_number) == ("success", "JKT01-R-1")


def test_a_sale_moved_to_another_shift_takes_its_refunds_to_that_shifts_refunds_summary(
    tenant, connected, accurate_at
):
    make_ready(tenant, connected)
    posting(tenant.outlet, "per_shift")
    # Two registers: shift A all day, shift B from 09:00 to 17:00.
    post(tenant, "shifts/", {"number": "SH-A", "cashier": "Ayu", "opened_at": "2026-11-20T07:00:00+07:00"})
    post(tenant, "shifts/", {"number": "SH-B", "cashier": "Budi", "opened_at": "2026-11-20T09:00:00+07:00"})
    post(tenant, "orders/", sale("ORD-1", ordered_at="2026-11-20T10:00:00+07:00", shift="SH-A"))
    post(tenant, "orders/", sale("ORD-2", ordered_at="2026-11-20T11:00:00+07:00", shift="SH-A"))
    post(tenant, "orders/", sale("ORD-3", ordered_at="2026-11-20T12:00:00+07:00", shift="SH-B"))
    # ORD-1's P2 (20,000 less its 2,000 discount) back by QRIS at 12:30, its two P1 by cash at 18:00:
    # both in shift A's refunds summary.
    post(
        tenant,
        "refunds/",
        refund(
            "R-1", "ORD-1", "2026-11-20T12:30:00+07:00", product="P2", price="18000", refund_method="qris"
        ),
    )
    post(tenant, "shifts/SH-B/close/", {"closed_at": "2026-11-20T17:00:00+07:00"}, expect=200)
    body = refund("R-2", "ORD-1", "2026-11-20T18:00:00+07:00", total="20000")
    body["lines"] = [{"product": "P1", "quantity": "2", "unit_price": "10000"}]
    post(tenant, "refunds/", body)
    assert (in_summary("refund", "R-1"), in_summary("refund", "R-2")) == ("SHIFT-SH-A-RET", "SHIFT-SH-A-RET")

    # Corrected: ORD-1 was rung up on register B. R-1 (12:30) was given in shift B, R-2 (18:00) after it.
    put(tenant, sale("ORD-1", ordered_at="2026-11-20T10:00:00+07:00", shift="SH-B"))
    assert in_summary("order", "ORD-1") == "SHIFT-SH-B"
    assert (in_summary("refund", "R-1"), in_summary("refund", "R-2")) == ("SHIFT-SH-B-RET", None)
    assert summary_numbers() == {
        "SHIFT-SH-A": ("order_summary", "pending"),
        "SHIFT-SH-B": ("order_summary", "pending"),
        "SHIFT-SH-A-RET": ("refund_summary", "cancelled"),
        "SHIFT-SH-B-RET": ("refund_summary", "pending"),
    }
    moved = SyncActivity.objects.get(pos_number="SHIFT-SH-B-RET")
    assert moved.against is not None and moved.against.pos_number == "SHIFT-SH-B"

    post(tenant, "shifts/SH-A/close/", {"closed_at": "2026-11-20T23:00:00+07:00"}, expect=200)
    activities_release_due(store=tenant.store, now=wib(20, 23, 1))
    push(connected)  # both shifts' invoices
    push(connected)  # then the returns, which waited for shift B's

    invoices = documents(accurate_at, "sales-invoice")
    assert {n: total(d) for n, d in invoices.items()} == {
        "JKT01-SHIFT-SH-A": Decimal("42180"),
        "JKT01-SHIFT-SH-B": Decimal("84360"),
    }
    returns = documents(accurate_at, "sales-return")
    assert {n: (r["invoiceNumber"], total(r)) for n, r in returns.items()} == {
        "JKT01-SHIFT-SH-B-RET": ("JKT01-SHIFT-SH-B", Decimal("18000")),
        "JKT01-R-2": ("JKT01-SHIFT-SH-B", Decimal("20000")),
    }
    assert return_lines(returns["JKT01-SHIFT-SH-B-RET"]) == [("SKU-2", Decimal("1"), Decimal("18000"), True)]
    assert return_lines(returns["JKT01-R-2"]) == [("SKU-1", Decimal("2"), Decimal("10000"), True)]
    paid_back = documents(accurate_at, "other-payment")
    assert {n: (p["bankNo"], total(p)) for n, p in paid_back.items()} == {
        "JKT01-SHIFT-SH-B-RET-QRIS": ("1102", Decimal("18000")),
        "JKT01-R-2-OUT": ("1101", Decimal("20000")),
    }
    rows = SyncActivity.objects.filter(kind="refund").order_by("pos_number")
    assert list(rows.values_list("pos_number", "status", "accurate_number")) == [
        ("R-1", "success", "JKT01-SHIFT-SH-B-RET"),
        ("R-2", "success", "JKT01-R-2"),
    ]


def test_a_refund_on_its_own_joins_the_refunds_summary_of_the_period_its_sale_moves_to(tenant, connected):
    make_ready(tenant, connected)
    posting(tenant.outlet, "per_day")
    post(tenant, "orders/", sale("ORD-1", ordered_at="2026-11-20T23:50:00+07:00"))
    post(tenant, "refunds/", refund("R-1", "ORD-1", "2026-11-21T09:00:00+07:00"))
    assert in_summary("refund", "R-1") is None  # given the day after its sale's day

    put(tenant, sale("ORD-1", ordered_at="2026-11-21T00:10:00+07:00"))

    assert in_summary("order", "ORD-1") == "DAY-20261121"
    assert in_summary("refund", "R-1") == "DAY-20261121-RET"
    assert summary_numbers() == {
        "DAY-20261120": ("order_summary", "cancelled"),
        "DAY-20261121": ("order_summary", "pending"),
        "DAY-20261121-RET": ("refund_summary", "pending"),
    }


def test_a_sale_changed_without_changing_summary_leaves_its_refunds_where_they_are(tenant, connected):
    make_ready(tenant, connected)
    posting(tenant.outlet, "per_day")
    post(tenant, "orders/", sale("ORD-1"))
    post(tenant, "refunds/", refund("R-1", "ORD-1", "2026-11-20T15:00:00+07:00"))
    returns = row("refund", "R-1").summary

    put(tenant, sale("ORD-1", note="Meja 4"))

    assert row("refund", "R-1").summary == returns
    assert summary_numbers() == {
        "DAY-20261120": ("order_summary", "pending"),
        "DAY-20261120-RET": ("refund_summary", "pending"),
    }


def test_switching_back_to_one_invoice_per_sale_lets_the_refunds_go_alone_too(tenant, connected, accurate_at):
    make_ready(tenant, connected)
    posting(tenant.outlet, "per_day")
    post(tenant, "orders/", sale("ORD-1"))
    post(tenant, "refunds/", refund("R-1", "ORD-1", "2026-11-20T15:00:00+07:00"))
    posting(tenant.outlet, "per_sale")

    activities_release_due(store=tenant.store, now=wib(21, 0, 1))
    push(connected)  # the sale
    push(connected)  # then its refund

    assert summary_numbers() == {
        "DAY-20261120": ("order_summary", "cancelled"),
        "DAY-20261120-RET": ("refund_summary", "cancelled"),
    }
    returns = documents(accurate_at, "sales-return")
    assert {n: (r["invoiceNumber"], total(r)) for n, r in returns.items()} == {
        "JKT01-R-1": ("JKT01-ORD-1", Decimal("10000"))
    }
