"""The outbox, as `outlets` sees it: the only module of `sync` that `outlets` imports (an
import-linter contract in `.importlinter` holds it to that).

`outlets` records a document's Pending row in the document's own transaction (`activity_record`,
`activities_record`); reads and changes the row of an order to refuse a change once it is in
Accurate, cancel a void's row or send a changed order again (`activity_open_for_update`,
`activity_has_succeeded`, `activity_cancel`, `activity_requeue`, and for a sale in a summary
`activity_sending`, `activity_sealed`); and reads the dashboard's figures
(`activity_counts_by_outlet`, `activities_recent`) and the demo's summary (`activities_pending_count`).
`pushes_soon` has a closed shift's sales pushed within seconds (recording a row does it itself).
`Kind` and `Status` name the rows' kinds and states. Everything else of `sync` stays out of its reach.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, Model
from django.utils import timezone

from iseller_accurate.db import insert_rows
from outlets.models import Outlet, Store

from .kick import pushes_soon as pushes_soon  # re-exported: a closed shift's sales go at once
from .models import SyncActivity
from .summaries import (
    covering,
    is_open,
    order_resummarise,
    orders_summarise,
    refunds_summarise,
    summary_cancel_if_empty,
)

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
    """Write the Pending outbox row for a document. Call it inside the document's transaction.

    A sale of an outlet posting per shift or per day joins its period's summary, a refund of such a
    sale given in that period the period's refunds summary (sync.summaries)."""
    pushes_soon(store_id=outlet.store_id)  # after commit: due rows go within seconds
    activity = SyncActivity.objects.create(
        store_id=outlet.store_id,
        outlet=outlet,
        kind=kind,
        pos_number=number,
        status=Status.PENDING,
        due_at=initial_due(kind),
        **{SOURCE_FIELD[kind]: document},
    )
    if kind in (Kind.ORDER, Kind.REFUND):
        if kind == Kind.ORDER:
            orders_summarise(outlet=outlet, order_ids=[document.pk])
        else:
            refunds_summarise(outlet=outlet, refund_ids=[document.pk])
        activity.refresh_from_db(fields=["summary"])
    return activity


def activities_record(*, kind: str, outlet: Outlet, sources: Sequence[tuple[int, str]]) -> None:
    """Write the Pending outbox rows of many documents of one kind: (document id, POS number) each.

    Call it inside the documents' transaction. One statement, whatever the count.
    """
    source = f"{SOURCE_FIELD[kind]}_id"
    due_at = initial_due(kind)
    pushes_soon(store_id=outlet.store_id)  # after commit: due rows go within seconds
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
    if kind == Kind.ORDER:
        orders_summarise(outlet=outlet, order_ids=[document_id for document_id, _number in sources])
    elif kind == Kind.REFUND:
        refunds_summarise(outlet=outlet, refund_ids=[document_id for document_id, _number in sources])


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
    """Stop a row that must no longer post (its document was voided before it synced). A sale in an
    open summary leaves it (the summary is sent without it; with none left, it is cancelled too)."""
    summary = covering(activity)
    activity.status = Status.CANCELLED
    activity.status_reason = reason
    activity.completed_at = timezone.now()
    activity.save(update_fields=["status", "status_reason", "completed_at", "updated_at"])
    if summary is not None:
        summary_cancel_if_empty(summary)


def activity_requeue(*, activity: SyncActivity, reason: str) -> None:
    """Send a row back to Pending because its document changed: the next push sends the new one
    (a sale in an open summary: the summary of its period, which the change may have moved)."""
    activity.status = Status.PENDING
    activity.status_reason = reason
    activity.save(update_fields=["status", "status_reason", "updated_at"])
    if activity.kind == Kind.ORDER:
        order_resummarise(activity=activity)


def activity_sending(activity: SyncActivity) -> bool:
    """The row is being sent right now: Running, or a sale whose summary is. Locks the summary."""
    if activity.status == Status.RUNNING:
        return True
    summary = covering(activity)
    return summary is not None and summary.status == Status.RUNNING


def activity_sealed(activity: SyncActivity) -> bool:
    """A sale in a summary that was already tried: what that summary covers no longer changes (a void
    becomes a return against it once it landed, a change is refused). Locks the summary."""
    summary = covering(activity)
    return summary is not None and not is_open(summary)


# --- what the dashboard and the demo read ---


@dataclass(frozen=True)
class StatusCounts:
    """The three states a merchant sees. Running is still Pending to them: it has not landed yet."""

    pending: int = 0
    failed: int = 0
    success: int = 0  # on the dashboard: synced since the store's midnight


# When each kind's document happened at the POS: the first of its source's times that is set.
HAPPENED_AT: dict[str, tuple[str, ...]] = {
    Kind.ORDER: ("ordered_at",),
    Kind.ORDER_VOID: ("voided_at", "ordered_at"),
    Kind.REFUND: ("refunded_at",),
    Kind.TRANSFER_OUT: ("sent_at",),
    Kind.TRANSFER_IN: ("received_at", "sent_at"),
    Kind.ADJUSTMENT: ("adjusted_at",),
    Kind.STOCK_TAKE: ("counted_at",),
    Kind.DEPOSIT: ("received_at",),
    Kind.PAYOUT: ("paid_at",),
}


@dataclass(frozen=True)
class RecentDocument:
    """An outbox row as the dashboard lists it, with when its document happened at the POS."""

    activity: SyncActivity
    happened_at: datetime


def happened_at(activity: SyncActivity) -> datetime:
    """The POS's own time of the row's document (the sale rung up, the void, the transfer sent or
    received…), not when the row was written: a POS that was offline, or the demo's seeding, posts
    days of documents at once. A batch of a product push has no POS document: when it was made."""
    source = getattr(activity, SOURCE_FIELD[activity.kind], None) if activity.kind in SOURCE_FIELD else None
    for name in HAPPENED_AT.get(activity.kind, ()):
        value = getattr(source, name, None)
        if value is not None:
            return value  # type: ignore[no-any-return]
    return activity.created_at


def activities_recent(store: Store, *, limit: int = 20) -> list[RecentDocument]:
    """The store's `limit` newest outbox rows (id breaks ties within one bulk insert), each with its
    document's time, latest document first: rows written together (a batch, an offline POS catching
    up) read in the order their documents happened."""
    sources = sorted(set(SOURCE_FIELD.values()))
    rows = SyncActivity.objects.filter(store=store).select_related("outlet", *sources)
    recent = [RecentDocument(row, happened_at(row)) for row in rows.order_by("-created_at", "-id")[:limit]]
    return sorted(recent, key=lambda row: row.happened_at, reverse=True)


def activity_counts_by_outlet(store: Store, *, now: datetime | None = None) -> dict[int, StatusCounts]:
    """Per outlet id of the store: rows Pending (or Running), Failed, and synced since the store's
    midnight. Outlets with none are absent. Each count reads a partial or narrow index, so the
    dashboard stays quick with a million rows (counting every success ever would read them all)."""
    now = now or timezone.now()
    midnight = timezone.localtime(now, ZoneInfo(store.time_zone)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    # Outlet documents only: a product push batch belongs to no outlet. A sales summary is counted
    # through the sales it covers (their rows take its status), not once more.
    summaries = [Kind.ORDER_SUMMARY, Kind.REFUND_SUMMARY]
    rows = SyncActivity.objects.filter(store=store, outlet__isnull=False).exclude(kind__in=summaries)
    found: dict[int, dict[str, int]] = {}
    for name, subset in (
        ("pending", rows.filter(status__in=[Status.PENDING, Status.RUNNING])),
        ("failed", rows.filter(status=Status.FAILED)),
        ("success", rows.filter(completed_at__gte=midnight, status=Status.SUCCESS)),
    ):
        for outlet_id, count in subset.values_list("outlet_id").annotate(n=Count("id")).order_by():
            found.setdefault(outlet_id, {})[name] = count
    return {outlet_id: StatusCounts(**counts) for outlet_id, counts in found.items()}


def activities_pending_count(store: Store) -> int:
    """How many of the store's rows are Pending."""
    return SyncActivity.objects.filter(store=store, status=Status.PENDING).count()
