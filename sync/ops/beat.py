"""The beat's scheduler, with a heartbeat (sync/ops/heartbeats.py): `CELERY_BEAT_SCHEDULER` names it."""

from __future__ import annotations

from typing import Any

from celery.beat import PersistentScheduler

from sync.ops.heartbeats import BeatHeartbeat, heartbeat_every


class HeartbeatScheduler(PersistentScheduler):
    """Celery's own scheduler (the schedule file, CELERY_BEAT_SCHEDULE), which also records that it
    ticks, and wakes at least once per heartbeat interval to do so."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.heartbeat = BeatHeartbeat()

    def tick(self, *args: Any, **kwargs: Any) -> float:
        self.heartbeat.tick()
        return min(float(super().tick(*args, **kwargs)), heartbeat_every())
