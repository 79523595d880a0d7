"""A batch Accurate answers "too many requests" goes back to Pending, and its retry completes it.

The sandbox here allows one request in flight per token. The merchant's other app (a slow call on
the same token) holds it while the push sends its batch, so Accurate's real rate-limit answer comes
back to the push, twice (the client's one immediate retry included).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from mapping import crypto
from sync.models import SyncActivity
from sync.product_push.services import product_push_next, product_push_start
from tests.sandbox_fixture import SandboxProcess, start_sandbox, stop_sandbox

SLOW_CALL_MS = 3000


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxProcess]:
    """Overrides the shared fixture: this sandbox allows one request in flight per token."""
    running = start_sandbox(tmp_path, "--in-flight-limit", "1")
    yield running
    stop_sandbox(running)


def other_app_call(connection) -> threading.Thread:
    """A slow data call with the store's token, as another app of the merchant would make."""
    headers = {
        "Authorization": f"Bearer {crypto.decrypt(connection.access_token_encrypted)}",
        "X-Session-ID": crypto.decrypt(connection.session_encrypted),
    }
    url = f"{connection.host}/accurate/api/branch/list.do"
    thread = threading.Thread(target=requests.get, args=(url,), kwargs={"headers": headers, "timeout": 10})
    thread.start()
    return thread


def test_a_rate_limited_batch_goes_back_to_pending_and_its_retry_completes_it(tenant, connected, accurate_at):
    push = product_push_start(store=tenant.store, user=tenant.owner)
    accurate_at.faults(latency_ms=SLOW_CALL_MS)
    slow = other_app_call(connected)
    accurate_at.wait_until("call of the other app in flight", lambda: accurate_at.in_flight() == 1)

    outcome = product_push_next(push_id=push.pk)

    assert outcome.retry_in is not None
    batch = push.batches.get()
    reason = "Accurate is receiving too many requests; the sync will try again shortly. (attempt 1 of 5)"
    assert (batch.status, batch.attempts, batch.messages) == ("pending", 1, [reason])
    activity = SyncActivity.objects.get()
    assert (activity.status, activity.status_reason) == ("pending", reason)
    assert accurate_at.inspect()["counters"]["rejected_by_limits"] == 2
    slow.join()
    accurate_at.faults(latency_ms=0)

    assert product_push_next(push_id=push.pk).retry_in is None  # the retry

    batch.refresh_from_db()
    assert (batch.status, batch.attempts, batch.created) == ("success", 2, 3)
    assert SyncActivity.objects.get().status == "success"
    assert sorted(item["no"] for item in accurate_at.documents("item")) == ["SKU-1", "SKU-2", "SKU-3"]
