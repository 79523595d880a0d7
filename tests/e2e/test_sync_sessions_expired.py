"""End to end: the Accurate database session expires while the push tasks are mid-batch.

Every task meets "Data Session Key tidak tepat"; the session is renewed under the connection's row
lock and each call is tried once more. Nothing is lost or sent twice.
"""

from __future__ import annotations

import pytest

from sync.models import SyncActivity
from tests.e2e.sync_support import (
    assert_landed_once,
    expected_of,
    order_body,
    orders_post,
    wait_lanes_busy,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LANES = 7  # the default ACCURATE_MAX_IN_FLIGHT
ORDERS = LANES * 100


def test_sessions_expired_mid_run_all_lands_once(stack, tenant):
    bodies = [order_body(n, two_methods=n % 3 == 0) for n in range(1, ORDERS + 1)]
    orders_post(tenant, bodies)
    stack.sandbox.faults(latency_ms=1500)
    stack.worker(concurrency=LANES)
    stack.beat()
    wait_lanes_busy(stack, LANES, ORDERS)

    assert stack.sandbox.expire_sessions()["expired"] >= 1
    stack.sandbox.faults(latency_ms=300)
    stack.wait_settled(ORDERS)

    counters = assert_landed_once(stack, expected_of(bodies))
    assert counters["token_refreshes"] == 0
    assert SyncActivity.objects.filter(status="success").count() == ORDERS
