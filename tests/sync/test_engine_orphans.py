"""Rows a dead worker left Running come back within a lease, recorded as such, never twice.

A push task claims rows under its lane and a thread renews the lane while the task lives. These tests
play the dead worker by claiming rows under a lane and then not renewing it.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from sync.engine.claim import LeaseKeeper, activities_claim, lane_give_back, lane_take
from sync.engine.orphans import WORKER_STOPPED, activities_take_back
from sync.models import PushLease, SyncActivity, SyncAttempt
from tests.sync.engine_helpers import map_outlet

pytestmark = pytest.mark.embedded

TIMEOUT = timedelta(minutes=15)  # the running timeout: only for rows claimed without a lane name


def claimed_rows(tenant, order_body, connection, count=2):
    map_outlet(tenant.outlet)
    for n in range(count):
        tenant.api().post("/api/v1/outlets/JKT01/orders/", order_body(f"ORD-{n}"), format="json")
    now = timezone.now()
    SyncActivity.objects.update(due_at=now)
    holder = lane_take(connection.pk, 2, now)
    assert holder is not None
    rows = activities_claim(store_id=tenant.store.pk, now=now, holder=holder)
    assert len(rows) == count
    return holder, now


@pytest.mark.django_db
def test_rows_whose_lane_is_still_renewed_are_left_to_their_worker(tenant, order_body, connected, settings):
    settings.SYNC_LEASE_SECONDS = 30
    holder, now = claimed_rows(tenant, order_body, connected)

    assert activities_take_back(now=now + timedelta(seconds=29), timeout=TIMEOUT) == []
    assert set(SyncActivity.objects.values_list("status", "claimed_by")) == {("running", holder)}
    assert not SyncAttempt.objects.exists()


@pytest.mark.django_db
def test_rows_of_a_dead_worker_come_back_when_its_lane_runs_out_with_an_attempt_that_says_so(
    tenant, outsider, order_body, connected, settings
):
    settings.SYNC_LEASE_SECONDS = 30
    _holder, now = claimed_rows(tenant, order_body, connected)
    outsider.api().post("/api/v1/outlets/JKT01/orders/", order_body("OTHER"), format="json")
    later = now + timedelta(seconds=31)

    assert activities_take_back(now=later, timeout=TIMEOUT) == [tenant.store.pk]

    rows = SyncActivity.objects.filter(store=tenant.store).order_by("pos_number")
    assert list(rows.values_list("pos_number", "status", "needs_lookup", "attempts", "claimed_by")) == [
        ("ORD-0", "pending", True, 1, ""),
        ("ORD-1", "pending", True, 1, ""),
    ]
    assert set(rows.values_list("due_at", "status_reason")) == {(later, WORKER_STOPPED)}
    attempts = SyncAttempt.objects.order_by("activity__pos_number")
    assert list(attempts.values_list("activity__pos_number", "outcome", "message", "started_at")) == [
        ("ORD-0", "retry", WORKER_STOPPED, now),
        ("ORD-1", "retry", WORKER_STOPPED, now),
    ]
    assert set(attempts.values_list("duration_ms", flat=True)) == {31_000}
    assert SyncActivity.objects.get(store=outsider.store).status == "pending"  # untouched
    # Taken back once: a second look finds nothing, and records nothing.
    assert activities_take_back(now=later + timedelta(seconds=5), timeout=TIMEOUT) == []
    assert SyncAttempt.objects.count() == 2


@pytest.mark.django_db
def test_a_lane_given_back_with_rows_still_running_counts_as_dead(tenant, order_body, connected):
    holder, now = claimed_rows(tenant, order_body, connected)
    lane_give_back(holder)  # a task that crashed between claiming and recording

    assert activities_take_back(now=now, timeout=TIMEOUT) == [tenant.store.pk]
    assert set(SyncActivity.objects.values_list("status", flat=True)) == {"pending"}


@pytest.mark.django_db
def test_rows_claimed_without_a_lane_name_fall_back_to_the_running_timeout(tenant, order_body):
    for number in ("A", "B", "C"):
        tenant.api().post("/api/v1/outlets/JKT01/orders/", order_body(number), format="json")
    now = timezone.now()
    SyncActivity.objects.filter(pos_number="A").update(
        status="running", updated_at=now - timedelta(minutes=20)
    )
    SyncActivity.objects.filter(pos_number="B").update(
        status="running", updated_at=now - timedelta(minutes=5)
    )

    assert activities_take_back(now=now, timeout=TIMEOUT) == [tenant.store.pk]

    assert dict(SyncActivity.objects.values_list("pos_number", "status")) == {
        "A": "pending",
        "B": "running",
        "C": "pending",
    }
    assert list(SyncAttempt.objects.values_list("activity__pos_number", "message")) == [("A", WORKER_STOPPED)]


@pytest.mark.django_db
def test_the_store_filter_takes_back_only_that_stores_rows(tenant, outsider, order_body, connected):
    holder, now = claimed_rows(tenant, order_body, connected)
    lane_give_back(holder)

    assert activities_take_back(now=now, timeout=TIMEOUT, store_id=outsider.store.pk) == []
    assert set(SyncActivity.objects.values_list("status", flat=True)) == {"running"}


@pytest.mark.django_db(transaction=True)
def test_the_lease_keeper_renews_the_lane_while_the_task_runs_and_notices_when_it_is_lost(
    tenant, connected, settings
):
    settings.SYNC_LEASE_SECONDS = 1.5  # renewed every half second
    holder = lane_take(connected.pk, 1, timezone.now())
    assert holder is not None
    lease = PushLease.objects.get(holder=holder)

    with LeaseKeeper(holder) as keeper:
        time.sleep(1.2)
        renewed = PushLease.objects.get(pk=lease.pk).held_until
        assert renewed is not None and lease.held_until is not None and renewed > lease.held_until
        assert not keeper.lost.is_set()
        lane_give_back(holder)  # someone else's now: the keeper must notice
        assert keeper.lost.wait(timeout=3)

    assert PushLease.objects.get(pk=lease.pk).holder == ""


@pytest.mark.django_db
def test_a_batch_the_engine_itself_fails_on_backs_off_with_the_error_as_its_reason(
    tenant, order_body, connected, monkeypatch
):
    from sync.engine.run import connection_push

    map_outlet(tenant.outlet)
    for n in range(2):
        tenant.api().post("/api/v1/outlets/JKT01/orders/", order_body(f"ORD-{n}"), format="json")
    SyncActivity.objects.update(due_at=timezone.now())

    def broken(*args, **kwargs):
        raise TypeError("Object of type Decimal is not JSON serializable")

    monkeypatch.setattr("sync.engine.run.row_plans_for", broken)
    before = timezone.now()

    assert connection_push(connection_id=connected.pk, lanes=1).batches == 1

    reason = (
        "The sync stopped on an unexpected error (TypeError: Object of type Decimal is not JSON "
        "serializable); Accurate will be checked before sending again. If it keeps happening, contact "
        "support."
    )
    rows = SyncActivity.objects.order_by("pos_number")
    assert (
        list(rows.values_list("status", "status_reason", "needs_lookup", "attempts", "claimed_by"))
        == [("pending", reason, True, 1, "")] * 2
    )
    assert all(row.due_at is not None and row.due_at >= before + timedelta(seconds=30) for row in rows)
    assert list(SyncAttempt.objects.values_list("outcome", "message")) == [("retry", reason)] * 2
    assert PushLease.objects.get(connection=connected).holder == ""  # the lane was given back
