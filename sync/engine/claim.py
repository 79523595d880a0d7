"""Who pushes what: a connection's lanes (leases) and the claim of due rows.

A lane is a row per connection and lane number; a task holds one for a short, renewable time (a
thread renews it while the task runs, see `LeaseKeeper`), so a connection never has more pushers than
lanes (the in-flight limit), however many tasks the dispatcher or a "Sync now" enqueued. Rows are
claimed with `SELECT … FOR UPDATE SKIP LOCKED` and a conditional update, so two pushers never take the
same row, and each claimed row names the lease it was claimed under (`claimed_by`): when that lease
is no longer renewed, its worker is dead and the rows are taken back (`sync.engine.orphans`).
"""

from __future__ import annotations

import logging
import operator
import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial, reduce
from types import TracebackType

from django.conf import settings
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from mapping.models import Connection, OutletMapping
from outlets.models import Transfer
from sync.models import PushLease, SyncActivity

Status = SyncActivity.Status
Kind = SyncActivity.Kind
CLAIM_LIMIT = 100  # records per bulk-save.do call
logger = logging.getLogger(__name__)


def lease_ttl() -> timedelta:
    """A lane not renewed for this long belongs to a dead worker: it may be taken, and the rows
    claimed under it are sent again (after a lookup). Renewed every third of it while a task runs."""
    return timedelta(seconds=max(float(settings.SYNC_LEASE_SECONDS), 1.0))


# Kinds the engine pushes (a product push has its own task).
PUSHED_KINDS = [kind for kind in Kind.values if kind != Kind.PRODUCT_PUSH]


def lanes_ensure(connection_id: int, lanes: int) -> None:
    existing = set(PushLease.objects.filter(connection_id=connection_id).values_list("lane", flat=True))
    missing = [PushLease(connection_id=connection_id, lane=n) for n in range(lanes) if n not in existing]
    PushLease.objects.bulk_create(missing, ignore_conflicts=True)


def lanes_free(connection: Connection, lanes: int, now: datetime) -> int:
    held = PushLease.objects.filter(connection=connection, lane__lt=lanes, held_until__gte=now).count()
    return max(lanes - held, 0)


def lane_take(connection_id: int, lanes: int, now: datetime) -> str | None:
    """Take a free lane of the connection: a holder token to renew and give back, or None."""
    lanes_ensure(connection_id, lanes)
    holder = uuid.uuid4().hex
    free = Q(held_until__isnull=True) | Q(held_until__lt=now)
    for lane in range(lanes):
        taken = PushLease.objects.filter(free, connection_id=connection_id, lane=lane).update(
            holder=holder, held_until=now + lease_ttl()
        )
        if taken:
            return holder
    return None


def lane_renew(holder: str, now: datetime) -> bool:
    """Keep the lane for another while. False: it was lost (not renewed in time) — stop."""
    return bool(PushLease.objects.filter(holder=holder).update(held_until=now + lease_ttl()))


def lane_give_back(holder: str) -> None:
    PushLease.objects.filter(holder=holder).update(holder="", held_until=None)


class LeaseKeeper:
    """Renews a lane every third of its time to live from a thread of its own, for as long as the task
    runs — through a slow Accurate answer too — and no longer: a killed worker's lane runs out within
    one time to live. `lost` is set when a renewal finds the lane taken (the task must stop)."""

    def __init__(self, holder: str) -> None:
        self.holder = holder
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{holder[:8]}", daemon=True)

    def __enter__(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        every = lease_ttl().total_seconds() / 3
        try:
            while not self._stop.wait(every):
                try:
                    renewed = lane_renew(self.holder, timezone.now())
                except Exception:  # the database blinked: the next renewal may still be in time
                    logger.exception("could not renew push lane %s", self.holder[:8])
                    continue
                if not renewed:
                    self.lost.set()
                    return
        finally:
            db_connection.close()  # this thread's own connection


# A document in Accurate: synced, or synced with a difference in its total (it is there all the same).
LANDED = (Status.SUCCESS, Status.DIFFERENCE)


def _same_document(kind: str, source: str, which: Q) -> Exists:
    """The row's source document has a row of `kind` such as `which` (its sale's, its transfer out's)."""
    return Exists(SyncActivity.objects.filter(which, kind=kind, **{source: OuterRef(source)}))


def _refund_sale(which: Q) -> Exists:
    # Through the refund's order inside the subquery: the claimed rows' query joins nothing, so it
    # can lock them (FOR UPDATE) and read them in index order.
    return Exists(SyncActivity.objects.filter(which, kind=Kind.ORDER, order__refunds=OuterRef("refund_id")))


# The row a refund, a void or a transfer received needs in Accurate first, such as `which` says.
PREREQUISITE_IN: dict[str, Callable[[Q], Exists]] = {
    Kind.REFUND: _refund_sale,
    Kind.ORDER_VOID: lambda which: _same_document(Kind.ORDER, "order", which),
    Kind.TRANSFER_IN: lambda which: _same_document(Kind.TRANSFER_OUT, "transfer", which),
    # A refunds summary returns against its sales summary's invoice.
    Kind.REFUND_SUMMARY: lambda which: Exists(SyncActivity.objects.filter(which, pk=OuterRef("against_id"))),
}

# Rows whose documents need another one in Accurate first are claimed once it is there: a refund
# after its sale, a void after the sale it takes out, a transfer in after its transfer out. Until
# then they stay Pending without spending attempts.
PREREQUISITE: dict[str, Callable[[], Exists]] = {
    kind: partial(of, Q(status__in=LANDED)) for kind, of in PREREQUISITE_IN.items()
}


def blocked_by_failure(failed: Q | None = None) -> Q:
    """A Pending row whose prerequisite Failed (and is such as `failed` says, e.g. failed lately): it
    waits on a failure; the merchant must act on that one, and this one follows by itself."""
    which = Q(status=Status.FAILED) & (failed or Q())
    each = [Q(kind=kind) & Q(prerequisite(which)) for kind, prerequisite in PREREQUISITE_IN.items()]
    return Q(status=Status.PENDING) & reduce(operator.or_, each)


def outlet_active() -> Exists:
    """The row's outlet is active in Accurate (a subquery: the claimed rows' query joins nothing)."""
    return Exists(OutletMapping.objects.filter(outlet_id=OuterRef("outlet_id"), active=True))


def _sender_active() -> Exists:
    return Exists(Transfer.objects.filter(pk=OuterRef("transfer_id"), outlet__accurate_mapping__active=True))


def outlets_ready(kind: str) -> Q:
    """A row goes only once its outlets are active in Accurate; until then it waits unclaimed, with
    no attempt spent, and activating the outlet releases it. A transfer in needs both ends."""
    if kind == Kind.TRANSFER_IN:
        return Q(outlet_active()) & Q(_sender_active())
    return Q(outlet_active())


def due_of_kind(store_id: int, kind: str, now: datetime) -> QuerySet[SyncActivity]:
    """The store's rows of one kind that are due and ready, in the order they are claimed (read
    through the partial index on Pending rows by store, kind and due time)."""
    rows = SyncActivity.objects.filter(store_id=store_id, kind=kind, status=Status.PENDING, due_at__lte=now)
    rows = rows.filter(outlets_ready(kind))
    if kind in (Kind.ORDER, Kind.REFUND):
        # A sale in a sales summary (a refund in a refunds summary) goes with it, never alone.
        rows = rows.filter(summary__isnull=True)
    if kind in PREREQUISITE:
        rows = rows.filter(PREREQUISITE[kind]())
    return rows.order_by("due_at", "id")


def next_kind(store_id: int, now: datetime) -> str | None:
    """The kind of the row due longest (a probe per kind: each reads one index entry or a few)."""
    firsts = [
        (first, kind)
        for kind in PUSHED_KINDS
        if (first := due_of_kind(store_id, kind, now).values_list("due_at", "id").first()) is not None
    ]
    return min(firsts)[1] if firsts else None


def activities_claim(
    *, store_id: int, now: datetime, holder: str, limit: int = CLAIM_LIMIT
) -> list[SyncActivity]:
    """Claim up to `limit` due rows of one kind (the kind of the row due longest), oldest first,
    under the lane `holder` holds.

    The rows come back Running, with their attempt counted and `started_at` set on the first one.
    """
    kind = next_kind(store_id, now)
    if kind is None:
        return []
    with transaction.atomic():
        ids = list(
            due_of_kind(store_id, kind, now)
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)[:limit]
        )
        SyncActivity.objects.filter(pk__in=ids, status=Status.PENDING).update(
            status=Status.RUNNING,
            claimed_by=holder,
            attempts=F("attempts") + 1,
            started_at=Coalesce("started_at", now),
            updated_at=now,
        )
    rows = SyncActivity.objects.filter(pk__in=ids, status=Status.RUNNING, claimed_by=holder)
    return list(rows.order_by("id"))
