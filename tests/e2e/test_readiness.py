"""End to end: `/readyz` with real worker and beat processes. Not ready before they start; ready once
both have written their heartbeats; a worker stopped cleanly takes its heartbeat with it, and a beat
killed outright is noticed once its heartbeat is two intervals old."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from sync.models import Heartbeat
from tests.e2e.sync_support import SyncStack, embedded

pytestmark = [pytest.mark.e2e, pytest.mark.embedded, pytest.mark.django_db(transaction=True)]

# The processes write a heartbeat every second; this process reads with the same interval.
EVERY = "1"


def readyz() -> tuple[int, dict[str, Any]]:
    answer = Client().get("/readyz")
    return answer.status_code, json.loads(answer.content)


def statuses() -> dict[str, str]:
    return {name: check["status"] for name, check in readyz()[1]["checks"].items()}


@pytest.fixture
def probed(stack: SyncStack, settings: Any) -> SyncStack:
    """This process reads the heartbeats as the processes write them, and (embedded) probes the
    broker folder they use."""
    settings.HEALTH_HEARTBEAT_SECONDS = float(EVERY)
    if embedded():
        broker = stack.folder / "var" / "broker"
        settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
            **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
            "data_folder_in": str(broker / "queue"),
            "data_folder_out": str(broker / "queue"),
            "control_folder": str(broker / "control"),
        }
    return stack


def test_readyz_follows_the_worker_and_beat_processes(probed):
    stack = probed
    assert readyz()[0] == 503
    assert statuses() == {"database": "ok", "broker": "ok", "beat": "fail", "workers": "fail"}

    worker = stack.worker(concurrency=2, HEALTH_HEARTBEAT_SECONDS=EVERY)
    beat = stack.beat(HEALTH_HEARTBEAT_SECONDS=EVERY)
    stack.wait_until("ready", lambda: readyz()[0] == 200, timeout=30)
    body = readyz()[1]
    assert body["checks"]["workers"]["count"] == 1
    assert body["checks"]["beat"]["max_age_seconds"] == 2
    assert sorted(Heartbeat.objects.values_list("role", flat=True)) == ["beat", "worker"]

    worker.killed = True  # stopped on purpose: its exit is no failure
    worker.process.terminate()  # a warm shutdown: the worker removes its heartbeat
    worker.process.wait(timeout=30)
    assert not Heartbeat.objects.filter(role="worker").exists()
    assert readyz()[1]["checks"]["workers"] == {
        "status": "fail",
        "age_seconds": None,
        "max_age_seconds": 2,
        "count": 0,
        "error": "no heartbeat",
    }

    stack.kill(beat)  # no word from a killed beat: its heartbeat ages
    stack.wait_until("the beat's heartbeat too old", lambda: statuses()["beat"] == "fail", timeout=10)
    assert readyz()[1]["checks"]["beat"]["age_seconds"] >= 2
