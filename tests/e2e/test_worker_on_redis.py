"""A real Celery worker on Redis and PostgreSQL runs the outbox housekeeping task.

The production shape: broker in Redis (REDIS_URL), the test database in PostgreSQL, the worker a
separate process. A row left Running by a dead worker (here one claimed without a lane name, an
hour ago) must come back to Pending through it, with an attempt that says so.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from sync.engine.orphans import WORKER_STOPPED
from sync.models import SyncActivity, SyncAttempt
from sync.tasks import requeue_stale_activities

pytestmark = pytest.mark.e2e

BASE_DIR = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 60


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    assert settings.REDIS_URL, "the suite runs with REDIS_URL set (make test)"
    db = connection.settings_dict
    env = {
        **os.environ,
        # The worker must use the test database that pytest-django created, not the configured one.
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "PYTHONUNBUFFERED": "1",
    }
    log = (tmp_path / "worker.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "iseller_accurate",
            "worker",
            "-l",
            "info",
            "--concurrency",
            "1",
            "-Q",
            "e2e",
            "-n",
            f"e2e-{os.getpid()}@%h",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + WAIT_SECONDS
    while b"ready." not in (tmp_path / "worker.log").read_bytes():
        assert process.poll() is None, (tmp_path / "worker.log").read_text()
        assert time.monotonic() < deadline, "the worker did not start"
        time.sleep(0.2)
    yield process
    process.terminate()
    process.wait(timeout=30)
    log.close()


@pytest.mark.django_db(transaction=True)
def test_a_worker_on_redis_puts_a_stale_running_row_back_to_pending(tenant, order_body, worker):
    tenant.api().post("/api/v1/outlets/JKT01/orders/", order_body(), format="json")
    SyncActivity.objects.update(status="running", updated_at=timezone.now() - timedelta(hours=1))

    # Its own queue, so no other worker on this Redis can take the task.
    requeue_stale_activities.apply_async(queue="e2e")

    deadline = time.monotonic() + WAIT_SECONDS
    while SyncActivity.objects.get().status != "pending":
        assert worker.poll() is None, "the worker died"
        assert time.monotonic() < deadline, "the task did not run"
        time.sleep(0.2)
    row = SyncActivity.objects.get()
    assert (row.status_reason, row.needs_lookup) == (WORKER_STOPPED, True)
    assert list(SyncAttempt.objects.values_list("outcome", "message")) == [("retry", WORKER_STOPPED)]
