"""Who pushes what: a connection's lanes (leases) and the claim of due rows.

A lane is a row per connection and lane number; a task holds one for a short, renewable time, so a
connection never has more pushers than lanes (the in-flight limit), however many tasks the
dispatcher or a "Sync now" enqueued. Rows are claimed with `SELECT … FOR UPDATE SKIP LOCKED` and a
conditional update, so two pushers never take the same row.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from mapping.models import Connection
from sync.models import PushLease, SyncActivity

Status = SyncActivity.Status
Kind = SyncActivity.Kind
CLAIM_LIMIT = 100  # records per bulk-save.do call
# A lane not renewed for this long belongs to a dead worker and may be taken.
LEASE_TTL = timedelta(minutes=2)
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
            holder=holder, held_until=now + LEASE_TTL
        )
        if taken:
            return holder
    return None


def lane_renew(holder: str, now: datetime) -> bool:
    """Keep the lane for another while. False: it was lost (the task took too long) — stop."""
    return bool(PushLease.objects.filter(holder=holder).update(held_until=now + LEASE_TTL))


def lane_give_back(holder: str) -> None:
    PushLease.objects.filter(holder=holder).update(holder="", held_until=None)


def _landed(kind: str, source: str) -> Exists:
    """The row's source document already landed as `kind` (its sale's invoice, its transfer out)."""
    return Exists(SyncActivity.objects.filter(kind=kind, status=Status.SUCCESS, **{source: OuterRef(source)}))


def _refund_sale_landed() -> Exists:
    # Through the refund's order inside the subquery: the claimed rows' query joins nothing, so it
    # can lock them (FOR UPDATE) and read them in index order.
    return Exists(
        SyncActivity.objects.filter(
            kind=Kind.ORDER, status=Status.SUCCESS, order__refunds=OuterRef("refund_id")
        )
    )


# Rows whose documents need another one in Accurate first are claimed once it is there: a refund
# after its sale, a void after the sale it takes out, a transfer in after its transfer out. Until
# then they stay Pending without spending attempts.
PREREQUISITE: dict[str, Callable[[], Exists]] = {
    Kind.REFUND: _refund_sale_landed,
    Kind.ORDER_VOID: lambda: _landed(Kind.ORDER, "order"),
    Kind.TRANSFER_IN: lambda: _landed(Kind.TRANSFER_OUT, "transfer"),
}


def due_of_kind(store_id: int, kind: str, now: datetime) -> QuerySet[SyncActivity]:
    """The store's rows of one kind that are due and ready, in the order they are claimed (read
    through the partial index on Pending rows by store, kind and due time)."""
    rows = SyncActivity.objects.filter(store_id=store_id, kind=kind, status=Status.PENDING, due_at__lte=now)
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


def activities_claim(*, store_id: int, now: datetime, limit: int = CLAIM_LIMIT) -> list[SyncActivity]:
    """Claim up to `limit` due rows of one kind (the kind of the row due longest), oldest first.

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
            attempts=F("attempts") + 1,
            started_at=Coalesce("started_at", now),
            updated_at=now,
        )
    return list(SyncActivity.objects.filter(pk__in=ids, status=Status.RUNNING).order_by("id"))
