"""Which outlet days the beat checks by itself: each outlet's day once it is over on its own clock and
the schedule has had its turn, nothing of it still waiting; failed checks again when their retry is
due, lost ones after a while; each queued once, its task enqueued with the id after commit."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from mapping.models import SyncSettings
from sync.models import SyncActivity
from sync.reconcile.due import days_due, reconciliations_queue_due
from sync.reconcile.models import Reconciliation
from tests.sync.activity_rows import order
from tests.sync.test_reconcile_page import enqueued as enqueued  # a fixture
from tests.sync.test_reconcile_page import ready as ready  # a fixture
from tests.sync.test_sync_health import activate, connect

JKT = ZoneInfo("Asia/Jakarta")
DAY = date(2026, 11, 20)


def wib(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=JKT)


def due_on(tenant: Any, now: datetime, day: date = DAY) -> set[str]:
    """The outlets whose `day` the beat would check at `now`."""
    return {outlet.code for outlet, due_day in days_due(tenant.store, now=now) if due_day == day}


def sale(tenant: Any, order_body: Any, number: str, at: str, *, status: str, outlet: str = "JKT01") -> None:
    row = order(tenant, order_body(number, ordered_at=at), outlet)
    SyncActivity.objects.filter(pk=row.pk).update(status=status)


def test_each_outlets_day_is_due_once_it_is_over_and_settled_on_its_own_clock(ready):
    # 00:40 in Jakarta is 01:40 in Denpasar: BALI1's 20th ended 100 minutes ago, JKT01's 40.
    assert due_on(ready, wib(21, 0, 20)) == {"BALI1"}
    assert due_on(ready, wib(21, 0, 40)) == {"BALI1", "JKT01"}
    assert due_on(ready, wib(20, 23, 0)) == set()


def test_the_last_week_is_looked_at_so_a_missed_beat_is_caught_up(ready):
    days = {day for outlet, day in days_due(ready.store, now=wib(21, 2)) if outlet.code == "JKT01"}

    assert days == {DAY - timedelta(days=n) for n in range(7)}


def test_a_day_with_a_document_still_waiting_is_checked_when_it_landed_or_two_days_later(ready, order_body):
    sale(ready, order_body, "ORD-1", "2026-11-20T10:15:00+07:00", status="pending")
    sale(ready, order_body, "ORD-2", "2026-11-19T10:15:00+07:00", status="success")

    assert due_on(ready, wib(21, 2)) == {"BALI1"}
    assert due_on(ready, wib(21, 2), date(2026, 11, 19)) == {"BALI1", "JKT01"}
    assert due_on(ready, wib(22, 23, 59)) == {"BALI1"}
    assert due_on(ready, wib(23, 0, 1)) == {"BALI1", "JKT01"}  # held this long: checked anyway
    SyncActivity.objects.filter(pos_number="ORD-1").update(status="success")
    assert due_on(ready, wib(21, 2)) == {"BALI1", "JKT01"}


def test_a_transfer_received_waits_on_the_receiving_outlets_day(ready):
    answer = ready.api().post(
        "/api/v1/outlets/JKT01/transfers/",
        {
            "number": "T-1",
            "to_outlet": "BALI1",
            "sent_at": "2026-11-19T08:00:00+07:00",
            "lines": [{"product": "P1", "quantity": "5"}],
        },
        format="json",
    )
    assert answer.status_code == 201, answer.content
    received = ready.api().post(
        "/api/v1/outlets/JKT01/transfers/T-1/receive/",
        {"received_at": "2026-11-20T10:00:00+08:00"},
        format="json",
    )
    assert received.status_code == 200, received.content
    SyncActivity.objects.filter(kind="transfer_out").update(status="success")

    assert due_on(ready, wib(21, 2)) == {"JKT01"}
    assert due_on(ready, wib(21, 2), date(2026, 11, 19)) == {"BALI1", "JKT01"}


def test_with_daily_sales_a_day_waits_for_the_sales_hour_after_it(ready):
    SyncSettings.objects.create(store=ready.store, sales_on_shift_close=False, sales_hour=23)

    # BALI1's 20th ended at 23:00 in Jakarta (midnight WITA), when that day's sales went: it is due.
    assert due_on(ready, wib(21, 22, 59)) == {"BALI1"}
    assert due_on(ready, wib(21, 23, 0)) == {"BALI1", "JKT01"}


def test_a_checked_day_is_left_alone_but_one_checked_before_it_was_over_is_checked_again(ready):
    for outlet, asked in ((ready.outlet, wib(21, 1)), (ready.other_outlet, wib(20, 15))):
        Reconciliation.objects.create(
            store=ready.store, outlet=outlet, day=DAY, status="matched", requested_at=asked
        )

    assert due_on(ready, wib(21, 2)) == {"BALI1"}


def test_the_beat_queues_each_due_day_once_and_enqueues_its_id_after_commit(
    ready, enqueued, django_capture_on_commit_callbacks
):
    now = wib(21, 2)
    with django_capture_on_commit_callbacks(execute=True):
        queued = reconciliations_queue_due(now=now)
    with django_capture_on_commit_callbacks(execute=True):
        again = reconciliations_queue_due(now=now)

    rows = Reconciliation.objects.order_by("id")
    assert (queued, again) == (14, 0)
    assert enqueued == list(rows.values_list("id", flat=True))
    assert set(rows.values_list("status", flat=True)) == {"checking"}
    assert all(row.requested_by_id is None for row in rows)


def test_failed_checks_go_again_when_their_retry_is_due_and_lost_ones_after_a_while(
    ready, enqueued, django_capture_on_commit_callbacks
):
    now, yesterday = wib(21, 12), DAY
    base = {"store": ready.store, "day": yesterday}
    retry = Reconciliation.objects.create(
        outlet=ready.outlet,
        status="failed",
        requested_at=now - timedelta(hours=1),
        retry_at=now - timedelta(minutes=1),
        **base,
    )
    lost = Reconciliation.objects.create(
        outlet=ready.other_outlet, status="checking", requested_at=now - timedelta(minutes=20), **base
    )
    later = Reconciliation.objects.create(
        outlet=ready.outlet,
        day=yesterday - timedelta(days=1),
        store=ready.store,
        status="failed",
        requested_at=now - timedelta(hours=1),
        retry_at=now + timedelta(minutes=5),
    )

    with django_capture_on_commit_callbacks(execute=True):
        reconciliations_queue_due(now=now)

    assert retry.pk in enqueued and lost.pk in enqueued and later.pk not in enqueued
    retry.refresh_from_db()
    assert (retry.status, retry.retry_at, retry.requested_at) == ("checking", None, now)


def test_a_store_not_connected_is_not_checked(tenant, enqueued):
    connect(tenant, status="needs_reconnect")
    activate(tenant.outlet)

    assert reconciliations_queue_due(now=timezone.now()) == 0
    assert enqueued == []
