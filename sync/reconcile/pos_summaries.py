"""The POS side of an outlet's day in a summary mode: the summaries of the day, as the documents they
became, instead of the sales and refunds they cover.

A summary belongs to its period's day (`period_date`: the local day, or of a shift the day of its
first sale), as its `transDate` does. Its invoice's POS figure is the sum of the totals of the sales
it covers (their rows not cancelled: a sale voided after it was sent is still in it), its receipts
those sales' payments summed per method; a refunds summary's return is the sum of its refunds, and
its money paid back (`…-RET-CASH`) those refunds summed per refund method. A sale voided after its
summary was sent comes back on the day of the void as a return (`…-VOID`) and its money paid back
per payment method (`…-VOID-CASH`), as the mapper splits it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from outlets.models import Order, Outlet, Refund
from sync.mappers import numbers
from sync.mappers.receipts import paid_by_method
from sync.mappers.summary_refund import paid_back_by_method
from sync.mappers.summary_void import void_goods, void_paid_back
from sync.mappers.types import OTHER_PAYMENT, SALES_INVOICE, SALES_RECEIPT, SALES_RETURN
from sync.models import SyncActivity

from . import figures
from .figures import Doc

Kind = SyncActivity.Kind
Status = SyncActivity.Status
ZERO = Decimal(0)


def covered_ids(kind: str, source: str, ids: Iterable[int]) -> set[int]:
    """Which of these sales (refunds) a summary covers: the summary's documents stand for them."""
    rows = SyncActivity.objects.filter(kind=kind, summary__isnull=False, **{f"{source}_id__in": list(ids)})
    return set(rows.exclude(status=Status.CANCELLED).values_list(f"{source}_id", flat=True))


def _members(summaries: list[SyncActivity], kind: str, source: str) -> dict[int, list[int]]:
    rows = SyncActivity.objects.filter(summary__in=summaries, kind=kind).exclude(status=Status.CANCELLED)
    members: dict[int, list[int]] = {}
    for summary_id, member in rows.values_list("summary_id", f"{source}_id"):
        members.setdefault(summary_id, []).append(member)
    return members


def summary_docs(outlet: Outlet, day: date) -> list[tuple[Doc, str]]:
    """The day's sales summaries (invoice and receipts) and refunds summaries (a return each), each
    with its summary row's status."""
    rows = SyncActivity.objects.filter(outlet=outlet, period_date=day).exclude(status=Status.CANCELLED)
    sales_summaries = list(rows.filter(kind=Kind.ORDER_SUMMARY).order_by("pos_number"))
    refund_summaries = list(rows.filter(kind=Kind.REFUND_SUMMARY).order_by("pos_number"))
    sales = _members(sales_summaries, Kind.ORDER, "order")
    orders = Order.objects.filter(pk__in=[i for ids in sales.values() for i in ids]).prefetch_related(
        "payments"
    )
    by_id = {order.pk: order for order in orders}
    found: list[tuple[Doc, str]] = []
    for summary in sales_summaries:
        mine = [by_id[i] for i in sales.get(summary.pk, []) if i in by_id]
        if not mine:
            continue
        row = summary.status
        invoice = numbers.invoice_number(outlet.code, summary.pos_number)
        total = sum((order.total for order in mine), ZERO)
        found.append((_doc(SALES_INVOICE, invoice, figures.SALE, summary, amount=total), row))
        for method, amount in paid_by_method(*mine).items():
            number = numbers.receipt_number(outlet.code, summary.pos_number, method)
            receipt = _doc(SALES_RECEIPT, number, figures.RECEIPT, summary, amount=amount, method=method)
            found.append((receipt, row))
    return [*found, *refund_summary_docs(outlet, refund_summaries)]


def refund_summary_docs(outlet: Outlet, summaries: list[SyncActivity]) -> list[tuple[Doc, str]]:
    """Each refunds summary's return (the sum of its refunds) and its money paid back per refund
    method (`…-RET-CASH`, as summary_refund.py plans them)."""
    members = _members(summaries, Kind.REFUND, "refund")
    by_id = Refund.objects.in_bulk([i for ids in members.values() for i in ids])
    found: list[tuple[Doc, str]] = []
    for summary in summaries:
        mine = [by_id[i] for i in members.get(summary.pk, []) if i in by_id]
        if not mine:
            continue
        number = numbers.invoice_number(outlet.code, summary.pos_number)
        total = sum((refund.total for refund in mine), ZERO)
        found.append((_doc(SALES_RETURN, number, figures.RETURN, summary, amount=total), summary.status))
        for method, amount in paid_back_by_method(mine).items():
            paid_back = numbers.receipt_number(outlet.code, summary.pos_number, method)
            doc = _doc(OTHER_PAYMENT, paid_back, figures.MONEY_OUT, summary, amount=amount, method=method)
            found.append((doc, summary.status))
    return found


def void_returns(outlet: Outlet, start: datetime, end: datetime) -> list[tuple[Doc, str]]:
    """Sales voided that day after their summary was sent: the return each became, and its money
    paid back per payment method of the sale."""
    voids = SyncActivity.objects.filter(
        kind=Kind.ORDER_VOID, outlet=outlet, order__voided_at__gte=start, order__voided_at__lt=end
    ).exclude(status=Status.CANCELLED)
    sent = voids.filter(order__syncactivity__kind=Kind.ORDER, order__syncactivity__summary__isnull=False)
    found = []
    for row in sent.select_related("order").prefetch_related("order__payments").distinct().order_by("id"):
        order = row.order
        assert order is not None
        found += [(doc, row.status) for doc in void_docs(outlet, order, row.pk)]
    return found


def void_docs(outlet: Outlet, order: Order, activity_id: int) -> list[Doc]:
    """A voided sale's return of its goods (`…-VOID`) and its money paid back (`…-VOID-CASH`)."""
    returned = numbers.void_return_number(outlet.code, order.number)
    found = [(SALES_RETURN, returned, figures.RETURN, "", void_goods(order))]
    for method, amount in void_paid_back(order).items():
        paid_back = numbers.void_payment_number(outlet.code, order.number, method)
        found.append((OTHER_PAYMENT, paid_back, figures.MONEY_OUT, method, amount))
    return [
        Doc(module, number, role, method, amount, pos_number=order.number, activity_id=activity_id)
        for module, number, role, method, amount in found
    ]


def _doc(
    module: str, number: str, role: str, summary: SyncActivity, *, amount: Decimal, method: str = ""
) -> Doc:
    return Doc(
        module=module,
        number=number,
        role=role,
        method=method,
        amount=amount,
        pos_number=summary.pos_number,
        activity_id=summary.pk,
    )
