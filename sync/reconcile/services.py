"""Writes of the reconciliation: queue a check (on demand or by the beat), run one, record it.

A check is queued by setting its row to Checking and enqueuing `sync.tasks.reconcile(id)` after the
transaction commits. A run claims the row with a token (a conditional update), reads both sides with
no transaction open, and writes figures and differences in one transaction, only while its claim
holds. A failed run writes its error and nothing else: no figures, no differences of a half-read day.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accurate import AccurateError, ErrorKind
from iseller_accurate.retry import RetryPolicy
from mapping.models import Connection, OutletMapping
from mapping.services.credentials import accurate_client_for
from outlets.models import Outlet, Store
from sync.reconcile.models import Reconciliation, ReconciliationDifference

from .accurate_side import CountingSeam, Unreadable
from .day_check import Checked, check
from .figures import Difference

logger = logging.getLogger(__name__)
Status = Reconciliation.Status

# A check Checking this long without finishing lost its task or its worker: queued again.
STALE_AFTER = timedelta(minutes=15)
# A check Accurate could not answer: 5 minutes, doubling with each failed run in a row, at most
# 6 hours; no jitter, since only one run at a time holds a check.
RETRY = RetryPolicy(base=timedelta(minutes=5), maximum=timedelta(hours=6), jitter=0)


class CheckRefused(Exception):
    """A check that cannot be queued: `code` says why (the view words it)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class NotReady(Exception):
    """The store or outlet cannot be read from Accurate now; `retry`: whether to try again later."""

    def __init__(self, message: str, *, retry: bool) -> None:
        super().__init__(message)
        self.retry = retry


# --- queueing ---


def enqueue(reconciliation_id: int) -> None:
    # Imported here: a cycle, sync.tasks imports this module at its top.
    from sync.tasks import reconcile

    reconcile.delay(reconciliation_id)


def reconciliation_queue(
    *, store_id: int, outlet_id: int, day: date, now: datetime, user_id: int | None = None
) -> int | None:
    """The (outlet, day) check to Checking, its task enqueued once this commits. Returns the row's id,
    or None when it is being checked already (a double click, two beats)."""
    with transaction.atomic():
        row, created = Reconciliation.objects.select_for_update().get_or_create(
            outlet_id=outlet_id,
            day=day,
            defaults={"store_id": store_id, "requested_at": now, "requested_by_id": user_id},
        )
        if not created:
            if row.status == Status.CHECKING and not stalled(row, now):
                return None
            Reconciliation.objects.filter(pk=row.pk).update(
                status=Status.CHECKING,
                requested_at=now,
                requested_by_id=user_id,
                started_at=None,
                claimed_by="",
                retry_at=None,
            )
        row_id = row.pk
        transaction.on_commit(lambda: enqueue(row_id))
    return row_id


def stalled(row: Reconciliation, now: datetime) -> bool:
    """Checking for longer than a check takes: its task or its worker was lost."""
    since = row.started_at or row.requested_at
    return row.status == Status.CHECKING and since < now - STALE_AFTER


def reconciliation_request(
    *, store: Store, outlet: Outlet, day: date, user_id: int | None, now: datetime
) -> int:
    """Check now, from the page (owner or staff). CheckRefused says why it cannot go."""
    if outlet.store_id != store.pk:
        raise ValueError("The outlet belongs to another store.")
    connection = Connection.objects.filter(store=store).first()
    if connection is None or not connection.is_connected or connection.database_id is None:
        raise CheckRefused("not_connected")
    if not OutletMapping.objects.filter(outlet=outlet, active=True).exists():
        raise CheckRefused("not_active")
    if day > now.astimezone(outlet.zone).date():
        raise CheckRefused("future")
    queued = reconciliation_queue(store_id=store.pk, outlet_id=outlet.pk, day=day, now=now, user_id=user_id)
    if queued is None:
        raise CheckRefused("checking")
    return queued


# --- one run ---


def destination(row: Reconciliation) -> tuple[Connection, OutletMapping]:
    connection = Connection.objects.filter(store_id=row.store_id).first()
    if connection is None or not connection.is_connected or connection.database_id is None:
        # The beat looks only at connected stores: once reconnected, the check is tried again.
        raise NotReady("The store is not connected to Accurate.", retry=True)
    mapping = OutletMapping.objects.filter(outlet_id=row.outlet_id, active=True).first()
    if mapping is None:
        raise NotReady("The outlet is not active in Accurate.", retry=False)
    return connection, mapping


def reconciliation_run(*, reconciliation_id: int) -> str:
    """The task's body: claim the check, read both sides, record the result (or the failure).
    Returns what happened: "skipped" (not Checking, or another run holds it), the new status."""
    token = uuid.uuid4().hex
    now = timezone.now()
    claimed = (
        Reconciliation.objects.filter(pk=reconciliation_id, status=Status.CHECKING)
        .filter(Q(started_at__isnull=True) | Q(started_at__lt=now - STALE_AFTER))
        .update(started_at=now, claimed_by=token)
    )
    if not claimed:
        return "skipped"
    row = Reconciliation.objects.select_related("outlet__store").get(pk=reconciliation_id)
    clock = time.monotonic()
    counter: CountingSeam | None = None
    try:
        connection, mapping = destination(row)
        client = accurate_client_for(connection)
        counter = CountingSeam(client.seam)
        client.seam = counter
        checked = check(client, connection, row.outlet, mapping, row.day)
    except AccurateError as error:
        # Accurate unreachable, rate limited, a session or token it no longer takes: try again later.
        retry = error.retryable or error.kind is ErrorKind.token_invalid
        return failed(row, token, str(error), retry=retry, requests=_sent(counter), started=clock)
    except (NotReady, Unreadable) as error:
        retry = isinstance(error, NotReady) and error.retry
        return failed(row, token, str(error), retry=retry, requests=_sent(counter), started=clock)
    except Exception:
        logger.exception("reconciliation %s failed", reconciliation_id)
        failed(
            row,
            token,
            "The check stopped on an internal error.",
            retry=True,
            requests=_sent(counter),
            started=clock,
        )
        raise
    return recorded(row, token, checked, requests=_sent(counter), started=clock)


def _sent(counter: CountingSeam | None) -> int:
    return counter.sent if counter is not None else 0


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def recorded(row: Reconciliation, token: str, checked: Checked, *, requests: int, started: float) -> str:
    """The result, replacing the previous one in one transaction, only while the claim holds."""
    outcome = checked.outcome
    status = Status.DIFFERENCES if outcome.differences else Status.MATCHED
    with transaction.atomic():
        took = Reconciliation.objects.filter(pk=row.pk, claimed_by=token, status=Status.CHECKING).update(
            status=status,
            checked_at=timezone.now(),
            claimed_by="",
            attempts=0,
            requests=requests,
            duration_ms=_ms(started),
            pos_figures=outcome.pos.as_json(),
            accurate_figures=outcome.accurate.as_json(),
            differences_count=len(outcome.differences),
            accurate_only_count=len(outcome.accurate_only),
            unsynced_count=checked.unsynced,
            error="",
            retry_at=None,
        )
        if not took:
            return "skipped"
        ReconciliationDifference.objects.filter(reconciliation_id=row.pk).delete()
        ReconciliationDifference.objects.bulk_create(
            difference_row(row.pk, position, difference)
            for position, difference in enumerate([*outcome.differences, *outcome.accurate_only], start=1)
        )
    return str(status)


def difference_row(reconciliation_id: int, position: int, difference: Difference) -> ReconciliationDifference:
    return ReconciliationDifference(
        reconciliation_id=reconciliation_id,
        position=position,
        kind=difference.kind,
        module=difference.module,
        role=difference.role,
        number=difference.number,
        pos_number=difference.pos_number,
        activity_id=difference.activity_id,
        accurate_id=difference.accurate_id,
        pos_amount=difference.pos_amount,
        accurate_amount=difference.accurate_amount,
        quantities=difference.quantities,
        note=difference.note,
    )


def failed(row: Reconciliation, token: str, error: str, *, retry: bool, requests: int, started: float) -> str:
    """The failure and nothing of what was read: the previous figures and differences go too, since
    they are not known to hold any more."""
    now = timezone.now()
    fields: Mapping[str, Any] = {
        "status": Status.FAILED,
        "checked_at": now,
        "claimed_by": "",
        "attempts": row.attempts + 1,
        "requests": requests,
        "duration_ms": _ms(started),
        "pos_figures": {},
        "accurate_figures": {},
        "differences_count": 0,
        "accurate_only_count": 0,
        "unsynced_count": 0,
        "error": error,
        "retry_at": now + RETRY.ceiling(row.attempts + 1) if retry else None,
    }
    with transaction.atomic():
        took = Reconciliation.objects.filter(pk=row.pk, claimed_by=token, status=Status.CHECKING).update(
            **fields
        )
        if not took:
            return "skipped"
        ReconciliationDifference.objects.filter(reconciliation_id=row.pk).delete()
    return str(Status.FAILED)
