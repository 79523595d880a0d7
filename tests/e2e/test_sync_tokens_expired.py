"""End to end: every token expires while eight push tasks are in the middle of their batches.

Eight lanes (ACCURATE_MAX_IN_FLIGHT=8), eight tasks each pushing 100 orders to a slow sandbox. All
of them meet the expired token; one refreshes it under the connection's row lock, the others re-read
the new one. A refresh token works once, so a second refresh would break the connection.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mapping.models import Connection
from sync.models import SyncActivity
from tests.e2e.sync_support import (
    SyncStack,
    assert_landed_once,
    expected_of,
    order_body,
    orders_post,
    sync_stack,
    wait_lanes_busy,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LANES = 8
ORDERS = LANES * 100


@pytest.fixture
def stack(tmp_path: Path, tenant: Any, settings: Any) -> Iterator[SyncStack]:
    with sync_stack(tmp_path, tenant, settings) as running:
        running.env["ACCURATE_MAX_IN_FLIGHT"] = str(LANES)
        yield running


def test_tokens_expired_under_eight_tasks_are_refreshed_once_and_all_lands(stack, tenant):
    bodies = [order_body(n, two_methods=n % 3 == 0) for n in range(1, ORDERS + 1)]
    orders_post(tenant, bodies)
    stack.sandbox.faults(latency_ms=1500)
    stack.worker(concurrency=LANES)
    stack.beat()
    wait_lanes_busy(stack, LANES, ORDERS)

    assert stack.sandbox.expire_tokens()["expired"] == 1
    stack.sandbox.faults(latency_ms=300)
    stack.wait_settled(ORDERS)

    counters = assert_landed_once(stack, expected_of(bodies))
    assert counters["token_refreshes"] == 1
    assert Connection.objects.get().status == Connection.Status.CONNECTED
    assert SyncActivity.objects.filter(status="success").count() == ORDERS
