"""Refunds against an order: they become sales returns against the order's invoice."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from outlets.models import Order, OrderLine, Outlet, Refund, RefundLine
from sync.outbox import Kind, activity_record

from .documents import Data, Ingested, document_ingest, lines_create, products_resolve
from .errors import DocumentInvalid
from .money import WIDE, ZERO, show, to_cents


def refund_create(*, outlet: Outlet, data: Data) -> Ingested[Refund]:
    return document_ingest(model=Refund, outlet=outlet, data=data, label="Refund", create=_create)


def _create(outlet: Outlet, data: Data, payload: dict[str, Any], digest: str) -> Refund:
    order = Order.objects.select_for_update().filter(outlet=outlet, number=data["order"]).first()
    if order is None:
        raise DocumentInvalid({"order": f"Unknown order '{data['order']}' at outlet '{outlet.code}'."})
    if order.status == Order.Status.VOID:
        raise DocumentInvalid({"order": f"Order '{order.number}' is void; there is nothing to refund."})
    products = products_resolve(outlet, data["lines"])
    _check_refundable(order, data, products)
    lines = [
        {**line, "amount": to_cents(WIDE.multiply(line["quantity"], line["unit_price"]))}
        for line in data["lines"]
    ]
    total = sum((line["amount"] for line in lines), ZERO)
    if total != data["total"]:
        raise DocumentInvalid(
            {"total": f"The lines add up to {show(total)}, but total is {show(data['total'])}."}
        )
    refund = Refund.objects.create(
        outlet=outlet,
        number=data["number"],
        payload=payload,
        payload_hash=digest,
        order=order,
        refunded_at=data["refunded_at"],
        reason=data["reason"],
        refund_method=data["refund_method"],
        total=data["total"],
    )
    lines_create(model=RefundLine, parent={"refund": refund}, lines=lines, products=products)
    activity_record(kind=Kind.REFUND, outlet=outlet, document=refund, number=refund.number)
    return refund


def _check_refundable(order: Order, data: Data, products: dict[str, int]) -> None:
    """Each product must be on the order, not refunded beyond what was sold, nor above its price."""
    sold: dict[int, Decimal] = defaultdict(lambda: ZERO)
    # The most a unit can be refunded for: what it sold for after its line discount.
    price: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for product_id, quantity, amount in OrderLine.objects.filter(order=order).values_list(
        "product_id", "quantity", "amount"
    ):
        sold[product_id] += quantity
        price[product_id] = max(price[product_id], to_cents(amount / quantity))
    refunded = dict(
        RefundLine.objects.filter(refund__order=order)
        .values("product_id")
        .annotate(q=Sum("quantity"))
        .values_list("product_id", "q")
    )
    asked: dict[int, Decimal] = defaultdict(lambda: ZERO)
    errors: dict[str, str] = {}
    for index, line in enumerate(data["lines"]):
        product_id = products[line["product"]]
        asked[product_id] += line["quantity"]
        left = sold.get(product_id, ZERO) - refunded.get(product_id, ZERO)
        if product_id not in sold:
            errors[f"lines[{index}].product"] = (
                f"Product '{line['product']}' is not on order '{order.number}'."
            )
        elif asked[product_id] > left:
            errors[f"lines[{index}].quantity"] = (
                f"Only {left.normalize():f} of product '{line['product']}' can still be refunded "
                f"on order '{order.number}'."
            )
        elif line["unit_price"] > price[product_id]:
            errors[f"lines[{index}].unit_price"] = (
                f"Product '{line['product']}' sold for {show(price[product_id])} each on order "
                f"'{order.number}'; it cannot be refunded for {show(line['unit_price'])}."
            )
    if errors:
        raise DocumentInvalid(errors, "The refund does not match its order.")
