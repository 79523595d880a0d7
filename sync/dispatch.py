"""The dispatcher: what is due, and a push task per free lane of each connection that has work.

Beat runs `dispatch` every minute; "Sync now" calls `pushes_enqueue_for_store`. Enqueuing more tasks
than needed is harmless: a task without a free lane, or without due rows, ends at once.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone

from mapping.models import Connection
from sync.engine.claim import lanes_ensure, lanes_free, next_kind
from sync.engine.fairness import lanes_for, round_robin
from sync.engine.totals_check import unchecked_bindings
from sync.schedule import activities_release_due


def lanes() -> int:
    return max(int(settings.ACCURATE_MAX_IN_FLIGHT), 1)


def pushes_wanted(connection: Connection, now: datetime) -> int:
    """Push tasks the connection needs now: one per free lane when it has due rows (one lane in all
    while its Accurate answers slowly: sync/engine/fairness.py)."""
    if not connection.is_connected or connection.database_id is None:
        return 0
    if next_kind(connection.store_id, now) is None:
        # Nothing due, but totals left to read back after a backlog: one lane reads them.
        return min(1, _lanes_free(connection, now)) if unchecked_bindings(connection).exists() else 0
    return _lanes_free(connection, now)


def _lanes_free(connection: Connection, now: datetime) -> int:
    lanes_ensure(connection.pk, lanes())
    return lanes_free(connection, lanes_for(connection.pk, lanes()), now)


def _enqueue(connection_ids: list[int]) -> int:
    # Imported here: a cycle, sync.tasks imports this module at its top.
    from sync.tasks import push

    for connection_id in connection_ids:
        push.delay(connection_id)
    return len(connection_ids)


def pushes_enqueue(connection: Connection, now: datetime) -> int:
    """Enqueue a push task per free lane of the connection when it has due rows. Returns how many."""
    return _enqueue([connection.pk] * pushes_wanted(connection, now))


def pushes_enqueue_for_connection(connection_id: int, now: datetime | None = None) -> int:
    connection = Connection.objects.filter(pk=connection_id).first()
    return 0 if connection is None else pushes_enqueue(connection, now or timezone.now())


def pushes_enqueue_for_store(store_id: int, now: datetime | None = None) -> int:
    connection = Connection.objects.filter(store_id=store_id).first()
    return 0 if connection is None else pushes_enqueue(connection, now or timezone.now())


def store_dispatch(*, store_id: int, now: datetime) -> int:
    """One store's part of `dispatch`, between two beats: release what its schedule makes due and
    enqueue a push per free lane. Returns the tasks enqueued."""
    connections = Connection.objects.filter(store_id=store_id, status=Connection.Status.CONNECTED)
    connection = connections.select_related("store").first()
    if connection is None:
        return 0
    activities_release_due(store=connection.store, now=now)
    return pushes_enqueue(connection, now)


def dispatch(*, now: datetime) -> int:
    """Release what the schedules make due, then enqueue pushes, round-robin across connections (one
    task each, then a second each…): no store's tasks queue up ahead of all the others'. Returns the
    tasks enqueued."""
    wanted = []
    connections = Connection.objects.filter(status=Connection.Status.CONNECTED).select_related("store")
    for connection in connections.order_by("pk"):
        activities_release_due(store=connection.store, now=now)
        wanted.append((connection.pk, pushes_wanted(connection, now)))
    return _enqueue(round_robin(wanted))
