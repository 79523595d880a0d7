"""Undo a range: delete from Accurate the documents the product posted for the range's rows.

The preview counts, per kind, the rows and documents that would be deleted, and the rows kept
because a refund or transfer received of theirs that is not part of the undo is in Accurate.

The confirmation enqueues `sync.tasks.undo_range`, which works like a push task of the connection:
it takes one of its lanes (renewed from a thread; a dead worker's rows are taken back as the
engine's are), claims up to `CHUNK` rows at a time with `SELECT … FOR UPDATE SKIP LOCKED` and a
conditional update to Running — so a push, a Sync or another undo can't take them meanwhile — and
sends every delete through the connection's client and its rate limiter. Dependent rows (refunds,
transfers received) are claimed before the rows they depend on. A row is settled as soon as its
documents are done (`deletion.row_settle`), so a run that stops leaves every row consistent. After
about `RUN_BUDGET_S` the task hands over to a fresh one, like a push. Every attempt of a run ends
with its marker, so the progress page and the next chunk know which rows it has done.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from django.db import transaction
from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from mapping.models import Connection
from mapping.services.credentials import accurate_client_for, connection_needs_reconnect
from outlets.models import Outlet
from sync.engine.claim import LeaseKeeper, lane_give_back, lane_take
from sync.engine.run import RUN_BUDGET_S
from sync.models import SyncActivity, SyncAttempt

from .deletion import Claimed, RowUndo, dependent_still_there, documents_of, marker, row_release, row_settle
from .deletion import undo_documents as delete_documents
from .selection import (
    DEPENDENT_KINDS,
    DEPENDENTS,
    GROUP_OF,
    DateRange,
    bindings_of_rows,
    dependent_in_accurate,
    in_accurate,
    range_rows,
)

Status = SyncActivity.Status
Kind = SyncActivity.Kind
# The rows an undo takes: any not held by a worker (Running) and not Cancelled, with documents in
# Accurate. A void's row owns none (its deletions are done), so it is never one of them.
UNDONE_FROM = (Status.PENDING, Status.SUCCESS, Status.DIFFERENCE, Status.FAILED)
CHUNK = 50


class RunState(StrEnum):
    DONE = "done"  # nothing left to undo
    MORE = "more"  # the time is up: a fresh task goes on
    BUSY = "busy"  # every lane of the connection is held: try again shortly
    STOPPED = "stopped"  # not connected, or Accurate refused the connection: nothing more is tried


@dataclass(frozen=True)
class UndoGroupCounts:
    rows: int = 0  # rows whose documents are deleted
    documents: int = 0  # their documents in Accurate
    kept: int = 0  # rows left: a dependent outside this undo is in Accurate


@dataclass(frozen=True)
class UndoPreview:
    groups: dict[str, UndoGroupCounts] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(counts.rows for counts in self.groups.values())

    @property
    def documents(self) -> int:
        return sum(counts.documents for counts in self.groups.values())

    @property
    def kept(self) -> int:
        return sum(counts.kept for counts in self.groups.values())


def store_database(chosen: DateRange) -> int | None:
    """The Accurate database the store is connected to now (its documents are there), or None."""
    connection = Connection.objects.filter(store=chosen.store).first()
    if connection is None or not connection.is_connected:
        return None
    return connection.database_id


def undo_candidates(chosen: DateRange, database_id: int) -> QuerySet[SyncActivity]:
    return range_rows(chosen).filter(in_accurate(database_id), status__in=UNDONE_FROM)


def kept_outside(candidates: QuerySet[SyncActivity], database_id: int) -> Q:
    """Rows a dependent of which, not among `candidates`, is in Accurate."""
    kept = Q(pk__in=[])
    for kind in DEPENDENTS:
        kept |= dependent_in_accurate(kind, database_id, besides=candidates)
    return kept


def undo_preview(chosen: DateRange, database_id: int) -> UndoPreview:
    candidates = undo_candidates(chosen, database_id)
    kept_q = kept_outside(candidates, database_id)
    going = candidates.exclude(kept_q)
    rows: Counter[str] = Counter()
    for kind, count in going.values_list("kind").annotate(n=Count("id")).order_by():
        rows[GROUP_OF[kind]] += count
    kept: Counter[str] = Counter()
    for kind, count in candidates.filter(kept_q).values_list("kind").annotate(n=Count("id")).order_by():
        kept[GROUP_OF[kind]] += count
    documents: Counter[str] = Counter()
    owned = bindings_of_rows(database_id).filter(activity__in=going.values("pk"))
    for kind, count in owned.values_list("activity__kind").annotate(n=Count("id")).order_by():
        documents[GROUP_OF[kind]] += count
    return UndoPreview(
        {group: UndoGroupCounts(rows[group], documents[group], kept[group]) for group in chosen.groups}
    )


def range_undo_start(*, chosen: DateRange) -> str:
    """Enqueue the undo of the range once the transaction commits; returns the run's token."""
    token = uuid.uuid4().hex[:12]
    args = (
        chosen.store.pk,
        chosen.outlet.pk if chosen.outlet is not None else None,
        chosen.start.isoformat(),
        chosen.end.isoformat(),
        list(chosen.groups),
        token,
    )
    # Imported here: a cycle, sync.tasks imports this module at its top.
    from sync.tasks import undo_range

    transaction.on_commit(lambda: undo_range.delay(*args))
    return token


def attempted_in(token: str) -> Exists:
    return Exists(SyncAttempt.objects.filter(activity_id=OuterRef("pk"), message__contains=marker(token)))


def rows_claim(*, chosen: DateRange, database_id: int, holder: str, token: str) -> tuple[list[Claimed], bool]:
    """Claim the next rows of the run, dependents first, under the lane `holder` holds. Also says
    whether any row was left to take (a row locked right now is taken by a later chunk)."""
    dependents_first = Case(When(kind__in=DEPENDENT_KINDS, then=Value(0)), default=Value(1))
    left = undo_candidates(chosen, database_id).exclude(attempted_in(token))
    ids = list(left.order_by(dependents_first, "id").values_list("pk", flat=True)[:CHUNK])
    now = timezone.now()
    with transaction.atomic():
        locked = SyncActivity.objects.filter(pk__in=ids, status__in=UNDONE_FROM).select_for_update(
            skip_locked=True
        )
        was = dict(locked.values_list("pk", "status"))
        SyncActivity.objects.filter(pk__in=list(was), status__in=UNDONE_FROM).update(
            status=Status.RUNNING, claimed_by=holder, updated_at=now
        )
    rows = SyncActivity.objects.filter(pk__in=list(was), status=Status.RUNNING, claimed_by=holder)
    claimed = [Claimed(row, was[row.pk]) for row in rows]
    claimed.sort(key=lambda c: (c.activity.kind not in DEPENDENT_KINDS, c.activity.pk))
    return claimed, bool(ids)


def range_undo_run(
    *,
    store_id: int,
    outlet_id: int | None,
    start: str,
    end: str,
    groups: list[str],
    token: str,
    lanes: int,
    budget_s: float = RUN_BUDGET_S,
) -> RunState:
    """The task's work: undo the range's rows for up to `budget_s` seconds (see the module)."""
    connection = Connection.objects.select_related("store").filter(store_id=store_id).first()
    if connection is None or not connection.is_connected or connection.database_id is None:
        return RunState.STOPPED
    outlet = None
    if outlet_id is not None:
        outlet = Outlet.objects.filter(store_id=store_id, pk=outlet_id).select_related("store").first()
        if outlet is None:
            return RunState.STOPPED
    chosen = DateRange(
        connection.store, outlet, date.fromisoformat(start), date.fromisoformat(end), tuple(groups)
    )
    holder = lane_take(connection.pk, lanes, timezone.now())
    if holder is None:
        return RunState.BUSY
    try:
        with LeaseKeeper(holder) as keeper:
            return _run(connection, chosen, holder, keeper, token, budget_s)
    finally:
        lane_give_back(holder)


def _run(
    connection: Connection, chosen: DateRange, holder: str, keeper: LeaseKeeper, token: str, budget_s: float
) -> RunState:
    assert connection.database_id is not None
    database_id = connection.database_id
    client = accurate_client_for(connection)
    started = time.monotonic()
    while time.monotonic() - started < budget_s:
        claimed, any_left = rows_claim(chosen=chosen, database_id=database_id, holder=holder, token=token)
        if not claimed:
            return RunState.MORE if any_left else RunState.DONE
        for n, row in enumerate(claimed):
            if keeper.lost.is_set():
                for rest in claimed[n:]:
                    row_release(claimed=rest, holder=holder)
                return RunState.MORE
            began = timezone.now()
            kept = dependent_still_there(row.activity, database_id)
            undo = (
                RowUndo(said=kept)
                if kept
                else delete_documents(client, documents_of(row.activity, database_id))
            )
            row_settle(
                claimed=row, undo=undo, database_id=database_id, holder=holder, token=token, started=began
            )
            if undo.paused:
                # Accurate refused the token even after a refresh: nothing more can go.
                for rest in claimed[n + 1 :]:
                    row_release(claimed=rest, holder=holder)
                connection_needs_reconnect(connection_id=connection.pk)
                return RunState.STOPPED
    return RunState.MORE
