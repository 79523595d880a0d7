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
from sync.schedule import activities_release_due


def lanes() -> int:
    return max(int(settings.ACCURATE_MAX_IN_FLIGHT), 1)


def pushes_enqueue(connection: Connection, now: datetime) -> int:
    """Enqueue a push task per free lane of the connection when it has due rows. Returns how many."""
    if not connection.is_connected or connection.database_id is None:
        return 0
    if next_kind(connection.store_id, now) is None:
        return 0
    lanes_ensure(connection.pk, lanes())
    count = lanes_free(connection, lanes(), now)
    # Imported here: a cycle, sync.tasks imports this module at its top.
    from sync.tasks import push

    for _ in range(count):
        push.delay(connection.pk)
    return count


def pushes_enqueue_for_store(store_id: int, now: datetime | None = None) -> int:
    connection = Connection.objects.filter(store_id=store_id).first()
    return 0 if connection is None else pushes_enqueue(connection, now or timezone.now())


def dispatch(*, now: datetime) -> int:
    """Release what the schedules make due, then enqueue pushes. Returns the tasks enqueued."""
    enqueued = 0
    for connection in Connection.objects.filter(status=Connection.Status.CONNECTED).select_related("store"):
        activities_release_due(store=connection.store, now=now)
        enqueued += pushes_enqueue(connection, now)
    return enqueued
