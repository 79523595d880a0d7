"""What each claimed row needs in Accurate: its planned documents, through the pure mappers.

One loader per kind reads the source documents of a batch with their relations in a few queries;
the mapper turns each into `Planned` documents. A row whose document cannot be mapped gets the
mapper's message (a permanent failure); a row that needs another document in Accurate first (a
refund its sale's invoice, a transfer in its transfer out) names that document.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Prefetch, QuerySet

from outlets.models import Adjustment, Deposit, Order, OrderLine, Payout, Refund, StockTake, Transfer
from sync.mappers import (
    Destination,
    MappingProblem,
    Planned,
    invoice_number,
    plan_adjustment,
    plan_deposit,
    plan_order,
    plan_order_void,
    plan_payout,
    plan_refund,
    plan_refund_payment,
    plan_stock_take,
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


def _plan_one(plan: RowPlan, document: Model, destinations: Mapping[int, Destination]) -> None:
    """Fill `plan` for one row: its documents, or its problem, or what it waits for."""
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
        # The goods come back (the sales return), then the money goes out (after the return landed).
        plan.documents = [*plan_refund(document, to), *plan_refund_payment(document, to)]
        plan.needs = ("sales-invoice", invoice_number(document.order.outlet.code, document.order.number))
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
    source = SOURCE_FIELD[kind]
    documents = LOADERS[kind]([getattr(a, f"{source}_id") for a in activities])
    plans = []
    for activity in activities:
        plan = RowPlan(activity)
        document = documents.get(getattr(activity, f"{source}_id"))
        try:
            if document is None:
                plan.problem = "The POS document of this sync no longer exists."
            else:
                _plan_one(plan, document, destinations)
        except MappingProblem as problem:
            plan.problem = str(problem)
            plan.problem_cause = SyncActivity.Cause.MISSING_ITEM if problem.product else ""
        plans.append(plan)
    return plans
