"""The outlet mapping page's preview in a summary mode: what the outlet's last day of sales would
have become, one summary per shift or for the day, planned by the engine's own `summary_plan` (the
function `row_plans_for` calls for a summary row) with the mapping as saved. Nothing is written:
the summaries shown are unsaved rows."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timedelta

from mapping.models import OutletMapping
from outlets.models import Order, Outlet, Store
from sync.engine.plans import RowPlan, sales_loaded, summary_plan
from sync.mappers import Destination
from sync.models import SyncActivity
from sync.summaries import Period, period_of

Kind = SyncActivity.Kind


def last_day_plans(store: Store, outlet_id: int, destinations: Mapping[int, Destination]) -> list[RowPlan]:
    """The outlet's last local day of completed sales as the summaries its posting mode makes; []
    when it posts one invoice per sale or has no sale yet."""
    mapping = OutletMapping.objects.filter(outlet_id=outlet_id, outlet__store=store).first()
    if mapping is None or mapping.posting_mode == OutletMapping.PostingMode.PER_SALE:
        return []
    outlet = Outlet.objects.select_related("store").get(pk=outlet_id)
    sales = Order.objects.filter(outlet=outlet, status=Order.Status.COMPLETED).select_related("shift")
    latest = sales.order_by("-ordered_at").first()
    if latest is None:
        return []
    day = latest.ordered_at.astimezone(outlet.zone).date()
    midnight = datetime.combine(day, time(0), tzinfo=outlet.zone)
    periods: dict[Period, list[int]] = {}
    for order in sales.filter(ordered_at__gte=midnight, ordered_at__lt=midnight + timedelta(days=1)):
        periods.setdefault(period_of(order, mapping.posting_mode, outlet), []).append(order.pk)
    loaded = sales_loaded([pk for ids in periods.values() for pk in ids])
    plans = []
    for period, ids in sorted(periods.items()):
        unsaved = SyncActivity(
            store=store,
            outlet=outlet,
            kind=Kind.ORDER_SUMMARY,
            pos_number=period.pos_number(1),
            period_date=period.day,
            status=SyncActivity.Status.PENDING,
        )
        plans.append(summary_plan(unsaved, [loaded[pk] for pk in ids if pk in loaded], destinations))
    return plans
