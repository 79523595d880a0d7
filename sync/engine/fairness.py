"""Fair workers: one store's slow Accurate holds at most one worker at a time, never the pool.

One worker pool serves every connection. A connection has `ACCURATE_MAX_IN_FLIGHT` lanes, each a push
task holding a worker thread: enough to keep Accurate's rate limit busy when it answers in a fraction
of a second. When a connection's Accurate answers slowly (one request, or a batch's on average,
took `SYNC_SLOW_REQUEST_SECONDS` or more, the limiter's wait excluded: Accurate slow, overloaded or
timing out), more lanes would only hold workers while every other store waits. Such a connection is
marked *slow* for `SLOW_FOR_S` — at its first slow answer, so that its other tasks starting meanwhile
find no lane — renewed by each slow batch, and while marked:

- it has `SLOW_LANES` lane: the dispatcher enqueues one push for it, a second task finds no lane;
- its push task ends its turn after each batch and comes back after a pause as long as the batch
  took (`sync/engine/run.py`): it holds at most about half a worker, behind the other stores' tasks.

A batch answered at normal speed ends the mark at once, and that task's successor fills every lane.
The dispatcher also enqueues round-robin (one task per connection, then a second each…), so no
connection's tasks queue up ahead of all the others'. The mark lives in the cache (Redis in
production, shared by every worker; the embedded run has one worker process): losing it only gives a
slow connection its lanes back until its next slow batch.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.cache import cache

SLOW_LANES = 1
SLOW_FOR_S = 120


def _key(connection_id: int) -> str:
    return f"sync:slow-connection:{connection_id}"


def connection_is_slow(connection_id: int) -> bool:
    return bool(cache.get(_key(connection_id)))


def connection_mark(connection_id: int, *, slow: bool) -> bool:
    """Mark the connection slow (for another `SLOW_FOR_S`) or not; True when it was not slow before,
    or was and is no longer."""
    was = connection_is_slow(connection_id)
    if slow:
        cache.set(_key(connection_id), 1, SLOW_FOR_S)
    elif was:
        cache.delete(_key(connection_id))
    return was != slow


def answers_slow(requests: int, seconds: float) -> bool:
    """Did Accurate answer these requests slowly (seconds spent waiting for its answers)?"""
    return requests > 0 and seconds / requests >= float(settings.SYNC_SLOW_REQUEST_SECONDS)


def batch_answered(connection_id: int, *, requests: int, seconds: float) -> tuple[bool, bool]:
    """A batch's requests were answered in `seconds` in all: (slow, whether the mark changed)."""
    slow = answers_slow(requests, seconds)
    return slow, connection_mark(connection_id, slow=slow)


def request_answered(connection_id: int, seconds: float) -> None:
    """One request's answer took `seconds`: a slow one marks the connection at once, so that its
    other tasks starting meanwhile find no lane (a batch's fast answers unmark it: run.py)."""
    if answers_slow(1, seconds):
        connection_mark(connection_id, slow=True)


def lanes_for(connection_id: int, lanes: int) -> int:
    """The lanes the connection may use now: all of them, or `SLOW_LANES` while it is slow."""
    return min(lanes, SLOW_LANES) if connection_is_slow(connection_id) else lanes


def round_robin(wanted: Sequence[tuple[int, int]]) -> list[int]:
    """(connection id, tasks) each → the order to enqueue them: one per connection, then a second…"""
    order: list[int] = []
    for turn in range(max((count for _, count in wanted), default=0)):
        order += [connection_id for connection_id, count in wanted if count > turn]
    return order
