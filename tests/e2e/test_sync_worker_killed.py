"""End to end: a worker killed with SIGKILL in the middle of a batch loses nothing and doubles nothing.

The sandbox answers slowly, so a batch is still in flight when the worker (its whole process group)
dies: invoices are in Accurate, their rows still Running, the bindings never stored. Nothing renews
the dead worker's lane any more; once it runs out, the beat takes its rows back (each with an attempt
that says so) and a new worker looks their numbers up in Accurate before sending anything again.
"""

from __future__ import annotations

import pytest

from sync.engine.orphans import WORKER_STOPPED
from sync.models import SyncActivity, SyncAttempt
from tests.e2e.sync_support import (
    SyncStack,
    assert_landed_once,
    expected_of,
    order_body,
    orders_post,
)

pytestmark = [pytest.mark.e2e, pytest.mark.embedded, pytest.mark.django_db(transaction=True)]

ORDERS = 300


def invoices_in_accurate(stack: SyncStack) -> int:
    return int(stack.sandbox.inspect()["documents"].get("101", {}).get("sales-invoice", 0))


def test_a_worker_killed_mid_batch_leaves_nothing_missing_and_nothing_twice(stack, tenant):
    bodies = [order_body(n, two_methods=n % 3 == 0) for n in range(1, ORDERS + 1)]
    orders_post(tenant, bodies)
    stack.sandbox.faults(latency_ms=1500)
    doomed = stack.worker("doomed", concurrency=2)
    stack.beat()

    # A batch's invoices are saved and its receipts are on their way: kill it now.
    stack.wait_until("a first batch of invoices in Accurate", lambda: invoices_in_accurate(stack) >= 100)
    stack.kill(doomed)
    held = set(SyncActivity.objects.filter(status="running").values_list("pk", flat=True))
    assert held, "the kill came too late: no batch was in flight"
    stack.sandbox.faults(latency_ms=0)

    stack.worker("survivor")
    stack.wait_settled(ORDERS)

    counters = assert_landed_once(stack, expected_of(bodies))
    # Its numbers were looked up before anything was sent again: Accurate never had to refuse one.
    assert counters["duplicate_numbers_refused"] == 0
    assert SyncActivity.objects.filter(status="success").count() == ORDERS
    # Every row the dead worker held was taken back once, with an attempt that says why, then landed.
    stopped = SyncAttempt.objects.filter(message=WORKER_STOPPED, outcome="retry")
    assert sorted(stopped.values_list("activity_id", flat=True)) == sorted(held)
    assert set(SyncActivity.objects.filter(pk__in=held).values_list("status", "attempts")) == {("success", 2)}
