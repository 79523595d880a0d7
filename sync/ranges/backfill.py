"""Backfill: send again the documents of a range that are not in Accurate.

The preview counts, per kind, what would go and what is left as it is; the release then makes the
rows due now: held or waiting Pending rows get `due_at`, Failed rows become Pending and due. Rows in
Accurate (Success, Synced with a difference), Cancelled rows and rows a worker holds (Running) are
not touched, so nothing Accurate has is posted again — and a Failed row part of whose documents
landed sends only the rest: the engine skips what its bindings say Accurate has unchanged.
Rows whose outlet is not active in Accurate stay as they are and are counted apart.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Q, QuerySet

from sync import dispatch
from sync.models import SyncActivity
from sync.selectors import outlets_ready_q

from .selection import GROUP_OF, DateRange, range_rows

Status = SyncActivity.Status
LANDED = (Status.SUCCESS, Status.DIFFERENCE)
TO_SEND = (Status.PENDING, Status.FAILED)


@dataclass(frozen=True)
class GroupCounts:
    to_send: int = 0  # held, waiting or Failed: released by the confirmation
    landed: int = 0  # in Accurate already: left as they are
    running: int = 0  # being sent right now
    inactive: int = 0  # not sent: the outlet is not active in Accurate


@dataclass(frozen=True)
class BackfillPreview:
    groups: dict[str, GroupCounts] = field(default_factory=dict)  # GROUPS key → counts, chosen order

    @property
    def to_send(self) -> int:
        return sum(counts.to_send for counts in self.groups.values())

    @property
    def landed(self) -> int:
        return sum(counts.landed for counts in self.groups.values())

    @property
    def inactive(self) -> int:
        return sum(counts.inactive for counts in self.groups.values())


def _by_group(rows: QuerySet[SyncActivity]) -> Counter[tuple[str, str]]:
    counted: Counter[tuple[str, str]] = Counter()
    for kind, status, count in rows.values_list("kind", "status").annotate(n=Count("id")).order_by():
        counted[(GROUP_OF[kind], status)] += count
    return counted


def backfill_preview(chosen: DateRange) -> BackfillPreview:
    """What a backfill of the range would send, and what it leaves, per kind chosen."""
    rows = range_rows(chosen)
    ready = _by_group(rows.filter(outlets_ready_q()))
    not_ready = _by_group(rows.exclude(outlets_ready_q()).filter(status__in=TO_SEND))
    groups = {}
    for group in chosen.groups:
        groups[group] = GroupCounts(
            to_send=sum(ready[(group, status)] for status in TO_SEND),
            landed=sum(ready[(group, status)] + not_ready[(group, status)] for status in LANDED),
            running=ready[(group, Status.RUNNING)],
            inactive=sum(not_ready[(group, status)] for status in TO_SEND),
        )
    return BackfillPreview(groups)


def range_backfill(*, chosen: DateRange, now: datetime) -> int:
    """Release the range's rows that are not in Accurate (see the module); returns how many. The
    pushes are enqueued once the transaction commits."""
    rows = range_rows(chosen).filter(outlets_ready_q())
    with transaction.atomic():
        # Conditional set-based updates: a row claimed or landed meanwhile no longer matches.
        waiting = rows.filter(Q(due_at__isnull=True) | Q(due_at__gt=now), status=Status.PENDING)
        released = waiting.update(due_at=now, undone=False, updated_at=now)  # an undo's hold too
        # A new start, as Sync does: the engine's give-up clock counts from the next claim.
        released += rows.filter(status=Status.FAILED).update(
            status=Status.PENDING,
            due_at=now,
            started_at=None,
            completed_at=None,
            status_reason="",
            failure_cause="",
            updated_at=now,
        )
        store_id = chosen.store.pk
        transaction.on_commit(lambda: dispatch.pushes_enqueue_for_store(store_id))
    return released
