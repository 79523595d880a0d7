"""End to end: a real Celery worker on Redis pushes 150 products to the live sandbox, batch after batch.

The worker is a separate process on the test database (PostgreSQL) with the sandbox's settings in
its environment; the push is started by the service, so the first task goes out after commit.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from sync.models import ProductPush, SyncActivity
from sync.product_push import services
from sync.product_push.services import product_push_start
from sync.tasks import push_products
from tests.mapping.conftest import TEST_KEY
from tests.sync.push_helpers import add_products

pytestmark = pytest.mark.e2e

BASE_DIR = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 60
QUEUE = f"e2e-push-{os.getpid()}"  # its own queue: no other worker on this Redis takes the tasks


@pytest.fixture
def worker(tmp_path: Path, accurate_at: Any) -> Iterator[subprocess.Popen[bytes]]:
    assert settings.REDIS_URL, "the suite runs with REDIS_URL set (make test)"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "ACCURATE_ACCOUNT_URL": accurate_at.url,
        "ACCURATE_CLIENT_ID": accurate_at.client_id,
        "ACCURATE_CLIENT_SECRET": accurate_at.client_secret,
        "ACCURATE_TOKEN_KEYS": TEST_KEY,
        "PYTHONUNBUFFERED": "1",
    }
    log_path = tmp_path / "worker.log"
    log = log_path.open("wb")
    argv = ["worker", "-l", "info", "--concurrency", "1", "-Q", QUEUE, "-n", f"{QUEUE}@%h"]
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "iseller_accurate", *argv],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + WAIT_SECONDS
    while b"ready." not in log_path.read_bytes():
        assert process.poll() is None, log_path.read_text()
        assert time.monotonic() < deadline, "the worker did not start"
        time.sleep(0.2)
    yield process
    process.terminate()
    process.wait(timeout=30)
    log.close()


@pytest.mark.django_db(transaction=True)
def test_a_worker_on_redis_pushes_150_products_in_two_batches(
    tenant, connected, accurate_at, worker, monkeypatch
):
    add_products(tenant, 150)
    # The first task goes to this test's queue; the worker sends each next batch to the same queue.
    monkeypatch.setattr(
        services, "_enqueue", lambda push_id: push_products.apply_async((push_id,), queue=QUEUE)
    )

    push = product_push_start(store=tenant.store, user=tenant.owner)

    deadline = time.monotonic() + WAIT_SECONDS
    while ProductPush.objects.get(pk=push.pk).status != "done":
        assert worker.poll() is None, "the worker died"
        assert time.monotonic() < deadline, "the push did not finish"
        time.sleep(0.2)
    push.refresh_from_db()
    assert (push.batches_done, push.created, push.existing, push.failed) == (2, 150, 0, 0)
    assert list(push.batches.order_by("position").values_list("status", "created")) == [
        ("success", 100),
        ("success", 50),
    ]
    assert list(SyncActivity.objects.order_by("pos_number").values_list("kind", "status")) == [
        ("product_push", "success"),
        ("product_push", "success"),
    ]
    assert len(accurate_at.documents("item")) == 150
