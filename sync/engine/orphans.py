"""Rows a dead worker left Running: found by their lease, recorded as such, and sent again.

A push task claims rows under the lane it holds and renews that lane from a thread while it lives
(`claim.LeaseKeeper`). When a worker dies (killed, out of memory, the machine gone) nothing renews the
lane: once it runs out, the rows claimed under it are orphans. Each goes back to Pending, due now,
with `needs_lookup` (the dead worker may have saved some of its documents in Accurate before dying, so
their numbers are looked up before anything is sent again), and gets an attempt that says so.

Rows claimed without a lane name (before leases were recorded) fall back to the running timeout.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from iseller_accurate.db import insert_rows
from sync.engine.outcomes import AttemptRow
from sync.models import Outcome, PushLease, SyncActivity, SyncAttempt

Status = SyncActivity.Status
WORKER_STOPPED = "The worker stopped while pushing; Accurate will be checked before sending again."


def running_timeout() -> timedelta:
    """How long a row claimed without a lane name may stay Running (rows of older releases)."""
    return timedelta(seconds=settings.SYNC_RUNNING_TIMEOUT_SECONDS)


def _orphaned(now: datetime, timeout: timedelta) -> Q:
    lease_alive = Exists(PushLease.objects.filter(holder=OuterRef("claimed_by"), held_until__gte=now))
    unnamed_and_old = Q(claimed_by="", updated_at__lt=now - timeout)
    return (~Q(claimed_by="") & ~Q(lease_alive)) | unnamed_and_old


def activities_take_back(*, now: datetime, timeout: timedelta, store_id: int | None = None) -> list[int]:
    """Put the rows of dead workers back to Pending, due now, each with an attempt saying why.
    Returns the ids of the stores whose rows came back (each once), so pushes can start at once.

    The rows are locked (SKIP LOCKED: a row being settled right now is left to its worker) and
    changed in the same transaction, so two beats never record one row twice."""
    rows = SyncActivity.objects.filter(_orphaned(now, timeout), status=Status.RUNNING)
    if store_id is not None:
        rows = rows.filter(store_id=store_id)
    with transaction.atomic():
        taken = list(rows.select_for_update(skip_locked=True).values_list("pk", "store_id", "updated_at"))
        SyncActivity.objects.filter(pk__in=[pk for pk, _, _ in taken]).update(
            status=Status.PENDING,
            status_reason=WORKER_STOPPED,
            claimed_by="",
            due_at=now,
            needs_lookup=True,
            updated_at=now,
        )
        _record(taken, now)
    return sorted({store for _, store, _ in taken})


def _record(taken: Sequence[tuple[int, int, datetime]], now: datetime) -> None:
    """One attempt per row: the try the dead worker began when it claimed the row."""
    attempts: list[AttemptRow] = [
        {
            "activity_id": pk,
            "started_at": claimed_at,
            "duration_ms": max(int((now - claimed_at).total_seconds() * 1000), 0),
            "outcome": Outcome.RETRY,
            "message": WORKER_STOPPED,
            "sent": [],
            "answered": [],
        }
        for pk, _store, claimed_at in taken
    ]
    insert_rows(SyncAttempt, attempts)
