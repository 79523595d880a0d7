"""Reads of the activity pages, scoped to one store.

Pages go newest first by (created_at, id) and are reached by a cursor, never by OFFSET, and no page
counts the table: a page 10,000 rows deep costs what the first one does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import DateTimeField, ExpressionWrapper, F, Q, QuerySet, Value
from django.http import Http404
from django.utils import timezone

from mapping.selectors import sync_settings_for
from outlets.models import Refund, Store, Transfer
from sync.models import SyncActivity, SyncAttempt
from sync.selectors import active_outlet_ids, connection_status

from .reasons import PendingFacts, Prerequisite, Sender

Status = SyncActivity.Status
Kind = SyncActivity.Kind
PAGE_SIZE = 50
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Statuses the merchant can press Sync for (Running is already on its way). A row synced with a
# difference goes again to have Accurate's total checked (and corrected) once more.
RETRYABLE = (Status.FAILED, Status.PENDING, Status.DIFFERENCE)


def activities_for_store(store: Store) -> QuerySet[SyncActivity]:
    """Every activity of the store, with its outlet; what the filters narrow down."""
    return SyncActivity.objects.filter(store=store).select_related("outlet")


def activity_for_store(store: Store, activity_id: int) -> SyncActivity:
    """One activity of the store; Http404 for another store's, or none."""
    activity = activities_for_store(store).filter(pk=activity_id).first()
    if activity is None:
        raise Http404("No such activity.")
    return activity


# --- the cursor: "<microseconds since the epoch>-<id>" of a row, opaque to the merchant ---


@dataclass(frozen=True)
class Cursor:
    created_at: datetime
    id: int

    def token(self) -> str:
        micros = (self.created_at - EPOCH) // timedelta(microseconds=1)
        return f"{micros}-{self.id}"

    @classmethod
    def of(cls, activity: SyncActivity) -> Cursor:
        return cls(activity.created_at, activity.pk)

    @classmethod
    def parse(cls, token: str | None) -> Cursor | None:
        """The cursor of a token; None for a missing or malformed one (the first page)."""
        if not token:
            return None
        micros, _, row_id = token.partition("-")
        if not (micros.isdigit() and row_id.isdigit()):
            return None
        return cls(EPOCH + timedelta(microseconds=int(micros)), int(row_id))


def older_than(cursor: Cursor) -> Q:
    # The plain bound on created_at is what the index range uses; the OR settles ties by id.
    return Q(created_at__lte=cursor.created_at) & (
        Q(created_at__lt=cursor.created_at) | Q(created_at=cursor.created_at, id__lt=cursor.id)
    )


def newer_than(cursor: Cursor) -> Q:
    return Q(created_at__gte=cursor.created_at) & (
        Q(created_at__gt=cursor.created_at) | Q(created_at=cursor.created_at, id__gt=cursor.id)
    )


NEWEST = ("-created_at", "-id")
OLDEST = ("created_at", "id")
# The same order through an expression no index provides, so the planner reads the matches first.
_UNINDEXED = ExpressionWrapper(F("created_at") + Value(timedelta(0)), output_field=DateTimeField())
NEWEST_MATCHES = (_UNINDEXED.desc(), F("id").desc())
OLDEST_MATCHES = (_UNINDEXED.asc(), F("id").asc())


@dataclass(frozen=True)
class Page:
    rows: Sequence[SyncActivity]
    older: str | None  # token of the next page towards older rows, None at the end
    newer: str | None  # token of the page towards newer rows, None on the first page

    @property
    def any_pending(self) -> bool:
        return any(row.status in (Status.PENDING, Status.RUNNING) for row in self.rows)


def activities_page(
    rows: QuerySet[SyncActivity],
    *,
    older: str | None = None,
    newer: str | None = None,
    size: int = PAGE_SIZE,
    by_match: bool = False,
) -> Page:
    """One page of already filtered, store-scoped rows, newest first.

    `older`: the rows after that cursor; `newer`: the page just before it. One row more than the page
    is read to know whether there is a next one; nothing is counted.

    `by_match`: the filters pick out a few rows by another index (a number search). Walking the
    newest-first index would skip the whole store to find them; sorting the matches is quicker.
    """
    newest, oldest = (NEWEST_MATCHES, OLDEST_MATCHES) if by_match else (NEWEST, OLDEST)
    after = Cursor.parse(newer)
    if after is not None:
        found = list(rows.filter(newer_than(after)).order_by(*oldest)[: size + 1])
        has_newer = len(found) > size
        page = list(reversed(found[:size]))
        return Page(
            page,
            older=Cursor.of(page[-1]).token() if page else older_link(after),
            newer=Cursor.of(page[0]).token() if has_newer else None,
        )
    before = Cursor.parse(older)
    if before is not None:
        rows = rows.filter(older_than(before))
    found = list(rows.order_by(*newest)[: size + 1])
    page = found[:size]
    return Page(
        page,
        older=Cursor.of(page[-1]).token() if len(found) > size else None,
        newer=Cursor.of(page[0]).token() if before is not None and page else None,
    )


def older_link(cursor: Cursor) -> str:
    # Nothing newer than the cursor any more (rows moved): the page below starts at it.
    return Cursor(cursor.created_at, cursor.id + 1).token()


def activity_statuses(store: Store, ids: Sequence[int]) -> list[SyncActivity]:
    """The rows of these ids that belong to the store (others are silently absent)."""
    return list(activities_for_store(store).filter(pk__in=list(ids)).order_by("id"))


def activities_failed(rows: QuerySet[SyncActivity]) -> QuerySet[SyncActivity]:
    """The Failed rows among `rows` that "Sync all failed" sends again: a product push batch goes
    again with "Push products" instead, a sale in a sales summary with its summary."""
    return rows.filter(status=Status.FAILED, summary__isnull=True).exclude(kind=Kind.PRODUCT_PUSH)


def summary_of(store: Store, activity: SyncActivity) -> SyncActivity | None:
    """The sales summary a sale's row goes to Accurate in (the refunds summary of a refund's row);
    None for any other row."""
    if activity.summary_id is None:
        return None
    return activities_for_store(store).filter(pk=activity.summary_id).first()


def against_of(store: Store, activity: SyncActivity) -> SyncActivity | None:
    """The sales summary whose invoice a refunds summary's return is against; None for any other row."""
    if activity.against_id is None:
        return None
    return activities_for_store(store).filter(pk=activity.against_id).first()


def covered_by(store: Store, activity: SyncActivity) -> list[SyncActivity]:
    """The sales (refunds) a summary covers, one by one (voided ones left out); [] for any other row."""
    if activity.kind not in (Kind.ORDER_SUMMARY, Kind.REFUND_SUMMARY):
        return []
    rows = activities_for_store(store).filter(summary=activity).exclude(status=Status.CANCELLED)
    rows = rows.select_related("order", "refund__order")
    return list(rows.order_by("order__ordered_at", "refund__refunded_at", "id"))


def activity_attempts(activity: SyncActivity) -> list[SyncAttempt]:
    return list(SyncAttempt.objects.filter(activity=activity).order_by("started_at", "id"))


# --- why the open rows of a page have not landed: read once for the page ---


def _prerequisite(row: SyncActivity, sale_of_refund: dict[int, int]) -> tuple[str, int | None]:
    """The document a row waits for in Accurate: ("order", id) or ("transfer", id)."""
    if row.kind == Kind.REFUND:
        return ("order", sale_of_refund.get(row.refund_id or 0))
    if row.kind == Kind.ORDER_VOID:
        return ("order", row.order_id)
    return ("transfer", row.transfer_id)


# Which row stands for a document when it has several (a cancelled one and a new one, say).
_STANDING: dict[str, int] = {
    Status.SUCCESS: 0,
    Status.DIFFERENCE: 0,
    Status.FAILED: 1,
    Status.RUNNING: 2,
    Status.PENDING: 2,
}


def _prerequisites(store: Store, rows: list[SyncActivity]) -> dict[int, Prerequisite]:
    """For each refund, void and transfer-received row: the row of the document it waits for in
    Accurate (its sale's, its transfer sent's) — its status, number and reason. At most three
    queries, only for the kinds present."""
    waiting = [row for row in rows if row.kind in (Kind.REFUND, Kind.ORDER_VOID, Kind.TRANSFER_IN)]
    refunds = {row.refund_id for row in waiting if row.refund_id is not None}
    sale_of_refund: dict[int, int] = (
        dict(Refund.objects.filter(pk__in=refunds, outlet__store=store).values_list("pk", "order_id"))
        if refunds
        else {}
    )
    needed = [_prerequisite(row, sale_of_refund) for row in waiting]
    found: dict[tuple[str, int], Prerequisite] = {}
    for name, kind in (("order", Kind.ORDER), ("transfer", Kind.TRANSFER_OUT)):
        ids = {pk for source, pk in needed if source == name and pk is not None}
        if not ids:
            continue
        candidates = SyncActivity.objects.filter(
            store=store, kind=kind, status__in=list(_STANDING), **{f"{name}_id__in": ids}
        ).values_list(f"{name}_id", "kind", "status", "status_reason", "accurate_number", "pos_number")
        for pk, row_kind, status, reason, accurate_number, pos_number in candidates:
            candidate = Prerequisite(row_kind, accurate_number or pos_number, status, reason)
            current = found.get((name, pk))
            if current is None or _STANDING[status] < _STANDING[current.status]:
                found[(name, pk)] = candidate
    prerequisites: dict[int, Prerequisite] = {}
    for row, (name, pk) in zip(waiting, needed, strict=True):
        if pk is not None and (name, pk) in found:
            prerequisites[row.pk] = found[(name, pk)]
    return prerequisites


def _sales_summaries(store: Store, rows: list[SyncActivity]) -> dict[int, Prerequisite]:
    """For each refunds summary row: the row of the sales summary its return is against (one query,
    none without refunds summaries)."""
    against = {row.pk: row.against_id for row in rows if row.kind == Kind.REFUND_SUMMARY and row.against_id}
    if not against:
        return {}
    found = {
        pk: Prerequisite(kind, accurate_number or pos_number, status, reason)
        for pk, kind, status, reason, accurate_number, pos_number in SyncActivity.objects.filter(
            store=store, pk__in=set(against.values())
        ).values_list("pk", "kind", "status", "status_reason", "accurate_number", "pos_number")
    }
    return {row_id: found[pk] for row_id, pk in against.items() if pk in found}


def _senders(store: Store, rows: list[SyncActivity]) -> dict[int, Sender]:
    transfers = {
        row.transfer_id for row in rows if row.kind == Kind.TRANSFER_IN and row.transfer_id is not None
    }
    if not transfers:
        return {}
    found = Transfer.objects.filter(pk__in=transfers, outlet__store=store).values_list(
        "pk", "outlet_id", "outlet__code"
    )
    return {pk: Sender(outlet_id, code) for pk, outlet_id, code in found}


def facts_for(store: Store, rows: Sequence[SyncActivity], *, now: datetime | None = None) -> PendingFacts:
    """What the reasons of `rows` (some of the store's rows) need: a few queries, whatever the count."""
    return PendingFacts(
        connection_status=connection_status(store),
        active_outlets=active_outlet_ids(store),
        senders=_senders(store, list(rows)),
        prerequisites={**_prerequisites(store, list(rows)), **_sales_summaries(store, list(rows))},
        schedule=sync_settings_for(store),
        zone=ZoneInfo(store.time_zone),
        now=now or timezone.now(),
    )


def pending_facts(store: Store, rows: Iterable[SyncActivity], *, now: datetime | None = None) -> PendingFacts:
    """The facts for a page of rows: read for its Pending and Running rows only, none when it has none
    (the reasons of the other rows need nothing)."""
    open_rows = [row for row in rows if row.status in (Status.PENDING, Status.RUNNING)]
    return facts_for(store, open_rows, now=now) if open_rows else PendingFacts()
