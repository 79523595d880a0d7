"""End to end: two beats run at once (a deployment mistake, or a failover overlap).

Both run the dispatcher every second: rows are released twice and push tasks enqueued twice, but a
task without a free lane ends at once and rows are claimed once, so each document lands once.
"""

from __future__ import annotations

import pytest

from sync.models import SyncActivity, SyncAttempt
from tests.e2e.sync_support import (
    assert_landed_once,
    expected_of,
    order_body,
    orders_post,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ORDERS = 500


def test_two_beats_at_once_post_nothing_twice(stack, tenant):
    bodies = [order_body(n, two_methods=n % 3 == 0) for n in range(1, ORDERS + 1)]
    orders_post(tenant, bodies)
    stack.sandbox.faults(latency_ms=200)  # batches overlap the beats' ticks
    stack.worker()
    stack.beat("beat-a")
    stack.beat("beat-b")

    stack.wait_settled(ORDERS)

    counters = assert_landed_once(stack, expected_of(bodies))
    assert counters["duplicate_numbers_refused"] == 0
    assert SyncActivity.objects.filter(status="success").count() == ORDERS
    # Each row was claimed and pushed once.
    assert set(SyncActivity.objects.values_list("attempts", flat=True)) == {1}
    assert SyncAttempt.objects.count() == ORDERS
    both = [s.log().count("Scheduler: Sending due task sync-dispatch") for s in stack.started[1:]]
    assert min(both) >= 2, both
