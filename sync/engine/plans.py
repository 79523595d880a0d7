"""What each claimed row needs in Accurate: its planned documents, through the pure mappers.

One loader per kind reads the source documents of a batch with their relations in a few queries;
the mapper turns each into `Planned` documents. A row whose document cannot be mapped gets the
mapper's message (a permanent failure); a row that needs another document in Accurate first (a
refund its sale's invoice, a transfer in its transfer out) names that document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Prefetch, QuerySet

from outlets.models import (
    Adjustment,
    Deposit,
    Order,
    OrderLine,
    Payout,
    Refund,
    RefundLine,
    StockTake,
    Transfer,
)
from sync.mappers import (
    Destination,
    MappingProblem,
    Planned,
    SummaryPeriod,
    invoice_number,
    plan_adjustment,
    plan_deposit,
    plan_order,
    plan_order_summary,
    plan_order_void,
    plan_payout,
    plan_refund,
    plan_refund_payment,
    plan_refund_summary,
    plan_stock_take,
    plan_summary_void,
    plan_transfer_in,
    plan_transfer_out,
    transfer_out_number,
)
from sync.models import SyncActivity
from sync.outbox import SOURCE_FIELD

Kind = SyncActivity.Kind
DocumentKey = tuple[str, str]  # (module, number) of a document in Accurate


@dataclass
class RowPlan:
    """One claimed row and the documents it needs in Accurate."""

    activity: SyncActivity
    documents: list[Planned] = field(default_factory=list)
    problem: str = ""  # set: it cannot be mapped, and fails with this message
    problem_cause: str = ""  # SyncActivity.Cause of that failure
    needs: DocumentKey | None = None  # set: that document must be in Accurate first


def _orders(ids: Sequence[int]) -> QuerySet[Order]:
    return (
        Order.objects.filter(pk__in=ids)
        .select_related("outlet")
        .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.select_related("product")), "payments")
    )


def _with_lines(model: type[Model], ids: Sequence[int], *related: str) -> QuerySet[Model]:
    line_model = model._meta.get_field("lines").related_model
    assert line_model is not None and not isinstance(line_model, str)
    lines = Prefetch("lines", queryset=line_model._default_manager.select_related("product"))
    return (
        model._default_manager.filter(pk__in=ids).select_related("outlet", *related).prefetch_related(lines)
    )


Loader = Callable[[Sequence[int]], Mapping[int, Model]]

LOADERS: dict[str, Loader] = {
    Kind.ORDER: lambda ids: {o.pk: o for o in _orders(ids)},
    Kind.ORDER_VOID: lambda ids: {o.pk: o for o in _orders(ids)},
    Kind.REFUND: lambda ids: {r.pk: r for r in _with_lines(Refund, ids, "order__outlet")},
    Kind.TRANSFER_OUT: lambda ids: {t.pk: t for t in _with_lines(Transfer, ids, "to_outlet")},
    Kind.TRANSFER_IN: lambda ids: {t.pk: t for t in _with_lines(Transfer, ids, "to_outlet")},
    Kind.ADJUSTMENT: lambda ids: {a.pk: a for a in _with_lines(Adjustment, ids)},
    Kind.STOCK_TAKE: lambda ids: {s.pk: s for s in _with_lines(StockTake, ids)},
    Kind.DEPOSIT: lambda ids: {d.pk: d for d in Deposit.objects.filter(pk__in=ids).select_related("outlet")},
    Kind.PAYOUT: lambda ids: {p.pk: p for p in Payout.objects.filter(pk__in=ids).select_related("outlet")},
}


def not_active(code: str) -> str:
    return (
        f"Outlet {code} is not active in Accurate. Map and activate it in Apps → Accurate → Outlet "
        "mapping, then sync again."
    )


def _plan_one(
    plan: RowPlan, document: Model, destinations: Mapping[int, Destination], summaries: Mapping[int, str]
) -> None:
    """Fill `plan` for one row: its documents, or its problem, or what it waits for. `summaries`:
    the sales summary (its POS number) covering each sale of the batch's refunds or voids."""
    kind = plan.activity.kind
    outlet = document.outlet  # type: ignore[attr-defined]
    to = destinations.get(plan.activity.outlet_id or 0)
    if kind == Kind.TRANSFER_IN:
        assert isinstance(document, Transfer)
        source = destinations.get(document.outlet_id)
        if source is None or to is None:
            missing = document.outlet if source is None else document.to_outlet
            plan.problem = not_active(missing.code)
            return
        plan.documents = plan_transfer_in(document, source, to)
        plan.needs = ("item-transfer", transfer_out_number(document.outlet.code, document.number))
        return
    if to is None:
        plan.problem = not_active(outlet.code)
        return
    if kind == Kind.REFUND:
        assert isinstance(document, Refund)
        sale = document.order
        invoice = invoice_number(sale.outlet.code, summaries.get(sale.pk, sale.number))
        # The goods come back (the sales return), then the money goes out (after the return landed).
        plan.documents = [*plan_refund(document, to, invoice_no=invoice), *plan_refund_payment(document, to)]
        plan.needs = ("sales-invoice", invoice)
        return
    if kind == Kind.ORDER_VOID and document.pk in summaries:
        # Its summary was sent and is never changed: the sale comes back as a return against it.
        assert isinstance(document, Order)
        invoice = invoice_number(outlet.code, summaries[document.pk])
        plan.documents = plan_summary_void(document, to, invoice_no=invoice)
        plan.needs = ("sales-invoice", invoice)
        return
    plan.documents = PLANNERS[kind](document, to)


# The kinds whose document needs nothing else: one mapper call with the outlet's destination.
PLANNERS: dict[str, Callable[[Any, Destination], list[Planned]]] = {
    Kind.ORDER: plan_order,
    Kind.ORDER_VOID: plan_order_void,
    Kind.TRANSFER_OUT: plan_transfer_out,
    Kind.ADJUSTMENT: plan_adjustment,
    Kind.STOCK_TAKE: plan_stock_take,
    Kind.DEPOSIT: plan_deposit,
    Kind.PAYOUT: plan_payout,
}


def row_plans_for(
    activities: Sequence[SyncActivity], destinations: Mapping[int, Destination]
) -> list[RowPlan]:
    """The plans of a batch of rows of one kind."""
    if not activities:
        return []
    kind = activities[0].kind
    if kind == Kind.ORDER_SUMMARY:
        return summary_plans(activities, destinations)
    if kind == Kind.REFUND_SUMMARY:
        return refund_summary_plans(activities, destinations)
    source = SOURCE_FIELD[kind]
    documents = LOADERS[kind]([getattr(a, f"{source}_id") for a in activities])
    summaries = covering_summaries(kind, documents.values())
    plans = []
    for activity in activities:
        plan = RowPlan(activity)
        document = documents.get(getattr(activity, f"{source}_id"))
        try:
            if document is None:
                plan.problem = "The POS document of this sync no longer exists."
            else:
                _plan_one(plan, document, destinations, summaries)
        except MappingProblem as problem:
            plan.problem = str(problem)
            plan.problem_cause = SyncActivity.Cause.MISSING_ITEM if problem.product else ""
        plans.append(plan)
    return plans


# --- sales summaries (posting per shift or per day, sync.summaries) ---


def covering_summaries(kind: str, documents: Iterable[Model]) -> dict[int, str]:
    """Sale id → POS number of the sales summary covering it, for the sales of a batch of refunds or
    voids (one query; none for other kinds)."""
    if kind == Kind.REFUND:
        sales = [document.order_id for document in documents]  # type: ignore[attr-defined]
    elif kind == Kind.ORDER_VOID:
        sales = [document.pk for document in documents]
    else:
        return {}
    rows = SyncActivity.objects.filter(kind=Kind.ORDER, order_id__in=sales, summary__isnull=False)
    found = rows.exclude(status=SyncActivity.Status.CANCELLED).values_list("order_id", "summary__pos_number")
    return {order_id: number for order_id, number in found if order_id is not None}


def summary_plans(
    activities: Sequence[SyncActivity], destinations: Mapping[int, Destination]
) -> list[RowPlan]:
    """Each summary's invoice and receipts, from the sales it covers (their rows not cancelled)."""
    covered = (
        SyncActivity.objects.filter(summary_id__in=[a.pk for a in activities], kind=Kind.ORDER)
        .exclude(status=SyncActivity.Status.CANCELLED)
        .values_list("summary_id", "order_id")
    )
    members: dict[int, list[int]] = {}
    for summary_id, order_id in covered:
        if summary_id is not None and order_id is not None:
            members.setdefault(summary_id, []).append(order_id)
    by_id = sales_loaded([order_id for ids in members.values() for order_id in ids])
    return [
        summary_plan(activity, [by_id[i] for i in members.get(activity.pk, []) if i in by_id], destinations)
        for activity in activities
    ]


def refund_summary_plans(
    activities: Sequence[SyncActivity], destinations: Mapping[int, Destination]
) -> list[RowPlan]:
    """Each refunds summary's return and money out, from the refunds it covers (their rows not
    cancelled), against its sales summary's invoice."""
    covered = (
        SyncActivity.objects.filter(summary_id__in=[a.pk for a in activities], kind=Kind.REFUND)
        .exclude(status=SyncActivity.Status.CANCELLED)
        .values_list("summary_id", "refund_id")
    )
    members: dict[int, list[int]] = {}
    for summary_id, refund_id in covered:
        if summary_id is not None and refund_id is not None:
            members.setdefault(summary_id, []).append(refund_id)
    refunds = refunds_loaded([refund_id for ids in members.values() for refund_id in ids])
    against = dict(
        SyncActivity.objects.filter(pk__in=[a.against_id for a in activities]).values_list("pk", "pos_number")
    )
    return [
        refund_summary_plan(
            activity,
            [refunds[i] for i in members.get(activity.pk, []) if i in refunds],
            against.get(activity.against_id or 0, ""),
            destinations,
        )
        for activity in activities
    ]


def refunds_loaded(refund_ids: Sequence[int]) -> dict[int, Refund]:
    """These refunds, with what a refunds summary's mapper reads."""
    lines = Prefetch("lines", queryset=RefundLine.objects.select_related("product"))
    refunds = Refund.objects.filter(pk__in=refund_ids).select_related("outlet", "order__outlet")
    return {refund.pk: refund for refund in refunds.prefetch_related(lines)}


def refund_summary_plan(
    activity: SyncActivity,
    refunds: Sequence[Refund],
    against_number: str,
    destinations: Mapping[int, Destination],
) -> RowPlan:
    """One refunds summary row's plan from its refunds, against the invoice of the sales summary
    numbered `against_number` (the engine's, or the preview's "last day")."""
    # Always in the same order: the payload, hence its hash, is the same at every try.
    mine = sorted(refunds, key=lambda refund: (refund.refunded_at, refund.number))

    def documents(to: Destination, period: SummaryPeriod) -> tuple[list[Planned], DocumentKey]:
        invoice = invoice_number(to.outlet_code, against_number)
        return plan_refund_summary(period, mine, to, invoice_no=invoice), ("sales-invoice", invoice)

    return _summary_row_plan(
        activity, destinations, bool(mine), "This refunds summary covers no refund any more.", documents
    )


def sales_loaded(order_ids: Sequence[int]) -> dict[int, Order]:
    """The completed sales among `order_ids`, with what a summary's mapper reads."""
    return {order.pk: order for order in _orders(order_ids).filter(status=Order.Status.COMPLETED)}


def summary_plan(
    activity: SyncActivity, sales: Sequence[Order], destinations: Mapping[int, Destination]
) -> RowPlan:
    """One summary row's plan from its sales (the engine's, or the preview's "last day")."""
    # Always in the same order: the payload, hence its hash, is the same at every try.
    ordered = sorted(sales, key=lambda order: (order.ordered_at, order.number))

    def documents(to: Destination, period: SummaryPeriod) -> tuple[list[Planned], DocumentKey | None]:
        return plan_order_summary(period, ordered, to), None

    return _summary_row_plan(
        activity, destinations, bool(ordered), "This sales summary covers no sale any more.", documents
    )


def _summary_row_plan(
    activity: SyncActivity,
    destinations: Mapping[int, Destination],
    covers: bool,
    empty: str,
    documents: Callable[[Destination, SummaryPeriod], tuple[list[Planned], DocumentKey | None]],
) -> RowPlan:
    """A summary row's plan: its documents (and the one it needs first) for its outlet and period,
    or the problem that keeps it from Accurate (an inactive outlet, nothing covered, a mapping)."""
    plan = RowPlan(activity)
    to = destinations.get(activity.outlet_id or 0)
    try:
        if to is None:
            plan.problem = not_active(activity.outlet.code if activity.outlet else "")
        elif not covers:
            plan.problem = empty
        else:
            assert activity.period_date is not None
            plan.documents, plan.needs = documents(
                to, SummaryPeriod(activity.pos_number, activity.period_date)
            )
    except MappingProblem as problem:
        plan.problem = str(problem)
        plan.problem_cause = SyncActivity.Cause.MISSING_ITEM if problem.product else ""
    return plan
