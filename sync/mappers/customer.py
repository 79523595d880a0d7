"""Who a sale is invoiced to: the walk-in customer, or the order's own customer when synced."""

from __future__ import annotations

from typing import Any

from outlets.models import Order

from . import problems
from .numbers import customer_number
from .types import BULK_SAVE, CUSTOMER, Destination, Planned

CUSTOMER_STAGE = 0


def synced_customer(order: Order, to: Destination) -> bool:
    return to.sync_customers and bool(order.customer_code.strip())


def customer_no(order: Order, to: Destination) -> str:
    """The Accurate customer of the order's invoice (and of its receipts and returns)."""
    if synced_customer(order, to):
        return customer_number(order.customer_code)
    return problems.walk_in_customer(to)


def plan_customer(order: Order, to: Destination) -> list[Planned]:
    """The order's customer, created in Accurate first when customers are synced; else nothing.

    An existing customer answers "number already used", which the exporter settles by looking it up.
    """
    if not synced_customer(order, to):
        return []
    number = customer_number(order.customer_code)
    payload: dict[str, Any] = {
        "customerNo": number,
        "name": order.customer_name.strip() or order.customer_code.strip(),
    }
    # Only what the POS knows: an empty value would blank what the merchant typed in Accurate.
    if order.customer_email.strip():
        payload["email"] = order.customer_email.strip()
    if order.customer_phone.strip():
        payload["mobilePhone"] = order.customer_phone.strip()
    return [Planned(CUSTOMER, BULK_SAVE, number, payload, CUSTOMER_STAGE)]
