"""Writes to the outbox. `outlets` calls `activity_record` in the same transaction as a document."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Model
from django.utils import timezone

from iseller_accurate.db import insert_rows
from outlets.models import Outlet

from .models import SyncActivity

Kind = SyncActivity.Kind
Status = SyncActivity.Status

# Which foreign key of SyncActivity holds the source document of each kind.
SOURCE_FIELD: dict[str, str] = {
    Kind.ORDER: "order",
    Kind.ORDER_VOID: "order",
    Kind.REFUND: "refund",
    Kind.TRANSFER_OUT: "transfer",
    Kind.TRANSFER_IN: "transfer",
    Kind.ADJUSTMENT: "adjustment",
    Kind.STOCK_TAKE: "stock_take",
    Kind.DEPOSIT: "deposit",
    Kind.PAYOUT: "payout",
}


# Kinds that go as they arrive; the others wait for the store's schedule (or "Sync now").
AS_THEY_ARRIVE = frozenset({Kind.ADJUSTMENT, Kind.STOCK_TAKE, Kind.DEPOSIT, Kind.PAYOUT})


def initial_due(kind: str) -> datetime | None:
    return timezone.now() if kind in AS_THEY_ARRIVE else None


def activity_record(*, kind: str, outlet: Outlet, document: Model, number: str) -> SyncActivity:
    """Write the Pending outbox row for a document. Call it inside the document's transaction."""
    return SyncActivity.objects.create(
        store_id=outlet.store_id,
        outlet=outlet,
        kind=kind,
        pos_number=number,
        status=Status.PENDING,
        due_at=initial_due(kind),
        **{SOURCE_FIELD[kind]: document},
    )


def activities_record(*, kind: str, outlet: Outlet, sources: Sequence[tuple[int, str]]) -> None:
    """Write the Pending outbox rows of many documents of one kind: (document id, POS number) each.

    Call it inside the documents' transaction. One statement, whatever the count.
    """
    source = f"{SOURCE_FIELD[kind]}_id"
    due_at = initial_due(kind)
    insert_rows(
        SyncActivity,
        [
            {
                "store_id": outlet.store_id,
                "outlet_id": outlet.pk,
                "kind": kind,
                "pos_number": number,
                "status": Status.PENDING,
                "due_at": due_at,
                source: document_id,
            }
            for document_id, number in sources
        ],
    )


def activity_open_for_update(*, kind: str, document: Model) -> SyncActivity | None:
    """The row of this document and kind that may still post, locked until the transaction ends."""
    return (
        SyncActivity.objects.select_for_update()
        .filter(kind=kind, status__in=SyncActivity.OPEN_STATUSES, **{SOURCE_FIELD[kind]: document})
        .first()
    )


def activity_has_succeeded(*, kind: str, document: Model) -> SyncActivity | None:
    """The row that put this document in Accurate: Success, or Synced with a difference (it is there
    all the same: a void must take it out, a change is refused)."""
    landed = (Status.SUCCESS, Status.DIFFERENCE)
    return (
        SyncActivity.objects.filter(kind=kind, status__in=landed, **{SOURCE_FIELD[kind]: document})
        .order_by("-completed_at")
        .first()
    )


def activity_cancel(*, activity: SyncActivity, reason: str) -> None:
    """Stop a row that must no longer post (its document was voided before it synced)."""
    activity.status = Status.CANCELLED
    activity.status_reason = reason
    activity.completed_at = timezone.now()
    activity.save(update_fields=["status", "status_reason", "completed_at", "updated_at"])


def activity_requeue(*, activity: SyncActivity, reason: str) -> None:
    """Send a row back to Pending because its document changed: the next push sends the new one."""
    activity.status = Status.PENDING
    activity.status_reason = reason
    activity.save(update_fields=["status", "status_reason", "updated_at"])
