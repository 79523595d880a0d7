"""The POS document behind an activity, laid out for its details page: a few facts, its lines, its
payments and its totals (amounts as Decimal; the template shows them in rupiah)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outlets.models import Adjustment, Deposit, Order, Payout, Refund, StockTake, Transfer
from sync.models import ProductPushBatch, SyncActivity


def qty(value: Decimal) -> str:
    """2.000 → "2", 1.500 → "1.5": quantities without trailing zeros."""
    return f"{Decimal(value).normalize():f}"


@dataclass
class Document:
    title: str
    facts: list[tuple[str, Any]] = field(default_factory=list)  # (label, value: text, datetime)
    columns: list[str] = field(default_factory=list)
    money_columns: set[int] = field(default_factory=set)  # positions of amounts in each line
    lines: list[list[Any]] = field(default_factory=list)
    payments: list[tuple[str, Decimal]] = field(default_factory=list)
    totals: list[tuple[str, Decimal]] = field(default_factory=list)


def _order(order: Order) -> Document:
    doc = Document(
        _("Sale %(number)s") % {"number": order.number},
        facts=[(_("Ordered"), order.ordered_at), (_("Status"), order.get_status_display())],
        columns=[_("SKU"), _("Product"), _("Quantity"), _("Unit price"), _("Discount"), _("Amount")],
        money_columns={3, 4, 5},
    )
    if order.customer_name:
        doc.facts.append((_("Customer"), order.customer_name))
    if order.voided_at:
        doc.facts.append((_("Voided"), order.voided_at))
    doc.lines = [
        [line.product.sku, line.product.name, qty(line.quantity), line.unit_price, line.discount, line.amount]
        for line in order.lines.select_related("product")
    ]
    doc.payments = [(p.get_method_display(), p.amount) for p in order.payments.all()]
    doc.totals = [
        (_("Subtotal"), order.subtotal),
        (_("Order discount"), order.order_discount),
        (_("Tax"), order.tax),
        (_("Service charge"), order.service_charge),
        (_("Rounding"), order.rounding),
        (_("Total"), order.total),
    ]
    return doc


def _refund(refund: Refund) -> Document:
    return Document(
        _("Refund %(number)s") % {"number": refund.number},
        facts=[
            (_("Refunded"), refund.refunded_at),
            (_("Sale"), refund.order.number),
            (_("Reason"), refund.reason),
        ],
        columns=[_("SKU"), _("Product"), _("Quantity"), _("Unit price"), _("Amount")],
        money_columns={3, 4},
        lines=[
            [line.product.sku, line.product.name, qty(line.quantity), line.unit_price, line.amount]
            for line in refund.lines.select_related("product")
        ],
        payments=[(refund.get_refund_method_display(), refund.total)],
        totals=[(_("Total"), refund.total)],
    )


def _transfer(transfer: Transfer) -> Document:
    facts: list[tuple[str, Any]] = [
        (_("Sent"), transfer.sent_at),
        (_("To outlet"), f"{transfer.to_outlet.code} · {transfer.to_outlet.name}"),
    ]
    if transfer.received_at:
        facts.append((_("Received"), transfer.received_at))
    return Document(
        _("Transfer %(number)s") % {"number": transfer.number},
        facts=facts,
        columns=[_("SKU"), _("Product"), _("Quantity")],
        lines=[
            [line.product.sku, line.product.name, qty(line.quantity)]
            for line in transfer.lines.select_related("product")
        ],
    )


def _adjustment(adjustment: Adjustment) -> Document:
    return Document(
        _("Stock adjustment %(number)s") % {"number": adjustment.number},
        facts=[(_("Adjusted"), adjustment.adjusted_at), (_("Reason"), adjustment.reason)],
        columns=[_("SKU"), _("Product"), _("Quantity"), _("Unit cost"), _("Note")],
        money_columns={3},
        lines=[
            [line.product.sku, line.product.name, qty(line.quantity), line.unit_cost, line.note]
            for line in adjustment.lines.select_related("product")
        ],
    )


def _stock_take(stock_take: StockTake) -> Document:
    return Document(
        _("Stock take %(number)s") % {"number": stock_take.number},
        facts=[(_("Counted"), stock_take.counted_at)],
        columns=[_("SKU"), _("Product"), _("Counted quantity")],
        lines=[
            [line.product.sku, line.product.name, qty(line.counted_quantity)]
            for line in stock_take.lines.select_related("product")
        ],
    )


# The model's labels are English on purpose: the mapper sends them to Accurate (`expenseName`).
DEPOSIT_KINDS: dict[str, Promise] = {
    Deposit.Kind.CUSTOMER_DEPOSIT: gettext_lazy("Customer deposit"),
    Deposit.Kind.CASH_IN: gettext_lazy("Cash in"),
}


def _deposit(deposit: Deposit) -> Document:
    facts: list[tuple[str, Any]] = [
        (_("Received"), deposit.received_at),
        (_("Kind"), DEPOSIT_KINDS.get(deposit.kind, deposit.kind)),
    ]
    if deposit.customer_name:
        facts.append((_("Customer"), deposit.customer_name))
    return Document(
        _("Deposit %(number)s") % {"number": deposit.number},
        facts=facts,
        payments=[(deposit.get_payment_method_display(), deposit.amount)],
        totals=[(_("Total"), deposit.amount)],
    )


def _payout(payout: Payout) -> Document:
    facts: list[tuple[str, Any]] = [(_("Paid"), payout.paid_at)]
    if payout.period_start or payout.period_end:
        period = f"{payout.period_start or '…'} – {payout.period_end or '…'}"
        facts.append((_("Payments of"), period))
    if payout.reference:
        facts.append((_("Reference"), payout.reference))
    if payout.note:
        facts.append((_("Note"), payout.note))
    return Document(
        _("iSellerPay payout %(number)s") % {"number": payout.number},
        facts=facts,
        totals=[(_("Gross"), payout.gross), (_("MDR fee"), payout.fee), (_("Net to the bank"), payout.net)],
    )


def _batch(batch: ProductPushBatch) -> Document:
    return Document(
        _("Products, batch %(position)s") % {"position": batch.position},
        facts=[
            (_("Products"), len(batch.product_ids)),
            (_("Created in Accurate"), batch.created),
            (_("Already in Accurate"), batch.existing),
            (_("Failed"), batch.failed),
        ],
        columns=[_("Why")],
        lines=[[message] for message in batch.messages],
    )


def document_of(activity: SyncActivity) -> Document | None:
    """The activity's source document, laid out; None if it has none (never, by the constraint)."""
    builders: list[tuple[Any, Any]] = [
        (activity.order, _order),
        (activity.refund, _refund),
        (activity.transfer, _transfer),
        (activity.adjustment, _adjustment),
        (activity.stock_take, _stock_take),
        (activity.deposit, _deposit),
        (activity.payout, _payout),
        (activity.product_batch, _batch),
    ]
    for source, build in builders:
        if source is not None:
            return build(source)  # type: ignore[no-any-return]
    return None
