"""The schedule releases held sales and transfers: on shift close, daily at the set hour in the
store's time zone, never for manual transfers; other kinds, other statuses and other stores untouched.

The store is in Asia/Jakarta (UTC+7): 23:00 local is 16:00 UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from mapping.models import SyncSettings
from outlets.models import Adjustment, Order, Outlet, Refund, Shift, Transfer
from sync.models import SyncActivity
from sync.outbox import activity_record
from sync.schedule import activities_release_due, latest_hour

pytestmark = pytest.mark.django_db

Kind = SyncActivity.Kind
Status = SyncActivity.Status


JAKARTA = ZoneInfo("Asia/Jakarta")


def wib(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of November 2026 on Jakarta's clock, as UTC (what the beat passes)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=JAKARTA).astimezone(UTC)


# --- documents and their outbox rows, built directly ---


def shift(outlet: Outlet, number: str, *, closed: bool) -> Shift:
    opened = wib(20, 8)
    return Shift.objects.create(
        outlet=outlet,
        number=number,
        payload={},
        payload_hash=number,
        cashier="Sari",
        opened_at=opened,
        closed_at=opened + timedelta(hours=8) if closed else None,
    )


def row(activity: SyncActivity, created: datetime | None) -> SyncActivity:
    if created is not None:
        SyncActivity.objects.filter(pk=activity.pk).update(created_at=created)
    return activity


def sale(
    outlet: Outlet, number: str, *, on: Shift | None = None, created: datetime | None = None
) -> SyncActivity:
    order = Order.objects.create(
        outlet=outlet, number=number, payload={}, payload_hash=number, shift=on, ordered_at=wib(20, 10)
    )
    return row(activity_record(kind=Kind.ORDER, outlet=outlet, document=order, number=number), created)


def void(sold: SyncActivity, *, created: datetime | None = None) -> SyncActivity:
    assert sold.order is not None and sold.outlet is not None
    return row(
        activity_record(
            kind=Kind.ORDER_VOID, outlet=sold.outlet, document=sold.order, number=sold.pos_number
        ),
        created,
    )


def refund(sold: SyncActivity, number: str, *, created: datetime | None = None) -> SyncActivity:
    assert sold.order is not None and sold.outlet is not None
    document = Refund.objects.create(
        outlet=sold.outlet,
        number=number,
        payload={},
        payload_hash=number,
        order=sold.order,
        refunded_at=wib(20, 11),
        total=Decimal("1000"),
    )
    return row(
        activity_record(kind=Kind.REFUND, outlet=sold.outlet, document=document, number=number), created
    )


def transfer(
    source: Outlet, destination: Outlet, number: str, kind: str, *, created: datetime
) -> SyncActivity:
    document, _ = Transfer.objects.get_or_create(
        outlet=source,
        number=number,
        defaults={"payload": {}, "payload_hash": number, "to_outlet": destination, "sent_at": wib(20, 9)},
    )
    outlet = source if kind == Kind.TRANSFER_OUT else destination
    return row(activity_record(kind=kind, outlet=outlet, document=document, number=number), created)


def adjustment(outlet: Outlet, number: str) -> SyncActivity:
    document = Adjustment.objects.create(
        outlet=outlet, number=number, payload={}, payload_hash=number, adjusted_at=wib(20, 9), reason="Rusak"
    )
    return activity_record(kind=Kind.ADJUSTMENT, outlet=outlet, document=document, number=number)


def settings_of(tenant, **values) -> SyncSettings:
    return SyncSettings.objects.create(store=tenant.store, **values)


def due_numbers(store) -> set[str]:
    return set(
        SyncActivity.objects.filter(store=store, status=Status.PENDING, due_at__isnull=False).values_list(
            "pos_number", flat=True
        )
    )


def held_numbers(store) -> set[str]:
    return set(
        SyncActivity.objects.filter(store=store, status=Status.PENDING, due_at__isnull=True).values_list(
            "pos_number", flat=True
        )
    )


# --- the hour ---


def test_the_latest_hour_is_todays_from_that_hour_on_and_yesterdays_before_it():
    assert wib(21, 0, 30) == datetime(2026, 11, 20, 17, 30, tzinfo=UTC)

    assert latest_hour(hour=23, zone=JAKARTA, now=wib(20, 22, 59)) == wib(19, 23)
    assert latest_hour(hour=23, zone=JAKARTA, now=wib(20, 23, 0)) == wib(20, 23)
    # 00:30 on the 21st in Jakarta is still the 20th in UTC.
    assert latest_hour(hour=23, zone=JAKARTA, now=wib(21, 0, 30)) == wib(20, 23)
    assert latest_hour(hour=0, zone=JAKARTA, now=wib(21, 0, 30)) == wib(21, 0)


# --- sales on shift close (the default) ---


def test_on_shift_close_an_order_goes_once_its_shift_is_closed_or_it_has_none(tenant):
    open_shift = shift(tenant.outlet, "S-OPEN", closed=False)
    closed_shift = shift(tenant.outlet, "S-CLOSED", closed=True)
    waiting = sale(tenant.outlet, "O-OPEN", on=open_shift)
    sale(tenant.outlet, "O-CLOSED", on=closed_shift)
    sale(tenant.outlet, "O-NOSHIFT")
    void(waiting)
    refund(waiting, "R-1")
    now = wib(20, 12)

    released = activities_release_due(store=tenant.store, now=now)

    assert released == 4
    assert due_numbers(tenant.store) == {"O-CLOSED", "O-NOSHIFT", "O-OPEN", "R-1"}
    assert set(SyncActivity.objects.filter(due_at=now).values_list("kind", "pos_number")) == {
        (Kind.ORDER, "O-CLOSED"),
        (Kind.ORDER, "O-NOSHIFT"),
        (Kind.ORDER_VOID, "O-OPEN"),
        (Kind.REFUND, "R-1"),
    }
    assert SyncActivity.objects.get(kind=Kind.ORDER, pos_number="O-OPEN").due_at is None


def test_a_second_call_releases_nothing_and_keeps_the_first_due_time(tenant):
    sale(tenant.outlet, "O-1", on=shift(tenant.outlet, "S-1", closed=True))
    first = wib(20, 12)
    activities_release_due(store=tenant.store, now=first)

    assert activities_release_due(store=tenant.store, now=first + timedelta(minutes=1)) == 0
    assert SyncActivity.objects.get(pos_number="O-1").due_at == first


def test_an_order_goes_with_the_next_call_after_its_shift_closes(tenant):
    open_shift = shift(tenant.outlet, "S-1", closed=False)
    sale(tenant.outlet, "O-1", on=open_shift)
    assert activities_release_due(store=tenant.store, now=wib(20, 12)) == 0

    Shift.objects.filter(pk=open_shift.pk).update(closed_at=wib(20, 16))

    assert activities_release_due(store=tenant.store, now=wib(20, 16, 1)) == 1
    assert SyncActivity.objects.get(pos_number="O-1").due_at == wib(20, 16, 1)


def test_the_release_leaves_rows_that_are_not_pending_and_held(tenant):
    closed = shift(tenant.outlet, "S-1", closed=True)
    failed = sale(tenant.outlet, "O-FAILED", on=closed)
    running = sale(tenant.outlet, "O-RUNNING", on=closed)
    backoff = sale(tenant.outlet, "O-BACKOFF", on=closed)
    SyncActivity.objects.filter(pk=failed.pk).update(status=Status.FAILED)
    SyncActivity.objects.filter(pk=running.pk).update(status=Status.RUNNING)
    retry_at = wib(20, 12, 5)
    SyncActivity.objects.filter(pk=backoff.pk).update(due_at=retry_at)
    stock = adjustment(tenant.outlet, "A-1")
    arrived = SyncActivity.objects.get(pk=stock.pk).due_at

    assert activities_release_due(store=tenant.store, now=wib(20, 12)) == 0
    assert list(
        SyncActivity.objects.order_by("pos_number").values_list("pos_number", "status", "due_at")
    ) == [
        ("A-1", Status.PENDING, arrived),
        ("O-BACKOFF", Status.PENDING, retry_at),
        ("O-FAILED", Status.FAILED, None),
        ("O-RUNNING", Status.RUNNING, None),
    ]


# --- sales daily at the set hour ---


def test_daily_sales_go_at_2300_jakarta_time_not_at_2259(tenant):
    settings_of(tenant, sales_on_shift_close=False, sales_hour=23, transfers_auto=False)
    open_shift = shift(tenant.outlet, "S-1", closed=False)
    sale(tenant.outlet, "O-YESTERDAY-2200", created=wib(19, 22))
    sale(tenant.outlet, "O-YESTERDAY-2330", created=wib(19, 23, 30))
    sale(tenant.outlet, "O-TODAY-2230", on=open_shift, created=wib(20, 22, 30))
    sale(tenant.outlet, "O-TODAY-2300", created=wib(20, 23))

    assert activities_release_due(store=tenant.store, now=wib(20, 22, 59)) == 1
    assert due_numbers(tenant.store) == {"O-YESTERDAY-2200"}

    # The shift is still open: daily sales go whatever their shift.
    assert activities_release_due(store=tenant.store, now=wib(20, 23)) == 2
    assert due_numbers(tenant.store) == {"O-YESTERDAY-2200", "O-YESTERDAY-2330", "O-TODAY-2230"}
    assert held_numbers(tenant.store) == {"O-TODAY-2300"}


def test_daily_sales_after_local_midnight_use_the_day_before_in_the_store_zone(tenant):
    settings_of(tenant, sales_on_shift_close=False, sales_hour=23)
    sold = sale(tenant.outlet, "O-2230", created=wib(20, 22, 30))
    void(sold, created=wib(20, 22, 45))
    sale(tenant.outlet, "O-2330", created=wib(20, 23, 30))

    # 00:30 on the 21st in Jakarta, 17:30 on the 20th in UTC: the last 23:00 was the 20th's.
    assert activities_release_due(store=tenant.store, now=wib(21, 0, 30)) == 2
    assert set(SyncActivity.objects.filter(due_at=wib(21, 0, 30)).values_list("kind", "pos_number")) == {
        (Kind.ORDER, "O-2230"),
        (Kind.ORDER_VOID, "O-2230"),
    }
    assert held_numbers(tenant.store) == {"O-2330"}


def test_a_missed_hour_is_caught_up_by_a_later_call(tenant):
    settings_of(tenant, sales_on_shift_close=False, sales_hour=23)
    sale(tenant.outlet, "O-1", created=wib(20, 22))

    # No beat ran at 23:00; the first one after is at 01:10 the next night.
    assert activities_release_due(store=tenant.store, now=wib(21, 1, 10)) == 1


# --- transfers ---


def test_automatic_transfers_go_at_2200_jakarta_time_not_at_2159(tenant):
    settings_of(tenant, transfers_auto=True, transfers_hour=22)
    transfer(tenant.outlet, tenant.other_outlet, "T-1", Kind.TRANSFER_OUT, created=wib(20, 9))
    transfer(tenant.outlet, tenant.other_outlet, "T-1", Kind.TRANSFER_IN, created=wib(20, 15))
    transfer(tenant.outlet, tenant.other_outlet, "T-2", Kind.TRANSFER_OUT, created=wib(20, 22, 0))

    assert activities_release_due(store=tenant.store, now=wib(20, 21, 59)) == 0

    assert activities_release_due(store=tenant.store, now=wib(20, 22)) == 2
    assert set(SyncActivity.objects.filter(due_at=wib(20, 22)).values_list("kind", "pos_number")) == {
        (Kind.TRANSFER_OUT, "T-1"),
        (Kind.TRANSFER_IN, "T-1"),
    }
    assert held_numbers(tenant.store) == {"T-2"}


def test_manual_transfers_are_never_released_by_the_schedule(tenant):
    settings_of(tenant, transfers_auto=False, transfers_hour=22)
    transfer(tenant.outlet, tenant.other_outlet, "T-1", Kind.TRANSFER_OUT, created=wib(10, 9))

    for now in (wib(20, 22), wib(21, 23, 59), wib(28, 12)):
        assert activities_release_due(store=tenant.store, now=now) == 0
    assert held_numbers(tenant.store) == {"T-1"}


# --- stores ---


def test_releasing_one_store_leaves_the_other_store_held(tenant, outsider):
    settings_of(tenant, sales_on_shift_close=False, sales_hour=23)
    settings_of(outsider, sales_on_shift_close=False, sales_hour=23)
    sale(tenant.outlet, "O-1", created=wib(20, 10))
    sale(outsider.outlet, "O-1", created=wib(20, 10))
    transfer(outsider.outlet, outsider.other_outlet, "T-1", Kind.TRANSFER_OUT, created=wib(20, 9))

    assert activities_release_due(store=tenant.store, now=wib(20, 23)) == 1
    assert due_numbers(tenant.store) == {"O-1"}
    assert due_numbers(outsider.store) == set()
    assert held_numbers(outsider.store) == {"O-1", "T-1"}


def test_each_store_follows_its_own_settings(tenant, outsider):
    # The tenant sends sales on shift close; the outsider at 23:00.
    settings_of(outsider, sales_on_shift_close=False, sales_hour=23)
    sale(tenant.outlet, "O-T", created=wib(20, 10))
    sale(outsider.outlet, "O-O", created=wib(20, 10))

    assert activities_release_due(store=tenant.store, now=wib(20, 12)) == 1
    assert activities_release_due(store=outsider.store, now=wib(20, 12)) == 0
    assert held_numbers(outsider.store) == {"O-O"}
