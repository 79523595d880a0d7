"""Heartbeats of the Celery processes, the evidence `/readyz` reads (sync/ops/readiness.py).

- **Workers**: once a worker is ready (Celery's `worker_ready` signal), a thread of its main process
  writes `Heartbeat(name=<node name>)` every HEALTH_HEARTBEAT_SECONDS; a warm shutdown stops it and
  removes the row. A worker killed outright leaves its row to age.
- **Beat**: the scheduler (sync/ops/beat.py) writes `beat@<host>` from its own loop, so the row says
  the scheduler is ticking, not only that the process exists.

The rows are in the database, the one store every process of both stacks shares (the embedded run
has no Redis, and its cache is per process).
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any

from celery.signals import worker_ready, worker_shutdown
from django import db
from django.conf import settings
from django.utils import timezone

from sync.ops.models import Heartbeat

logger = logging.getLogger(__name__)

Role = Heartbeat.Role
# Rows of processes not seen for this long are dropped (a worker that died, a host retired).
FORGET_AFTER = timedelta(days=1)


def heartbeat_every() -> float:
    """Seconds between two heartbeats of a process (HEALTH_HEARTBEAT_SECONDS)."""
    return float(settings.HEALTH_HEARTBEAT_SECONDS)


def heartbeat_record(*, name: str, role: str, now: datetime) -> None:
    """`name` was alive at `now`: one upsert."""
    Heartbeat.objects.bulk_create(
        [Heartbeat(name=name, role=role, seen_at=now)],
        update_conflicts=True,
        unique_fields=["name"],
        update_fields=["role", "seen_at"],
    )


def heartbeat_remove(*, name: str) -> None:
    """`name` stopped cleanly: no row should vouch for it any more."""
    Heartbeat.objects.filter(name=name).delete()


def heartbeats_forget(*, now: datetime) -> int:
    """Drop the rows of processes silent for FORGET_AFTER; returns how many."""
    deleted, _ = Heartbeat.objects.filter(seen_at__lt=now - FORGET_AFTER).delete()
    return deleted


def heartbeat_try(*, name: str, role: str) -> bool:
    """Record a heartbeat, logging instead of raising when the database is away: a heartbeat that
    cannot be written is the signal, the process itself goes on."""
    try:
        db.close_old_connections()
        heartbeat_record(name=name, role=role, now=timezone.now())
    except db.DatabaseError as error:
        logger.warning("could not record the heartbeat of %s (%s)", name, type(error).__name__)
        return False
    return True


def beat_name() -> str:
    return f"beat@{socket.gethostname()}"


class BeatHeartbeat:
    """The beat's heartbeat, written from the scheduler's loop at most every half interval (so the row
    is never older than one and a half intervals while beat ticks), and old rows dropped with it."""

    def __init__(self, name: str | None = None) -> None:
        self.name = name or beat_name()
        self.last: float | None = None

    def tick(self) -> None:
        now = time.monotonic()
        if self.last is not None and now - self.last < heartbeat_every() / 2:
            return
        if heartbeat_try(name=self.name, role=Role.BEAT):
            self.last = now
            with suppress(db.DatabaseError):  # the next heartbeat tries again
                heartbeats_forget(now=timezone.now())


class WorkerHeartbeat(threading.Thread):
    """Writes a worker's heartbeat every interval until stopped; then removes it."""

    def __init__(self, name: str, every: float | None = None) -> None:
        super().__init__(name=f"heartbeat-{name}", daemon=True)
        self.worker = name
        self.every = every or heartbeat_every()
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while True:
                heartbeat_try(name=self.worker, role=Role.WORKER)
                if self.stopped.wait(self.every):
                    break
            heartbeat_remove(name=self.worker)
        except db.DatabaseError as error:
            logger.warning("could not remove the heartbeat of %s (%s)", self.worker, type(error).__name__)
        finally:
            db.connection.close()  # this thread's own connection

    def stop(self, timeout: float = 5.0) -> None:
        self.stopped.set()
        self.join(timeout)


_running: dict[str, WorkerHeartbeat] = {}


def on_worker_ready(sender: Any = None, **kwargs: Any) -> None:
    name = str(getattr(sender, "hostname", "") or f"celery@{socket.gethostname()}")
    if name not in _running:
        _running[name] = WorkerHeartbeat(name)
        _running[name].start()


def on_worker_shutdown(sender: Any = None, **kwargs: Any) -> None:
    while _running:
        _, heartbeat = _running.popitem()
        heartbeat.stop()


def connect_signals() -> None:
    """Called once by the sync app: the web process connects them too, where they never fire."""
    worker_ready.connect(on_worker_ready, weak=False, dispatch_uid="sync.ops.worker_ready")
    worker_shutdown.connect(on_worker_shutdown, weak=False, dispatch_uid="sync.ops.worker_shutdown")
