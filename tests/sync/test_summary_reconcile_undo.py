"""An outlet posting per day, against the live sandbox: the daily reconciliation compares its
summaries with the POS to the rupiah (no sale counted missing), and Undo a range deletes a summary's
documents after its refunds summary's, covered rows following it, then Backfill posts them again."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from sync.models import AccurateBinding, SyncActivity
from sync.ranges.backfill import backfill_preview, range_backfill
from sync.ranges.undo import RunState, undo_preview
from tests.sync.engine_helpers import post
from tests.sync.range_helpers import chosen, push_all, rows, undo
from tests.sync.summary_helpers import posting
from tests.sync.test_reconcile import check
from tests.sync.test_reconcile import make_ready as reconcile_ready

pytestmark = pytest.mark.embedded

DB = 101
SPLIT = [{"method": "cash", "amount": "20000"}, {"method": "qris", "amount": "21800"}]
REFUND = {
    "number": "R-1",
    "order": "ORD-1",
    "refunded_at": "2026-11-20T12:00:00+07:00",
    "total": "10000",
    "lines": [{"product": "P1", "quantity": "1", "unit_price": "10000"}],
}


def a_summarised_day(tenant: Any, connected: Any, order_body: Any) -> None:
    """JKT01 posting per day: ORD-1 (cash) and ORD-2 (cash and QRIS) on 20 November with the refund
    R-1 of ORD-1 that day, and ORD-3 on the 23rd; all in Accurate."""
    reconcile_ready(tenant, connected)
    posting(tenant.outlet, "per_day")
    post(tenant, "orders/", order_body("ORD-1"))
    post(tenant, "orders/", order_body("ORD-2", ordered_at="2026-11-20T19:00:00+07:00", payments=SPLIT))
    post(tenant, "refunds/", REFUND)
    post(tenant, "orders/", order_body("ORD-3", ordered_at="2026-11-23T10:00:00+07:00"))
    push_all(tenant, connected)
    assert set(SyncActivity.objects.values_list("status", flat=True)) == {"success"}


def numbers(sandbox: Any, module: str) -> list[str]:
    return sorted(doc["number"] for doc in sandbox.documents(module))


def test_a_summarised_day_matches_to_the_rupiah_with_no_sale_missing(
    tenant, connected, accurate_at, order_body
):
    a_summarised_day(tenant, connected, order_body)

    row = check(tenant.outlet)

    assert (row.status, row.differences_count, row.accurate_only_count, row.unsynced_count) == (
        "matched",
        0,
        0,
        0,
    )
    assert row.pos_figures == row.accurate_figures
    assert {key: row.pos_figures[key] for key in ("sales", "receipts", "returns")} == {
        "sales": {"count": 1, "total": "83600.00"},
        "receipts": {"cash": {"count": 1, "total": "61800.00"}, "qris": {"count": 1, "total": "21800.00"}},
        "returns": {"count": 1, "total": "10000.00"},
    }


def test_undo_deletes_the_returns_before_the_summary_and_backfill_posts_them_again_once(
    tenant, connected, accurate_at, order_body
):
    a_summarised_day(tenant, connected, order_body)
    accurate_at.faults(refuse_referenced=True)
    picked = chosen(tenant, "sales", "refunds")
    preview = undo_preview(picked, DB)
    assert {g: (c.rows, c.documents, c.kept) for g, c in preview.groups.items()} == {
        "sales": (1, 3, 0),
        "refunds": (1, 2, 0),
    }

    assert undo(connected, picked) is RunState.DONE

    # The refunds summary's money out and return, then the summary's receipts, then its invoice.
    assert [(d["module"], d["number"]) for d in accurate_at.inspect()["deleted"]] == [
        ("other-payment", "JKT01-DAY-20261120-RET-CASH"),
        ("sales-return", "JKT01-DAY-20261120-RET"),
        ("sales-receipt", "JKT01-DAY-20261120-CASH"),
        ("sales-receipt", "JKT01-DAY-20261120-QRIS"),
        ("sales-invoice", "JKT01-DAY-20261120"),
    ]
    assert sorted(AccurateBinding.objects.values_list("number", flat=True)) == [
        "JKT01-DAY-20261123",
        "JKT01-DAY-20261123-CASH",
    ]
    found = rows()
    for key in [("order_summary", "DAY-20261120"), ("refund_summary", "DAY-20261120-RET")]:
        row = found[key]
        assert (row.status, row.due_at, row.accurate_number, row.undone) == ("pending", None, "", True), key
    # The sales and the refund follow their summaries: held again, no longer in Accurate.
    for key in [("order", "ORD-1"), ("order", "ORD-2"), ("refund", "R-1")]:
        assert (found[key].status, found[key].accurate_number) == ("pending", ""), key
    assert found[("order_summary", "DAY-20261123")].status == "success"

    groups = backfill_preview(picked).groups
    assert {g: (c.to_send, c.landed) for g, c in groups.items()} == {"sales": (1, 0), "refunds": (1, 0)}
    assert range_backfill(chosen=picked, now=timezone.now()) == 2
    push_all(tenant, connected)

    assert numbers(accurate_at, "sales-invoice") == ["JKT01-DAY-20261120", "JKT01-DAY-20261123"]
    assert numbers(accurate_at, "sales-return") == ["JKT01-DAY-20261120-RET"]
    assert numbers(accurate_at, "other-payment") == ["JKT01-DAY-20261120-RET-CASH"]
    assert set(SyncActivity.objects.values_list("status", flat=True)) == {"success"}
