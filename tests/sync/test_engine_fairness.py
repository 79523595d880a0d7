"""Fair workers (sync/engine/fairness.py): a connection whose Accurate answers slowly gets one lane and
one batch per turn; the dispatcher enqueues round-robin across connections."""

from __future__ import annotations

import pytest
from django.utils import timezone

from sync import dispatch
from sync.engine import fairness
from sync.engine.claim import lane_give_back, lane_take
from sync.models import SyncActivity
from tests.sync.engine_helpers import make_ready, post, push, release

# The slow mark lives in the cache: Redis in production, the local memory of the embedded run.
pytestmark = pytest.mark.embedded

DEPOSIT = {
    "number": "D-1",
    "kind": "customer_deposit",
    "received_at": "2026-11-20T08:00:00+07:00",
    "amount": "500000",
    "payment_method": "cash",
    "customer_name": "Budi",
}


def test_the_dispatcher_enqueues_one_task_per_connection_before_a_second_for_any():
    assert fairness.round_robin([(1, 3), (2, 1), (3, 0), (4, 2)]) == [1, 2, 4, 1, 4, 1]
    assert fairness.round_robin([]) == []


@pytest.mark.django_db
def test_a_slow_connection_gets_one_lane_until_a_batch_is_answered_fast(
    tenant, connected, order_body, monkeypatch, settings
):
    settings.ACCURATE_MAX_IN_FLIGHT = 3
    settings.SYNC_SLOW_REQUEST_SECONDS = 1.5
    enqueued: list[int] = []
    monkeypatch.setattr("sync.tasks.push.delay", lambda connection_id: enqueued.append(connection_id))
    fairness.connection_mark(connected.pk, slow=False)
    make_ready(tenant, connected, items=False)
    post(tenant, "orders/", order_body("ORD-1"))
    release(tenant)
    now = timezone.now()

    fairness.request_answered(connected.pk, 1.49)  # not slow
    assert fairness.lanes_for(connected.pk, 3) == 3
    fairness.request_answered(connected.pk, 1.5)  # one answer this slow marks it at once
    assert fairness.lanes_for(connected.pk, 3) == 1
    assert dispatch.dispatch(now=now) == 1
    held = lane_take(connected.pk, fairness.lanes_for(connected.pk, 3), now)
    assert held is not None
    assert lane_take(connected.pk, fairness.lanes_for(connected.pk, 3), now) is None  # a second task
    assert dispatch.dispatch(now=now) == 0
    lane_give_back(held)

    assert fairness.batch_answered(connected.pk, requests=2, seconds=3.2) == (True, False)  # still slow
    assert fairness.batch_answered(connected.pk, requests=2, seconds=2.9) == (False, True)  # fast again
    assert dispatch.dispatch(now=now) == 3
    assert enqueued == [connected.pk] * 4


@pytest.mark.django_db
def test_a_slow_connections_task_pushes_one_batch_then_pauses_as_long(
    tenant, connected, order_body, settings
):
    settings.SYNC_SLOW_REQUEST_SECONDS = 0.0  # every answer counts as slow
    fairness.connection_mark(connected.pk, slow=False)
    make_ready(tenant, connected)
    post(tenant, "orders/", order_body("ORD-1"))
    post(tenant, "deposits/", DEPOSIT)
    release(tenant)

    result = push(connected)

    # Two kinds due, so two batches, but the turn ends after the first: a pause, not a successor now.
    assert (result.batches, result.more) == (1, False)
    assert result.again_in is not None and 0 < result.again_in < 30
    assert fairness.connection_is_slow(connected.pk)
    statuses = dict(SyncActivity.objects.values_list("kind", "status"))
    assert sorted(statuses.values()) == ["pending", "success"]

    settings.SYNC_SLOW_REQUEST_SECONDS = 1000.0  # Accurate answers at normal speed again
    result = push(connected)
    # The fast batch ends the mark and the turn: the successor fills every lane.
    assert (result.batches, result.more) == (1, True)
    assert not fairness.connection_is_slow(connected.pk)
    assert set(SyncActivity.objects.values_list("status", flat=True)) == {"success"}
