"""A voided sale: its receipts deleted first, then its invoice (Accurate refuses to delete a paid one)."""

from __future__ import annotations

from outlets.models import Order

from .numbers import invoice_number, receipt_number
from .receipts import paid_by_method
from .types import DELETE, SALES_INVOICE, SALES_RECEIPT, Destination, Planned

RECEIPTS_STAGE = 1
INVOICE_STAGE = 2


def plan_order_void(order: Order, to: Destination) -> list[Planned]:
    """Deletion of every document plan_order would have created, except the customer.

    Only numbers are needed, so a void goes through even when the outlet's mapping changed since.
    """
    receipts = [
        Planned(
            SALES_RECEIPT, DELETE, receipt_number(to.outlet_code, order.number, method), {}, RECEIPTS_STAGE
        )
        for method in paid_by_method(order)
    ]
    invoice = Planned(SALES_INVOICE, DELETE, invoice_number(to.outlet_code, order.number), {}, INVOICE_STAGE)
    return [*receipts, invoice]
