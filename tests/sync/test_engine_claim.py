"""Claiming, lanes, the dispatcher, the stale-row requeue and the failure digest."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.db import connection as db_connection
from django.utils import timezone

from outlets.models import Order
from sync import dispatch
from sync.digest import failure_digests_send
from sync.engine.claim import activities_claim, lane_give_back, lane_take
from sync.models import SyncActivity
from sync.services import activities_requeue_stale


def orders(tenant, order_body, count, *, prefix="ORD"):
    batch = {"orders": [order_body(f"{prefix}-{n}") for n in range(count)]}
    answer = tenant.api().post("/api/v1/outlets/JKT01/orders/batch/", batch, format="json")
    assert answer.status_code in (200, 201, 207), answer.content
    assert Order.objects.filter(outlet__store=tenant.store).count() >= count


@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_at_once_never_share_a_row(tenant, order_body):
    orders(tenant, order_body, 150)
    SyncActivity.objects.update(due_at=timezone.now())
    claimed: list[list[int]] = []
    start = threading.Barrier(2)

    def claim() -> None:
        start.wait()
        try:
            claimed.append([a.pk for a in activities_claim(store_id=tenant.store.pk, now=timezone.now())])
        finally:
            db_connection.close()

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(len(ids) for ids in claimed) == [50, 100]
    assert set(claimed[0]).isdisjoint(claimed[1])
    assert SyncActivity.objects.filter(status="running", attempts=1).count() == 150


@pytest.mark.django_db
def test_a_claim_takes_one_kind_oldest_due_first_and_leaves_held_rows(tenant, order_body):
    orders(tenant, order_body, 3)
    now = timezone.now()
    first, second, third = SyncActivity.objects.order_by("id")
    SyncActivity.objects.filter(pk=second.pk).update(due_at=now - timedelta(minutes=5))
    SyncActivity.objects.filter(pk=first.pk).update(due_at=now + timedelta(minutes=5))  # backing off

    claimed = activities_claim(store_id=tenant.store.pk, now=now)

    assert [a.pk for a in claimed] == [second.pk]
    assert claimed[0].started_at == now
    assert set(SyncActivity.objects.filter(status="pending").values_list("pk", flat=True)) == {
        first.pk,
        third.pk,
    }


@pytest.mark.django_db
def test_a_connection_never_has_more_pushers_than_lanes(tenant, connected):
    now = timezone.now()
    holders = [lane_take(connected.pk, 2, now) for _ in range(3)]

    assert holders[0] and holders[1] and holders[2] is None
    lane_give_back(holders[0])
    assert lane_take(connected.pk, 2, now) is not None
    # A lane its dead holder stopped renewing is taken after it expires.
    assert lane_take(connected.pk, 2, now + timedelta(minutes=3)) is not None


@pytest.mark.django_db
def test_the_dispatcher_enqueues_a_push_per_free_lane_only_where_rows_are_due(
    tenant, outsider, connected, order_body, monkeypatch, settings
):
    settings.ACCURATE_MAX_IN_FLIGHT = 3
    enqueued: list[int] = []
    monkeypatch.setattr("sync.tasks.push.delay", lambda connection_id: enqueued.append(connection_id))
    orders(tenant, order_body, 2)
    orders(outsider, order_body, 1)  # a store with no connection: nothing to enqueue for it
    now = timezone.now()

    # Sales without a shift are released at once (the default schedule: on shift close).
    assert dispatch.dispatch(now=now) == 3
    assert SyncActivity.objects.filter(store=tenant.store, due_at=now).count() == 2
    assert SyncActivity.objects.get(store=outsider.store).due_at is None
    held = lane_take(connected.pk, 3, now)

    assert dispatch.dispatch(now=now) == 2  # one lane is busy
    assert enqueued == [connected.pk] * 5
    lane_give_back(held or "")
    connected.status = "needs_reconnect"
    connected.save(update_fields=["status"])
    assert dispatch.dispatch(now=now) == 0


@pytest.mark.django_db
def test_a_row_a_dead_worker_left_running_is_due_again_and_looked_up_first(tenant, order_body):
    orders(tenant, order_body, 2)
    now = timezone.now()
    SyncActivity.objects.update(due_at=now)
    stuck = activities_claim(store_id=tenant.store.pk, now=now)
    assert len(stuck) == 2

    assert activities_requeue_stale(now=now + timedelta(seconds=30), timeout=timedelta(minutes=1)) == 0
    assert activities_requeue_stale(now=now + timedelta(minutes=2), timeout=timedelta(minutes=1)) == 2

    rows = list(SyncActivity.objects.values_list("status", "needs_lookup", "attempts"))
    assert rows == [("pending", True, 1)] * 2


@pytest.mark.django_db
def test_the_owner_gets_one_digest_for_many_failures_and_nothing_twice(tenant, outsider, order_body):
    User.objects.filter(pk=tenant.owner.pk).update(email="owner@kopi.example")
    User.objects.filter(pk=tenant.staff.pk).update(email="staff@kopi.example")
    orders(tenant, order_body, 3)
    now = timezone.now()
    SyncActivity.objects.filter(store=tenant.store).update(
        status="failed",
        status_reason="Item SKU-9 is not in Accurate.",
        completed_at=now - timedelta(minutes=1),
    )

    assert failure_digests_send(now=now) == 1
    assert failure_digests_send(now=now + timedelta(minutes=10)) == 0

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owner@kopi.example"]
    assert message.subject == "3 document(s) failed to sync to Accurate — Toko Kopi"
    assert "- Sale ORD-0 (JKT01): Item SKU-9 is not in Accurate." in message.body
    assert "Activity page: /apps/accurate/activity/?status=failed" in message.body
