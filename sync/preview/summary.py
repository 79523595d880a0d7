"""The outlet mapping page's preview in a summary mode: what the outlet's last day of sales would
have become, one summary per shift or for the day (a part per tax mode, numbered in the order their
first sale came), each followed by the refunds summary of its refunds given in its period, planned by
the engine's own `summary_plan` and `refund_summary_plan` (the functions `row_plans_for` calls for
summary rows) with the mapping as saved. Nothing is written: the summaries shown are unsaved rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, time, timedelta

from mapping.models import OutletMapping
from outlets.models import Order, Outlet, Refund, Store
from sync.engine.plans import RowPlan, refund_summary_plan, refunds_loaded, sales_loaded, summary_plan
from sync.mappers import Destination
from sync.mappers.order import TaxMode
from sync.models import SyncActivity
from sync.summaries import Period, period_of, within

Kind = SyncActivity.Kind


def last_day_plans(store: Store, outlet_id: int, destinations: Mapping[int, Destination]) -> list[RowPlan]:
    """The outlet's last local day of completed sales as the summaries its posting mode makes, each
    sales summary followed by its refunds summary when it has one; [] when the outlet posts one
    invoice per sale or has no sale yet."""
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
    day_sales = sales.filter(ordered_at__gte=midnight, ordered_at__lt=midnight + timedelta(days=1))
    parts = parts_of(
        [
            (period_of(order, mapping.posting_mode, outlet), order.pk)
            for order in day_sales.order_by("ordered_at", "number")
        ]
    )
    loaded = sales_loaded([pk for _, _, ids in parts for pk in ids])
    plans = []
    for period, part, ids in parts:
        summary = unsaved(store, outlet, Kind.ORDER_SUMMARY, period.pos_number(part), period)
        mine = [loaded[pk] for pk in ids if pk in loaded]
        plans.append(summary_plan(summary, mine, destinations))
        plans.extend(returns_plans(summary, mine, outlet, destinations))
    return plans


def parts_of(sales: Sequence[tuple[Period, int]]) -> list[tuple[Period, int, list[int]]]:
    """The parts the sales (period, id), in the order they came, would have made, as
    `sync.summaries.summary_open` makes them: a sale joins the latest part of its period it may join
    (`joinable`: a taxed sale one of its mode or of untaxed sales only, which takes its mode; an
    untaxed sale any), else opens the next. (period with its tax mode, part, sale ids), by period and part."""
    found: list[tuple[Period, list[int]]] = []
    for period, pk in sales:
        whole = replace(period, tax="")
        mine = [i for i, (p, _) in enumerate(found) if replace(p, tax="") == whole]
        target = next((i for i in reversed(mine) if _may_join(found[i][0].tax, period.tax)), None)
        if target is None:
            found.append((period, [pk]))
            continue
        joined, ids = found[target]
        ids.append(pk)
        if joined.tax == TaxMode.UNTAXED:
            found[target] = (replace(joined, tax=period.tax), ids)
    numbered: list[tuple[Period, int, list[int]]] = []
    counts: dict[Period, int] = {}
    for period, ids in found:
        whole = replace(period, tax="")
        counts[whole] = counts.get(whole, 0) + 1
        numbered.append((period, counts[whole], ids))
    return sorted(numbered, key=lambda item: (replace(item[0], tax=""), item[1]))


def _may_join(part_tax: str, sale_tax: str) -> bool:
    return sale_tax == TaxMode.UNTAXED or part_tax in (sale_tax, TaxMode.UNTAXED)


def returns_plans(
    summary: SyncActivity, sales: Sequence[Order], outlet: Outlet, destinations: Mapping[int, Destination]
) -> list[RowPlan]:
    """The refunds summary of the sales summary `summary`: its sales' refunds given at the outlet in
    its period; [] when there are none."""
    ids = Refund.objects.filter(order__in=[sale.pk for sale in sales], outlet=outlet).values_list(
        "pk", flat=True
    )
    mine = [refund for refund in refunds_loaded(list(ids)).values() if within(refund, summary, outlet)]
    if not mine:
        return []
    assert summary.period_date is not None
    # Against a sales summary not saved (no id): `against` only says it is a refunds summary.
    period = Period(
        summary.period_date, summary.period_shift_id or 0, against=-1, against_number=summary.pos_number
    )
    returns = unsaved(summary.store, outlet, Kind.REFUND_SUMMARY, period.pos_number(1), period)
    return [refund_summary_plan(returns, mine, summary.pos_number, destinations)]


def unsaved(store: Store, outlet: Outlet, kind: str, pos_number: str, period: Period) -> SyncActivity:
    """A summary row as the engine would write it, not saved."""
    return SyncActivity(
        store=store,
        outlet=outlet,
        kind=kind,
        pos_number=pos_number,
        period_date=period.day,
        period_shift_id=period.shift_id or None,
        period_tax=period.tax,
        status=SyncActivity.Status.PENDING,
    )
