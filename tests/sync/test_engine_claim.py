"""Claiming, lanes, the dispatcher and the failure digest (dead workers' rows: test_engine_orphans)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.db import connection as db_connection
from django.db.models import Count
from django.utils import timezone

from mapping.models import OutletMapping
from outlets.models import Order
from sync import dispatch
from sync.digest import failure_digests_send
from sync.engine.claim import activities_claim, lane_give_back, lane_take
from sync.models import SyncActivity, SyncAttempt
from tests.sync.engine_helpers import map_outlet


def orders(tenant, order_body, count, *, prefix="ORD"):
    batch = {"orders": [order_body(f"{prefix}-{n}") for n in range(count)]}
    answer = tenant.api().post("/api/v1/outlets/JKT01/orders/batch/", batch, format="json")
    assert answer.status_code in (200, 201, 207), answer.content
    assert Order.objects.filter(outlet__store=tenant.store).count() >= count


@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_at_once_never_share_a_row(tenant, order_body):
    map_outlet(tenant.outlet)
    orders(tenant, order_body, 150)
    SyncActivity.objects.update(due_at=timezone.now())
    claimed: list[list[int]] = []
    start = threading.Barrier(2)

    def claim() -> None:
        start.wait()
        try:
            rows = activities_claim(
                store_id=tenant.store.pk, now=timezone.now(), holder=threading.current_thread().name
            )
            claimed.append([a.pk for a in rows])
        finally:
            db_connection.close()

    threads = [threading.Thread(target=claim, name=f"lane-{n}") for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(len(ids) for ids in claimed) == [50, 100]
    assert set(claimed[0]).isdisjoint(claimed[1])
    assert SyncActivity.objects.filter(status="running", attempts=1).count() == 150
    by_lane = dict(SyncActivity.objects.values_list("claimed_by").annotate(n=Count("id")))
    assert sorted(by_lane.values()) == [50, 100] and set(by_lane) == {"lane-0", "lane-1"}


@pytest.mark.django_db
def test_a_claim_takes_one_kind_oldest_due_first_and_leaves_held_rows(tenant, order_body):
    map_outlet(tenant.outlet)
    orders(tenant, order_body, 3)
    now = timezone.now()
    first, second, third = SyncActivity.objects.order_by("id")
    SyncActivity.objects.filter(pk=second.pk).update(due_at=now - timedelta(minutes=5))
    SyncActivity.objects.filter(pk=first.pk).update(due_at=now + timedelta(minutes=5))  # backing off

    claimed = activities_claim(store_id=tenant.store.pk, now=now, holder="lane-a")

    assert [a.pk for a in claimed] == [second.pk]
    assert (claimed[0].started_at, claimed[0].claimed_by, claimed[0].attempts) == (now, "lane-a", 1)
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
    map_outlet(tenant.outlet)
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
def test_rows_of_an_outlet_not_active_in_accurate_wait_unclaimed_until_it_is_activated(tenant, order_body):
    orders(tenant, order_body, 2)
    now = timezone.now()
    SyncActivity.objects.update(due_at=now)

    assert activities_claim(store_id=tenant.store.pk, now=now, holder="lane-a") == []
    mapping = map_outlet(tenant.outlet)
    OutletMapping.objects.filter(pk=mapping.pk).update(active=False)  # mapped, not activated
    assert activities_claim(store_id=tenant.store.pk, now=now, holder="lane-a") == []
    assert list(SyncActivity.objects.values_list("status", "attempts")) == [("pending", 0)] * 2
    assert not SyncAttempt.objects.exists()

    OutletMapping.objects.filter(pk=mapping.pk).update(active=True)
    claimed = activities_claim(store_id=tenant.store.pk, now=now, holder="lane-a")

    assert len(claimed) == 2
    assert [(a.status, a.attempts) for a in claimed] == [("running", 1)] * 2


@pytest.mark.django_db
def test_a_transfer_received_waits_for_both_outlets_to_be_active(tenant):
    from tests.sync.engine_helpers import post

    body = {
        "number": "TR-1",
        "to_outlet": "BALI1",
        "sent_at": "2026-11-20T09:00:00+07:00",
        "received_at": "2026-11-21T09:00:00+08:00",
        "lines": [{"product": "P1", "quantity": "2"}],
    }
    post(tenant, "transfers/", body)
    now = timezone.now()
    SyncActivity.objects.update(due_at=now)
    SyncActivity.objects.filter(kind="transfer_out").update(status="success")  # the prerequisite landed
    map_outlet(tenant.other_outlet, branch="Cabang Bali", warehouse="Gudang Bali")  # the receiver only

    assert activities_claim(store_id=tenant.store.pk, now=now, holder="lane-a") == []
    map_outlet(tenant.outlet)
    assert [a.kind for a in activities_claim(store_id=tenant.store.pk, now=now, holder="lane-a")] == [
        "transfer_in"
    ]


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


@pytest.mark.django_db
def test_the_digest_counts_the_documents_waiting_on_a_failure(tenant):
    from tests.sync.test_schedule import refund, sale

    User.objects.filter(pk=tenant.owner.pk).update(email="owner@kopi.example")
    now = timezone.now()
    sold = sale(tenant.outlet, "O-1")
    SyncActivity.objects.filter(pk=sold.pk).update(
        status="failed", status_reason="Map payment method QRIS.", completed_at=now - timedelta(minutes=1)
    )
    refund(sold, "R-1")

    assert failure_digests_send(now=now) == 1

    message = mail.outbox[0]
    assert message.subject == "2 document(s) failed to sync to Accurate — Toko Kopi"
    assert message.body.splitlines()[3:5] == [
        "- Sale O-1 (JKT01): Map payment method QRIS.",
        "- Refund R-1 (JKT01): waits for its sale, which failed; it goes by itself once the sale is in "
        "Accurate.",
    ]
