"""One push task's work for one connection: hold a lane, claim and push batches until none are due
(or the time is up, when the task hands over to a fresh one at the back of the queue)."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial

from django.utils import timezone

from accurate import AccurateClient
from iseller_accurate.logs import log_context
from mapping.models import Connection
from mapping.services.credentials import accurate_client_for, connection_needs_reconnect
from sync.destinations import destinations_for
from sync.engine.claim import CLAIM_LIMIT, LeaseKeeper, activities_claim, lane_give_back, lane_take
from sync.engine.fairness import batch_answered, lanes_for, request_answered
from sync.engine.orphans import activities_take_back, running_timeout
from sync.engine.outcomes import outcomes_record, outcomes_record_crash
from sync.engine.plans import DocumentKey, RowPlan, row_plans_for
from sync.engine.progress import Binding
from sync.engine.push import Pusher
from sync.engine.totals_check import totals_check, unchecked_bindings
from sync.mappers import Destination
from sync.models import AccurateBinding, Outcome, PushLease, SyncActivity

logger = logging.getLogger(__name__)

# A task pushes for this long at most, then the next task takes over: other connections' tasks
# waiting in the queue get their turn between the two.
RUN_BUDGET_S = 45.0


# Rows due again within this long (a short backoff) get a task of their own at that time, rather
# than waiting for the next beat.
SOON = timedelta(seconds=60)


@dataclass(frozen=True)
class RunResult:
    batches: int = 0
    more: bool = False  # rows may still be due: enqueue another task
    again_in: float | None = None  # seconds: rows become due then (their backoff ends)


def next_due_in(store_id: int, now: datetime) -> float | None:
    """Seconds until the store's next Pending row is due, if that is soon."""
    later = (
        SyncActivity.objects.filter(store_id=store_id, status=SyncActivity.Status.PENDING)
        .filter(due_at__gt=now, due_at__lte=now + SOON)
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )
    return None if later is None else (later - now).total_seconds()


def bindings_for(store_id: int, database_id: int, plans: Sequence[RowPlan]) -> dict[DocumentKey, Binding]:
    keys = {(p.module, p.number) for plan in plans for p in plan.documents}
    keys |= {plan.needs for plan in plans if plan.needs}
    numbers = {number for _, number in keys}
    found = AccurateBinding.objects.filter(
        store_id=store_id, database_id=database_id, number__in=numbers
    ).values_list("module", "number", "accurate_id", "payload_hash")
    return {(m, n): Binding(i, h) for m, n, i, h in found if (m, n) in keys}


def batch_push(
    *,
    connection: Connection,
    client: AccurateClient,
    destinations: dict[int, Destination],
    activities: Sequence[SyncActivity],
    defer_total_reads: bool = False,
) -> Pusher:
    """Map, push and record one claimed batch."""
    assert connection.database_id is not None
    started_at = timezone.now()
    plans = row_plans_for(activities, destinations)
    bindings = bindings_for(connection.store_id, connection.database_id, plans)
    pusher = Pusher(client, plans, bindings, defer_total_reads=defer_total_reads)
    rows = pusher.run()
    outcomes_record(
        store_id=connection.store_id,
        database_id=connection.database_id,
        rows=rows,
        changed=pusher.changed,
        deleted=pusher.deleted,
        bindings=pusher.bindings,
        started_at=started_at,
        now=timezone.now(),
        unchecked=pusher.unchecked,
    )
    return pusher


def connection_ready(connection_id: int) -> Connection | None:
    connection = Connection.objects.select_related("store").filter(pk=connection_id).first()
    if connection is None or not connection.is_connected or connection.database_id is None:
        return None  # disconnected or needs reconnecting: its rows wait, paused
    return connection


def connection_push(*, connection_id: int, lanes: int, budget_s: float = RUN_BUDGET_S) -> RunResult:
    """Push the connection's due rows while holding one of its lanes (renewed from a thread for as
    long as this runs, so a dead worker's rows are found within one lease time)."""
    connection = connection_ready(connection_id)
    if connection is None:
        return RunResult()
    # A connection whose Accurate answers slowly has one lane (sync/engine/fairness.py).
    holder = lane_take(connection_id, lanes_for(connection_id, lanes), timezone.now())
    if holder is None:
        return RunResult()  # every lane is busy: those tasks push what is due
    # A dead worker's rows of this store go again now, not only when the beat looks.
    activities_take_back(now=timezone.now(), timeout=running_timeout(), store_id=connection.store_id)
    try:
        # Whatever is logged while pushing (the client's warnings too) names the store and connection.
        with (
            log_context(store_id=connection.store_id, connection_id=connection.pk),
            LeaseKeeper(holder) as keeper,
        ):
            return _push_batches(connection, holder, keeper, budget_s)
    finally:
        lane_give_back(holder)


def _push_batches(connection: Connection, holder: str, keeper: LeaseKeeper, budget_s: float) -> RunResult:
    batches = 0
    client = accurate_client_for(connection)
    client.on_answer = partial(request_answered, connection.pk)
    destinations = destinations_for(connection.store)
    started = time.monotonic()
    while time.monotonic() - started < budget_s:
        if keeper.lost.is_set() or connection_ready(connection.pk) is None:
            return RunResult(batches)
        now = timezone.now()
        activities = activities_claim(store_id=connection.store_id, now=now, holder=holder)
        if not activities:
            after = _after_backlog(connection, client, batches, until=started + budget_s, now=now)
            if after is None:
                continue  # rows whose totals differ are due again: push them now
            return after
        answered = replace(client.answered)
        batch_started = time.monotonic()
        try:
            pusher = batch_push(
                connection=connection,
                client=client,
                destinations=destinations,
                activities=activities,
                # A full batch is a backlog: its totals are read once the backlog is sent.
                defer_total_reads=len(activities) >= CLAIM_LIMIT,
            )
        except Exception as error:  # a bug of ours: the rows must not stay Running without a reason
            logger.exception("push of %s rows of store %s failed", len(activities), connection.store_id)
            outcomes_record_crash(activities=activities, error=error, started_at=now, now=timezone.now())
            return RunResult(batches + 1)
        batches += 1
        if any(row.outcome == Outcome.PAUSED for row in pusher.rows):
            # Accurate refused the token or a permission: nothing more goes until the owner
            # reconnects (the rows wait, due, without spending attempts on a refusal).
            connection_needs_reconnect(connection_id=connection.pk)
            return RunResult(batches)
        logger.info(
            "pushed %s %s rows of store %s in %s calls",
            len(activities),
            activities[0].kind,
            connection.store_id,
            pusher.calls,
        )
        slow, changed = batch_answered(
            connection.pk,
            requests=client.answered.requests - answered.requests,
            seconds=client.answered.seconds - answered.seconds,
        )
        if slow:
            # One batch per turn, then a pause as long: its worker goes to the other stores' tasks.
            return RunResult(batches, again_in=time.monotonic() - batch_started)
        if changed:
            return RunResult(batches, more=True)  # fast again: the successor fills every lane
    return RunResult(batches, more=True)


# Totals left to read wait for the other lanes' last batches; this task looks again after this long.
READ_BACK_AFTER_S = 1.0


def _after_backlog(
    connection: Connection, client: AccurateClient, batches: int, *, until: float, now: datetime
) -> RunResult | None:
    """Nothing is due: the backlog is in Accurate. Read back the totals its answers did not give,
    once no other lane is still pushing (their requests go first; the last lane reads). None when
    that sent rows back to be checked and corrected: they are due now."""
    if unchecked_bindings(connection).exists():
        if lanes_pushing(connection, now):
            return RunResult(batches, again_in=READ_BACK_AFTER_S)
        read = totals_check(connection, client, until=until)
        if read.again:
            return None
        if not read.done:
            return RunResult(batches, more=True)
    return RunResult(batches, again_in=next_due_in(connection.store_id, now))


def lanes_pushing(connection: Connection, now: datetime) -> bool:
    """Whether another lane of the connection holds claimed rows (a dead worker's lease has expired:
    its rows do not count)."""
    live = PushLease.objects.filter(connection=connection, held_until__gte=now).exclude(holder="")
    return SyncActivity.objects.filter(
        store_id=connection.store_id,
        status=SyncActivity.Status.RUNNING,
        claimed_by__in=live.values("holder"),
    ).exists()
