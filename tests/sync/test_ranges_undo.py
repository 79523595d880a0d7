"""Undo a range against the live sandbox: documents deleted dependents first, each deletion an
attempt, bindings gone, rows Pending and held; a refused deletion keeps that document and what it
depends on, and says why; Backfill then posts the same numbers again, once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from sync.models import AccurateBinding, SyncActivity, SyncAttempt
from sync.ranges.backfill import backfill_preview, range_backfill
from sync.ranges.progress import undo_progress
from sync.ranges.undo import RunState, undo_preview
from sync.schedule import activities_release, activities_release_due
from tests.sync.engine_helpers import push
from tests.sync.range_helpers import TOKEN, chosen, documents_synced, push_all, rows, undo

pytestmark = pytest.mark.embedded

DB = 101
EVERYTHING = ("sales", "refunds", "transfers")


def numbers(sandbox, module):
    return sorted(doc["number"] for doc in sandbox.documents(module))


def test_undo_deletes_dependents_first_records_each_deletion_and_holds_the_rows(
    tenant, connected, accurate_at, order_body
):
    documents_synced(tenant, connected, order_body)
    # Accurate, as assumed, refuses to delete what another document refers to: the order must hold.
    accurate_at.faults(refuse_referenced=True)
    picked = chosen(tenant, *EVERYTHING)
    preview = undo_preview(picked, DB)
    assert {g: (c.rows, c.documents, c.kept) for g, c in preview.groups.items()} == {
        "sales": (2, 5, 0),
        "refunds": (1, 2, 0),
        "transfers": (2, 2, 0),
    }

    assert undo(connected, picked) is RunState.DONE

    # The return and its money before the sale they refer to, the transfer received before the
    # transfer sent; within a sale its receipts before its invoice.
    assert [(d["module"], d["number"]) for d in accurate_at.inspect()["deleted"]] == [
        ("other-payment", "JKT01-R-1-OUT"),
        ("sales-return", "JKT01-R-1"),
        ("item-transfer", "JKT01-T-1-IN"),
        ("sales-receipt", "JKT01-ORD-1-CASH"),
        ("sales-invoice", "JKT01-ORD-1"),
        ("sales-receipt", "JKT01-ORD-2-CASH"),
        ("sales-receipt", "JKT01-ORD-2-QRIS"),
        ("sales-invoice", "JKT01-ORD-2"),
        ("item-transfer", "JKT01-T-1-OUT"),
    ]
    assert numbers(accurate_at, "sales-invoice") == ["JKT01-ORD-3"]
    assert numbers(accurate_at, "sales-receipt") == ["JKT01-ORD-3-CASH"]
    assert numbers(accurate_at, "sales-return") == numbers(accurate_at, "item-transfer") == []
    assert sorted(AccurateBinding.objects.values_list("number", flat=True)) == [
        "JKT01-ORD-3",
        "JKT01-ORD-3-CASH",
    ]
    found = rows()
    undone = [key for key in found if key != ("order", "ORD-3")]
    for key in undone:
        row = found[key]
        assert (row.status, row.due_at, row.accurate_id, row.accurate_number, row.undone) == (
            "pending",
            None,
            None,
            "",
            True,
        ), key
    assert found[("order", "ORD-3")].status == "success"
    attempt = SyncAttempt.objects.filter(activity=found[("order", "ORD-2")]).last()
    assert attempt is not None and attempt.outcome == "success"
    assert [(s["module"], s["action"], s["number"]) for s in attempt.sent] == [
        ("sales-receipt", "delete", "JKT01-ORD-2-CASH"),
        ("sales-receipt", "delete", "JKT01-ORD-2-QRIS"),
        ("sales-invoice", "delete", "JKT01-ORD-2"),
    ]
    assert [(a["number"], a["ok"]) for a in attempt.answered] == [
        ("JKT01-ORD-2-CASH", True),
        ("JKT01-ORD-2-QRIS", True),
        ("JKT01-ORD-2", True),
    ]
    assert attempt.message == (
        "Deleted from Accurate by Undo a range: sales receipt JKT01-ORD-2-CASH, sales receipt "
        f"JKT01-ORD-2-QRIS, sales invoice JKT01-ORD-2. Held: Backfill sends it again. (undo {TOKEN})"
    )
    progress = undo_progress(picked, DB, TOKEN)
    assert (progress.undone, progress.kept_count, progress.left, progress.finished) == (5, 0, 0, True)
    # Held: neither the schedule nor "Sync now" sends them again; only Backfill does.
    assert activities_release_due(store=tenant.store, now=timezone.now()) == 0
    assert activities_release(store=tenant.store, kinds=["order", "refund"], now=timezone.now()) == 0
    push(connected)
    assert numbers(accurate_at, "sales-invoice") == ["JKT01-ORD-3"]


def test_a_refused_deletion_keeps_that_document_and_what_it_depends_on(
    tenant, connected, accurate_at, order_body
):
    documents_synced(tenant, connected, order_body)
    accurate_at.faults(
        refuse_delete={
            "JKT01-R-1": "Periode sudah ditutup",
            "JKT01-ORD-2": "Faktur sudah dibayar di tempat lain",
        }
    )
    picked = chosen(tenant, *EVERYTHING)

    assert undo(connected, picked) is RunState.DONE

    found = rows()
    statuses = {key: row.status for key, row in found.items()}
    assert statuses == {
        ("order", "ORD-1"): "success",  # its refund's return is still there
        ("order", "ORD-2"): "failed",  # receipts deleted, the invoice refused
        ("order", "ORD-3"): "success",
        ("refund", "R-1"): "failed",  # its money out deleted, the return refused
        ("transfer_out", "T-1"): "pending",
        ("transfer_in", "T-1"): "pending",
    }
    assert found[("refund", "R-1")].status_reason == (
        "Partly deleted from Accurate by Undo a range: other payment JKT01-R-1-OUT deleted; Accurate refused "
        "to delete sales return JKT01-R-1: Periode sudah ditutup. The rest is still in Accurate; Sync sends "
        "the deleted ones again."
    )
    assert found[("order", "ORD-1")].status_reason == (
        "Kept in Accurate: its refund R-1 is still there (sales return JKT01-R-1), and Accurate keeps what "
        "another document refers to."
    )
    assert found[("order", "ORD-2")].status_reason == (
        "Partly deleted from Accurate by Undo a range: sales receipt JKT01-ORD-2-CASH, sales receipt "
        "JKT01-ORD-2-QRIS deleted; Accurate refused to delete sales invoice JKT01-ORD-2: Faktur sudah "
        "dibayar di tempat lain. The rest is still in Accurate; Sync sends the deleted ones again."
    )
    # What Accurate has and what the bindings say agree.
    assert numbers(accurate_at, "sales-invoice") == ["JKT01-ORD-1", "JKT01-ORD-2", "JKT01-ORD-3"]
    assert numbers(accurate_at, "sales-receipt") == ["JKT01-ORD-1-CASH", "JKT01-ORD-3-CASH"]
    assert numbers(accurate_at, "sales-return") == ["JKT01-R-1"]
    assert numbers(accurate_at, "other-payment") == []
    assert sorted(AccurateBinding.objects.values_list("number", flat=True)) == [
        "JKT01-ORD-1",
        "JKT01-ORD-1-CASH",
        "JKT01-ORD-2",
        "JKT01-ORD-3",
        "JKT01-ORD-3-CASH",
        "JKT01-R-1",
    ]
    progress = undo_progress(picked, DB, TOKEN)
    assert (progress.undone, progress.kept_count, progress.finished) == (2, 3, True)
    assert sorted(row.activity.pos_number for row in progress.kept) == ["ORD-1", "ORD-2", "R-1"]
    # Sync puts back what was deleted of a partly undone row; what Accurate kept is not sent again.
    accurate_at.faults(refuse_delete={})
    SyncActivity.objects.filter(status="failed").update(status="pending")
    push_all(tenant, connected)
    assert numbers(accurate_at, "sales-receipt") == sorted(
        ["JKT01-ORD-1-CASH", "JKT01-ORD-2-CASH", "JKT01-ORD-2-QRIS", "JKT01-ORD-3-CASH"]
    )
    assert numbers(accurate_at, "other-payment") == ["JKT01-R-1-OUT"]
    assert numbers(accurate_at, "sales-invoice") == ["JKT01-ORD-1", "JKT01-ORD-2", "JKT01-ORD-3"]
    assert accurate_at.inspect()["counters"]["duplicate_numbers_refused"] == 0


def test_undo_then_backfill_posts_the_same_numbers_again_exactly_once(
    tenant, connected, accurate_at, order_body
):
    documents_synced(tenant, connected, order_body)
    before = {
        module: numbers(accurate_at, module) for module in ("sales-invoice", "sales-receipt", "item-transfer")
    }
    picked = chosen(tenant, *EVERYTHING)
    undo(connected, picked)
    preview = backfill_preview(picked)
    assert {g: (c.to_send, c.landed) for g, c in preview.groups.items()} == {
        "sales": (2, 0),
        "refunds": (1, 0),
        "transfers": (2, 0),
    }

    assert range_backfill(chosen=picked, now=timezone.now()) == 5
    push_all(tenant, connected)

    assert {module: numbers(accurate_at, module) for module in before} == before
    assert numbers(accurate_at, "sales-return") == ["JKT01-R-1"]
    assert numbers(accurate_at, "other-payment") == ["JKT01-R-1-OUT"]
    assert set(SyncActivity.objects.values_list("status", flat=True)) == {"success"}
    assert accurate_at.inspect()["counters"]["duplicate_numbers_refused"] == 0
    assert AccurateBinding.objects.count() == 11
