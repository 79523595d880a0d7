"""A refund: a sales return against the order's invoice, the goods back into the outlet's warehouse."""

from __future__ import annotations

from typing import Any

from outlets.models import Refund, RefundLine

from . import problems
from .customer import customer_no
from .dates import trans_date
from .numbers import invoice_number, return_number
from .types import BULK_SAVE, SALES_RETURN, Destination, Planned

RETURN_STAGE = 1


def plan_refund(refund: Refund, to: Destination) -> list[Planned]:
    """`refund` comes with its order (and the order's outlet) and its lines (and their products)
    prefetched. The goods come back at the refund's outlet (`to`)."""
    warehouse = problems.required(to, "warehouse_name")
    order = refund.order
    payload: dict[str, Any] = {
        "number": return_number(to.outlet_code, refund.number),
        "transDate": trans_date(refund.refunded_at, to.zone),
        # The invoice's own customer: the one the order was invoiced to.
        "customerNo": customer_no(order, to),
        "invoiceNumber": invoice_number(order.outlet.code, order.number),
        "returnType": "INVOICE",
        "branchName": problems.required(to, "branch_name"),
        "description": problems.describe(f"iSeller {to.outlet_code} refund {refund.number}", refund.reason),
        "detailItem": [return_line(line, warehouse) for line in refund.lines.all()],
    }
    return [Planned(SALES_RETURN, BULK_SAVE, payload["number"], payload, RETURN_STAGE)]


def return_line(line: RefundLine, warehouse: str) -> dict[str, Any]:
    return {
        "itemNo": problems.item_no(line.product),
        "quantity": line.quantity,
        "unitPrice": line.unit_price,
        "warehouseName": warehouse,
    }
