"""Rows due outside the beat are pushed within seconds, not at the next beat.

A document that is due when it arrives (an adjustment, a deposit, a void or refund on the default
schedule, a sale without a shift) and a shift that closes (its sales are due) would otherwise wait for
the beat's dispatch, up to a minute, with every lane idle. `pushes_soon` has the store's schedule
applied and its free lanes filled `KICK_S` after the transaction commits: one task per store per
`KICK_S` however many documents arrive (a cache key; losing it costs one more harmless task). Sync
now, Backfill, a push task handing over and the take-back of a dead worker's rows enqueue their
pushes themselves.
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

KICK_S = 2.0


def pushes_soon(*, store_id: int) -> None:
    """Once the current transaction commits, push the store's due rows within `KICK_S`. A broker
    that is down costs nothing but the wait for the next beat (the document is committed)."""
    transaction.on_commit(lambda: _kick(store_id), robust=True)


def _kick(store_id: int) -> None:
    if not cache.add(f"sync:kick:{store_id}", 1, KICK_S):
        return  # a task is already on its way: it sees what this transaction committed
    # Imported here: `outlets` loads this module through sync.outbox, which keeps its imports few;
    # sync.tasks brings most of sync (and mapping) with it.
    from sync.tasks import dispatch_store

    dispatch_store.apply_async((store_id,), countdown=KICK_S)
