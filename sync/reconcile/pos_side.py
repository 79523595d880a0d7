"""The POS side of one outlet's local day: the Accurate documents its POS documents should have become.

Numbers come from the mappers' own functions (sync/mappers/numbers.py), so they are the numbers the
sync sends. A day is the outlet's local day, as each document's transDate is. Sales and refunds a
summary covers (posting per shift or per day) are expected as their summaries' documents instead
(`pos_summaries.py`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from outlets.models import Adjustment, Deposit, Order, Outlet, Product, Refund, StockTake, Transfer
from sync.mappers import numbers
from sync.mappers.receipts import paid_by_method
from sync.mappers.types import (
    ITEM_ADJUSTMENT,
    ITEM_TRANSFER,
    OTHER_DEPOSIT,
    OTHER_PAYMENT,
    SALES_INVOICE,
    SALES_RECEIPT,
    SALES_RETURN,
)
from sync.models import SyncActivity

from . import figures
from .figures import Doc, Key, moved
from .pos_summaries import covered_ids, summary_docs, void_returns

Kind = SyncActivity.Kind
# Rows whose documents are in Accurate (a difference of total is still "in Accurate").
LANDED = (SyncActivity.Status.SUCCESS, SyncActivity.Status.DIFFERENCE)


@dataclass(frozen=True)
class PosDay:
    expected: list[Doc]
    # Documents of sales voided at the POS that day: not expected in Accurate. (module, number) → POS no.
    voided: dict[Key, str]
    unsynced: int  # expected documents whose row has not landed in Accurate


@dataclass(frozen=True)
class Row:
    id: int
    status: str


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The outlet's local day as [start, end): a sale at 00:30 WITA belongs to that day."""
    start = datetime.combine(day, time(0), tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)


def item_code(product: Product) -> str:
    # The mappers send the trimmed SKU; a product without one never reaches Accurate.
    return product.sku.strip() or f"POS:{product.pos_id}"


def rows_of(kind: str, source: str, ids: Iterable[int]) -> dict[int, Row]:
    """The newest outbox row of `kind` per source document id."""
    wanted = list(ids)
    if not wanted:
        return {}
    found = (
        SyncActivity.objects.filter(kind=kind, **{f"{source}_id__in": wanted})
        .order_by("created_at", "id")
        .values_list(f"{source}_id", "id", "status")
    )
    return {source_id: Row(pk, status) for source_id, pk, status in found}


def _doc(
    module: str,
    number: str,
    role: str,
    pos_number: str,
    row: Row | None,
    *,
    method: str = "",
    amount: Decimal | None = None,
    quantities: dict[str, Decimal] | None = None,
) -> Doc:
    return Doc(
        module=module,
        number=number,
        role=role,
        method=method,
        amount=amount,
        quantities=quantities,
        pos_number=pos_number,
        activity_id=row.id if row else None,
    )


def sales(
    outlet: Outlet, start: datetime, end: datetime, voided: dict[Key, str]
) -> list[tuple[Doc, Row | None]]:
    """Each completed sale's invoice and its receipts (one per payment method); voided sales' numbers
    go to `voided`."""
    orders = list(
        Order.objects.filter(outlet=outlet, ordered_at__gte=start, ordered_at__lt=end)
        .prefetch_related("payments")
        .order_by("ordered_at", "id")
    )
    rows = rows_of(Kind.ORDER, "order", (order.pk for order in orders))
    covered = covered_ids(Kind.ORDER, "order", (order.pk for order in orders))
    code, found = outlet.code, []
    for order in orders:
        invoice = numbers.invoice_number(code, order.number)
        receipts = {
            method: (numbers.receipt_number(code, order.number, method), amount)
            for method, amount in paid_by_method(order).items()
        }
        if order.status == Order.Status.VOID:
            voided[(SALES_INVOICE, invoice)] = order.number
            voided.update({(SALES_RECEIPT, number): order.number for number, _ in receipts.values()})
            continue
        if order.pk in covered:
            continue  # in its summary's invoice and receipts
        row = rows.get(order.pk)
        found.append((_doc(SALES_INVOICE, invoice, figures.SALE, order.number, row, amount=order.total), row))
        for method, (number, amount) in receipts.items():
            receipt = _doc(
                SALES_RECEIPT, number, figures.RECEIPT, order.number, row, method=method, amount=amount
            )
            found.append((receipt, row))
    return found


def money_docs(outlet: Outlet, start: datetime, end: datetime) -> list[tuple[Doc, Row | None]]:
    """Refunds (sales returns and the money paid back) and deposits (other deposits)."""
    refunds = list(Refund.objects.filter(outlet=outlet, refunded_at__gte=start, refunded_at__lt=end))
    deposits = list(Deposit.objects.filter(outlet=outlet, received_at__gte=start, received_at__lt=end))
    refund_rows = rows_of(Kind.REFUND, "refund", (r.pk for r in refunds))
    covered = covered_ids(Kind.REFUND, "refund", (r.pk for r in refunds))
    refunds = [refund for refund in refunds if refund.pk not in covered]  # in a refunds summary's return
    deposit_rows = rows_of(Kind.DEPOSIT, "deposit", (d.pk for d in deposits))
    found = []
    for refund in refunds:
        row = refund_rows.get(refund.pk)
        found += [(doc, row) for doc in refund_docs(outlet, refund, row)]
    for deposit in deposits:
        row = deposit_rows.get(deposit.pk)
        number = numbers.deposit_number(outlet.code, deposit.number)
        doc = _doc(OTHER_DEPOSIT, number, figures.DEPOSIT, deposit.number, row, amount=deposit.amount)
        found.append((doc, row))
    return found


def refund_docs(outlet: Outlet, refund: Refund, row: Row | None) -> list[Doc]:
    """A refund given on its own: its sales return, and the money it paid back (`…-OUT`, an other
    payment of its total by its refund method; none for a refund of 0, as refund_payment.py plans)."""
    number = numbers.return_number(outlet.code, refund.number)
    docs = [_doc(SALES_RETURN, number, figures.RETURN, refund.number, row, amount=refund.total)]
    if refund.total:
        paid_back = numbers.refund_payment_number(outlet.code, refund.number)
        method = refund.refund_method
        docs.append(
            _doc(
                OTHER_PAYMENT,
                paid_back,
                figures.MONEY_OUT,
                refund.number,
                row,
                method=method,
                amount=refund.total,
            )
        )
    return docs


def _lines(document: Transfer | Adjustment, sign: Decimal = Decimal(1)) -> dict[str, Decimal]:
    return moved((item_code(line.product), line.quantity * sign) for line in document.lines.all())


def stock_docs(outlet: Outlet, start: datetime, end: datetime) -> list[tuple[Doc, Row | None]]:
    """Transfers sent and received, adjustments (signed quantities per item) and stock takes (counted
    targets: Accurate turns them into whatever adjustment the count needs, so only presence counts)."""
    return [*transfer_docs(outlet, start, end), *adjustment_docs(outlet, start, end)]


def transfer_docs(outlet: Outlet, start: datetime, end: datetime) -> list[tuple[Doc, Row | None]]:
    lines = "lines__product"
    sent = list(
        Transfer.objects.filter(outlet=outlet, sent_at__gte=start, sent_at__lt=end).prefetch_related(lines)
    )
    received = list(
        Transfer.objects.filter(to_outlet=outlet, received_at__gte=start, received_at__lt=end)
        .select_related("outlet")
        .prefetch_related(lines)
    )
    out_rows = rows_of(Kind.TRANSFER_OUT, "transfer", (t.pk for t in sent))
    in_rows = rows_of(Kind.TRANSFER_IN, "transfer", (t.pk for t in received))
    found = []
    for transfer in sent:
        row = out_rows.get(transfer.pk)
        number = numbers.transfer_out_number(outlet.code, transfer.number)
        doc = _doc(
            ITEM_TRANSFER, number, figures.TRANSFER_OUT, transfer.number, row, quantities=_lines(transfer)
        )
        found.append((doc, row))
    for transfer in received:
        row = in_rows.get(transfer.pk)
        # Numbered by the sending outlet, dated and branched by the receiving one.
        number = numbers.transfer_in_number(transfer.outlet.code, transfer.number)
        doc = _doc(
            ITEM_TRANSFER, number, figures.TRANSFER_IN, transfer.number, row, quantities=_lines(transfer)
        )
        found.append((doc, row))
    return found


def adjustment_docs(outlet: Outlet, start: datetime, end: datetime) -> list[tuple[Doc, Row | None]]:
    adjustments = list(
        Adjustment.objects.filter(
            outlet=outlet, adjusted_at__gte=start, adjusted_at__lt=end
        ).prefetch_related("lines__product")
    )
    takes = list(StockTake.objects.filter(outlet=outlet, counted_at__gte=start, counted_at__lt=end))
    adjustment_rows = rows_of(Kind.ADJUSTMENT, "adjustment", (a.pk for a in adjustments))
    take_rows = rows_of(Kind.STOCK_TAKE, "stock_take", (s.pk for s in takes))
    found = []
    for adjustment in adjustments:
        row = adjustment_rows.get(adjustment.pk)
        number = numbers.adjustment_number(outlet.code, adjustment.number)
        doc = _doc(
            ITEM_ADJUSTMENT, number, figures.ADJUSTMENT, adjustment.number, row, quantities=_lines(adjustment)
        )
        found.append((doc, row))
    for take in takes:
        row = take_rows.get(take.pk)
        number = numbers.stock_take_number(outlet.code, take.number)
        found.append((_doc(ITEM_ADJUSTMENT, number, figures.STOCK_TAKE, take.number, row), row))
    return found


def unsynced(pairs: Sequence[tuple[Doc, Row | None]]) -> int:
    """Expected documents whose outbox row has not landed (a sale and its receipts count once each)."""
    return sum(1 for _, row in pairs if row is None or row.status not in LANDED)


def pos_day(outlet: Outlet, day: date) -> PosDay:
    """Every Accurate document the outlet's POS documents of `day` should have become (a few queries
    per document kind, whatever the count)."""
    start, end = day_bounds(day, outlet.zone)
    voided: dict[Key, str] = {}
    summarised = [*summary_docs(outlet, day), *void_returns(outlet, start, end)]
    pairs = [
        *sales(outlet, start, end, voided),
        *[(doc, Row(doc.activity_id or 0, status)) for doc, status in summarised],
        *money_docs(outlet, start, end),
        *stock_docs(outlet, start, end),
    ]
    return PosDay(expected=[doc for doc, _ in pairs], voided=voided, unsynced=unsynced(pairs))
