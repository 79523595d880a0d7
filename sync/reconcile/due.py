"""Which outlet days the beat checks by itself, after each day's schedule.

Stateless, like the schedule: every run looks at the last LOOKBACK_DAYS local days of each active
outlet of each connected store and queues the ones never checked whose documents have all had their
chance to reach Accurate: the day is over at the outlet, the store's sales hour has passed since
(when sales go daily), and none of the day's documents is still Pending or Running. A day still waiting
FORCE_AFTER after it ended is checked anyway: what is held (transfers sent only by hand, a shift
never closed) then shows as missing, with its row's reason. A day checked by hand before it was over
is checked again once it is. Failed checks are tried again when their retry is due, and checks whose
task was lost are queued again. A missed beat is caught up by the next.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Case, DateTimeField, F, Q, When
from django.db.models.functions import Coalesce

from mapping.models import Connection, OutletMapping, SyncSettings
from mapping.selectors import sync_settings_for
from outlets.models import Outlet, Store
from sync.models import SyncActivity
from sync.reconcile.models import Reconciliation
from sync.schedule import latest_hour

from .services import STALE_AFTER, reconciliation_queue

LOOKBACK_DAYS = 7
# After the day ends, time for a POS that posts late (offline for a while) to catch up.
SETTLE = timedelta(minutes=30)
FORCE_AFTER = timedelta(days=2)
Kind = SyncActivity.Kind
# The kinds whose documents the reconciliation compares.
RECONCILED_KINDS = (
    Kind.ORDER,
    Kind.ORDER_VOID,
    Kind.REFUND,
    Kind.TRANSFER_OUT,
    Kind.TRANSFER_IN,
    Kind.ADJUSTMENT,
    Kind.STOCK_TAKE,
    Kind.DEPOSIT,
)


def day_end(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)


def released(day: date, outlet: Outlet, settings: SyncSettings, now: datetime) -> bool:
    """Whether the schedule has had its turn at the day's sales: the day is over at the outlet (and
    settled), and with daily sales the sales hour has come round since, on the store's clock.
    Documents the schedule still holds (a shift not closed, transfers before their hour) are Pending:
    `open_days` keeps those days waiting."""
    end = day_end(day, outlet.zone)
    if now < end + SETTLE:
        return False
    if settings.sales_on_shift_close:
        return True
    store_zone = ZoneInfo(outlet.store.time_zone)
    return latest_hour(hour=settings.sales_hour, zone=store_zone, now=now) >= end


def document_moment() -> Coalesce:
    """When a row's document happened (its local day is the day it belongs to)."""
    transfer = Case(
        When(kind=Kind.TRANSFER_IN, then=F("transfer__received_at")),
        default=F("transfer__sent_at"),
        output_field=DateTimeField(),
    )
    return Coalesce(
        "order__ordered_at",
        "refund__refunded_at",
        transfer,
        "adjustment__adjusted_at",
        "stock_take__counted_at",
        "deposit__received_at",
        output_field=DateTimeField(),
    )


def open_days(store: Store, outlets: dict[int, Outlet], since: datetime) -> set[tuple[int, date]]:
    """(outlet id, local day) of the documents still Pending or Running (held by the schedule too)."""
    rows = (
        SyncActivity.objects.filter(
            store=store,
            outlet_id__in=list(outlets),
            status__in=[SyncActivity.Status.PENDING, SyncActivity.Status.RUNNING],
            kind__in=RECONCILED_KINDS,
        )
        .annotate(moment=document_moment())
        .filter(moment__gte=since)
        .values_list("outlet_id", "moment")
        .distinct()
    )
    return {(outlet_id, moment.astimezone(outlets[outlet_id].zone).date()) for outlet_id, moment in rows}


def checked_days(store: Store, outlets: dict[int, Outlet], oldest: date) -> set[tuple[int, date]]:
    """(outlet id, day) of the checks there are, but those asked for before the day was over and
    settled (Check now pressed during the day): the beat checks those days again once they are."""
    found = Reconciliation.objects.filter(store=store, day__gte=oldest, outlet_id__in=list(outlets))
    return {
        (outlet_id, day)
        for outlet_id, day, status, asked in found.values_list("outlet_id", "day", "status", "requested_at")
        if status == Reconciliation.Status.CHECKING or asked >= day_end(day, outlets[outlet_id].zone) + SETTLE
    }


def days_due(store: Store, *, now: datetime) -> list[tuple[Outlet, date]]:
    """The store's (active outlet, local day) pairs to check now that have never been checked."""
    outlets = {
        mapping.outlet_id: mapping.outlet
        for mapping in OutletMapping.objects.filter(outlet__store=store, active=True).select_related(
            "outlet__store"
        )
    }
    if not outlets:
        return []
    todays = {pk: now.astimezone(outlet.zone).date() for pk, outlet in outlets.items()}
    oldest = min(todays.values()) - timedelta(days=LOOKBACK_DAYS)
    checked = checked_days(store, outlets, oldest)
    since = datetime.combine(oldest, time(0), tzinfo=ZoneInfo("UTC")) - timedelta(days=1)
    waiting = open_days(store, outlets, since)
    settings = sync_settings_for(store)
    due = []
    for pk, outlet in sorted(outlets.items(), key=lambda item: item[1].code):
        for back in range(LOOKBACK_DAYS, 0, -1):
            day = todays[pk] - timedelta(days=back)
            if (pk, day) in checked or not released(day, outlet, settings, now):
                continue
            if (pk, day) in waiting and now < day_end(day, outlet.zone) + FORCE_AFTER:
                continue
            due.append((outlet, day))
    return due


def checks_to_queue_again(store: Store, *, now: datetime) -> Iterable[Reconciliation]:
    """Failed checks whose retry is due, and checks whose task or worker was lost, of recent days."""
    oldest = now.date() - timedelta(days=LOOKBACK_DAYS + 1)
    stale = now - STALE_AFTER
    return Reconciliation.objects.filter(store=store, day__gte=oldest).filter(
        Q(status=Reconciliation.Status.FAILED, retry_at__lte=now)
        | Q(status=Reconciliation.Status.CHECKING, requested_at__lt=stale)
        & (Q(started_at__isnull=True) | Q(started_at__lt=stale))
    )


def reconciliations_queue_due(*, now: datetime) -> int:
    """Beat: queue every check due in every connected store. Returns how many were queued."""
    queued = 0
    connections = Connection.objects.filter(status=Connection.Status.CONNECTED, database_id__isnull=False)
    for connection in connections.select_related("store"):
        store = connection.store
        pairs = [(outlet.pk, day) for outlet, day in days_due(store, now=now)]
        pairs += [(row.outlet_id, row.day) for row in checks_to_queue_again(store, now=now)]
        for outlet_id, day in pairs:
            queued += (
                reconciliation_queue(store_id=store.pk, outlet_id=outlet_id, day=day, now=now) is not None
            )
    return queued
