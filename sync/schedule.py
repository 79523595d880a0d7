"""When held outbox rows become due: the store's synchronization schedule, and "Sync now".

Sales and transfers are recorded Pending with no `due_at` (held). The beat calls
`activities_release_due` every minute; "Sync now" calls `activities_release`. Both only set `due_at`,
with conditional set-based updates (still Pending, still held), so two beats, a beat and a button, or
a worker claiming rows at the same moment never disturb each other. The engine then claims due rows.

The daily rules are stateless: a row is due once it was created before the latest occurrence of the
set hour, so a missed beat is caught up by the next one and a second run finds nothing left to do.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from mapping.models import SyncSettings
from mapping.selectors import sync_settings_for
from outlets.models import Order, Outlet, Shift, Store

from .models import SyncActivity
from .selectors import TRANSFER_KINDS, outlets_ready_q
from .summaries import SUMMARY_KINDS, summaries_follow_mode

Kind = SyncActivity.Kind
Status = SyncActivity.Status


def latest_hour(*, hour: int, zone: ZoneInfo, now: datetime) -> datetime:
    """The most recent moment the local clock of `zone` showed `hour`:00, at or before `now`."""
    local = now.astimezone(zone)
    today = datetime.combine(local.date(), time(hour), tzinfo=zone)
    if local >= today:
        return today
    return datetime.combine(local.date() - timedelta(days=1), time(hour), tzinfo=zone)


def held(store: Store) -> QuerySet[SyncActivity]:
    """The store's Pending rows waiting for their schedule. Every release filters on this, in the
    UPDATE itself, so a row claimed or released meanwhile is left alone. Rows an undo took out of
    Accurate wait for Backfill instead."""
    rows = SyncActivity.objects.filter(store=store, status=Status.PENDING, due_at__isnull=True)
    return rows.filter(undone=False)


def release(rows: QuerySet[SyncActivity], now: datetime) -> int:
    return rows.update(due_at=now, updated_at=now)


# Rows of sales that go one by one (a sale in a sales summary goes with it, not alone).
PER_SALE_KINDS = (Kind.ORDER, Kind.ORDER_VOID, Kind.REFUND)


def summaries_release(*, store: Store, over_by: datetime, now: datetime) -> int:
    """Make due the store's held sales summaries whose period was over by `over_by`: the shift
    closed by then, or the outlet's local day ended (each outlet on its own clock)."""
    rows = held(store).filter(kind__in=SUMMARY_KINDS)  # a refunds summary: its sales summary's period
    shift_over = Shift.objects.filter(pk=OuterRef("period_shift_id"), closed_at__lte=over_by)
    released = release(rows.filter(Exists(shift_over)), now)
    zones: dict[str, list[int]] = {}
    for outlet in Outlet.objects.filter(store=store).select_related("store"):
        zones.setdefault(outlet.zone.key, []).append(outlet.pk)
    for zone, outlet_ids in zones.items():
        today = over_by.astimezone(ZoneInfo(zone)).date()
        days_over = rows.filter(period_shift__isnull=True, outlet_id__in=outlet_ids, period_date__lt=today)
        released += release(days_over, now)
    return released


def sales_release_due(*, store: Store, settings: SyncSettings, now: datetime) -> int:
    # Sales not yet posted follow their outlet's posting mode as it is now (switched meanwhile?).
    summaries_follow_mode(outlet_ids=Outlet.objects.filter(store=store).values_list("pk", flat=True))
    if not settings.sales_on_shift_close:
        cutoff = latest_hour(hour=settings.sales_hour, zone=ZoneInfo(store.time_zone), now=now)
        alone = held(store).filter(kind__in=PER_SALE_KINDS, summary__isnull=True, created_at__lt=cutoff)
        # A summary goes at the sales hour once its period is over: a day's, at the hour the next day.
        return release(alone, now) + summaries_release(store=store, over_by=cutoff, now=now)
    # A void or a refund is due at once. If its sale is still held (shift open), the engine does not
    # claim it until the sale is in Accurate (sync/engine/claim.py), so no attempt is spent waiting.
    released = release(held(store).filter(kind__in=(Kind.ORDER_VOID, Kind.REFUND), summary__isnull=True), now)
    # Correlated on the row's own order, so the UPDATE touches one table and keeps its conditions.
    shift_done = Order.objects.filter(pk=OuterRef("order_id")).filter(
        Q(shift__isnull=True) | Q(shift__closed_at__isnull=False)
    )
    released += release(held(store).filter(Exists(shift_done), kind=Kind.ORDER, summary__isnull=True), now)
    # A summary: once its shift closed, or its outlet's local day ended.
    released += summaries_release(store=store, over_by=now, now=now)
    return released


def transfers_release_due(*, store: Store, settings: SyncSettings, now: datetime) -> int:
    if not settings.transfers_auto:
        return 0  # Only "Sync now" sends them.
    cutoff = latest_hour(hour=settings.transfers_hour, zone=ZoneInfo(store.time_zone), now=now)
    return release(held(store).filter(kind__in=TRANSFER_KINDS, created_at__lt=cutoff), now)


def activities_release_due(*, store: Store, now: datetime) -> int:
    """Make due the store's held rows that its schedule releases at `now`; returns how many.

    Sales (order, order_void, refund): when "on shift close", an order once its shift is closed (or it
    has no shift), voids and refunds at once; otherwise daily at the sales hour. Transfers: daily at
    the transfers hour when automatic, never otherwise. Hours are in the store's time zone.
    """
    settings = sync_settings_for(store)
    return sales_release_due(store=store, settings=settings, now=now) + transfers_release_due(
        store=store, settings=settings, now=now
    )


def activities_release(
    *, store: Store, kinds: Iterable[str], outlet: Outlet | None = None, now: datetime
) -> int:
    """ "Sync now": make due at `now` the store's Pending rows of `kinds` (of one outlet if given),
    whether held by the schedule or waiting out a retry backoff; returns how many.

    Only rows whose outlets are active in Accurate (a transfer received: both ends) are released and
    counted: the others could not go anyway, and stay held until their outlet is activated.
    The pushes are enqueued once the transaction commits, so a worker sees the released rows.
    """
    if outlet is not None and outlet.store_id != store.pk:
        raise ValueError("The outlet belongs to another store.")
    # Held sales follow their outlet's posting mode before anything goes (switched meanwhile?).
    outlets = Outlet.objects.filter(store=store) if outlet is None else Outlet.objects.filter(pk=outlet.pk)
    summaries_follow_mode(outlet_ids=outlets.values_list("pk", flat=True))
    rows = SyncActivity.objects.filter(store=store, status=Status.PENDING, kind__in=list(kinds)).filter(
        Q(due_at__isnull=True) | Q(due_at__gt=now)
    )
    rows = rows.filter(undone=False)  # an undo's rows wait for Backfill
    rows = rows.filter(outlets_ready_q())
    if outlet is not None:
        rows = rows.filter(outlet=outlet)
    # Counted as the page counts held rows: a summary's sales (refunds), not the summary. Only the
    # summary is made due: its sales go with it, never alone, and keep no due time of their own.
    counted = rows.exclude(kind__in=SUMMARY_KINDS).count()
    release(rows.filter(summary__isnull=True), now)
    # Imported here: a cycle, sync.dispatch imports this module at its top (`dispatch` releases
    # what is due first). Enqueued even when nothing was held: rows already due are pushed now too.
    from sync.dispatch import pushes_enqueue_for_store

    store_id = store.pk
    transaction.on_commit(lambda: pushes_enqueue_for_store(store_id))
    return counted
