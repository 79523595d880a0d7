"""The heartbeats `/readyz` reads: a worker's thread writes one every interval from the moment the
worker is ready and removes it at a warm shutdown; the beat's scheduler writes its own as it ticks
(at most every half interval), and drops the rows of processes silent for a day."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from celery.signals import worker_ready, worker_shutdown
from django.utils import timezone

from iseller_accurate.celery import app
from sync.models import Heartbeat
from sync.ops.beat import HeartbeatScheduler
from sync.ops.heartbeats import BeatHeartbeat, WorkerHeartbeat, beat_name

# The heartbeat threads use connections of their own: they must see committed rows.
pytestmark = [pytest.mark.embedded, pytest.mark.django_db(transaction=True)]


def wait_for(what: str, ready: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} within {timeout} s")
        time.sleep(0.02)


def seen(name: str) -> Any:
    return Heartbeat.objects.filter(name=name).values_list("role", "seen_at").first()


def test_a_worker_heartbeat_is_written_every_interval_and_removed_when_it_stops():
    heartbeat = WorkerHeartbeat("celery@host-a", every=0.05)
    heartbeat.start()
    wait_for("first heartbeat", lambda: seen("celery@host-a") is not None)
    role, first = seen("celery@host-a")
    wait_for("a later heartbeat", lambda: seen("celery@host-a")[1] > first)

    heartbeat.stop()

    assert role == "worker"
    assert not heartbeat.is_alive()
    assert seen("celery@host-a") is None


class Consumer:
    """What Celery sends `worker_ready` from: the worker's consumer, which knows its node name."""

    hostname = "celery@host-b"


def test_a_ready_worker_starts_its_heartbeat_and_a_warm_shutdown_ends_it(settings):
    settings.HEALTH_HEARTBEAT_SECONDS = 0.05
    worker_ready.send(sender=Consumer())
    wait_for("the worker's heartbeat", lambda: seen("celery@host-b") is not None)

    worker_shutdown.send(sender=None)

    assert seen("celery@host-b") is None
    assert Heartbeat.objects.count() == 0


def test_the_beat_heartbeat_is_written_at_most_every_half_interval(settings):
    settings.HEALTH_HEARTBEAT_SECONDS = 0.4
    heartbeat = BeatHeartbeat("beat@host-c")

    heartbeat.tick()
    _, first = seen("beat@host-c")
    heartbeat.tick()
    assert seen("beat@host-c") == ("beat", first)  # too soon: not written again
    time.sleep(0.25)
    heartbeat.tick()

    assert seen("beat@host-c")[1] > first


def test_the_beat_drops_the_rows_of_processes_silent_for_a_day():
    now = timezone.now()
    Heartbeat.objects.create(name="celery@retired", role="worker", seen_at=now - timedelta(days=1, seconds=1))
    Heartbeat.objects.create(name="celery@napping", role="worker", seen_at=now - timedelta(hours=23))

    BeatHeartbeat("beat@host-d").tick()

    assert sorted(Heartbeat.objects.values_list("name", flat=True)) == ["beat@host-d", "celery@napping"]


def test_the_scheduler_beat_runs_records_that_it_ticks_and_wakes_each_interval(settings, tmp_path: Path):
    settings.HEALTH_HEARTBEAT_SECONDS = 5
    assert app.conf.beat_scheduler == "sync.ops.beat:HeartbeatScheduler"
    scheduler = HeartbeatScheduler(app=app, schedule_filename=str(tmp_path / "schedule"))
    try:
        delay = scheduler.tick()  # nothing due yet: every entry waits its first interval
    finally:
        scheduler.close()

    assert 0 < delay <= 5
    role, seen_at = seen(beat_name())
    assert role == "beat"
    assert timezone.now() - seen_at < timedelta(seconds=5)
