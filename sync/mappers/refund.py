"""A refund: a sales return against the order's invoice, the goods back into the outlet's warehouse."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from outlets.models import Refund, RefundLine

from . import problems
from .customer import customer_no
from .dates import trans_date
from .numbers import invoice_number, return_number
from .order import line_taxed, tax_name
from .types import BULK_SAVE, SALES_RETURN, Destination, Planned

RETURN_STAGE = 1


def plan_refund(refund: Refund, to: Destination, *, invoice_no: str = "") -> list[Planned]:
    """`refund` comes with its order (and the order's outlet) and its lines (and their products)
    prefetched. The goods come back at the refund's outlet (`to`). `invoice_no`: the invoice the
    sale is in when it is not its own (a sales summary's)."""
    warehouse = problems.required(to, "warehouse_name")
    order = refund.order
    # A refund carries tax when its sale did; its taxable products' lines bear PPN, as on the invoice.
    taxed = order.tax > Decimal(0)
    payload: dict[str, Any] = {
        "number": return_number(to.outlet_code, refund.number),
        "transDate": trans_date(refund.refunded_at, to.zone),
        # The invoice's own customer: the one the order was invoiced to.
        "customerNo": customer_no(order, to),
        "invoiceNumber": invoice_no or invoice_number(order.outlet.code, order.number),
        "returnType": "INVOICE",
        "branchName": problems.required(to, "branch_name"),
        "description": problems.describe(f"iSeller {to.outlet_code} refund {refund.number}", refund.reason),
        "taxable": taxed,
        # [U] The refund's amounts are the money given back, tax inside, whatever the sale's mode:
        # the return's total then equals the refund's, and its PPN is carved out of it.
        "inclusiveTax": True,
        **tax_name(to, taxed),
        "detailItem": [return_line(line, warehouse, taxed=taxed) for line in refund.lines.all()],
    }
    number = payload["number"]
    return [Planned(SALES_RETURN, BULK_SAVE, number, payload, RETURN_STAGE, expected_total=refund.total)]


def return_line(line: RefundLine, warehouse: str, *, taxed: bool) -> dict[str, Any]:
    return {
        "itemNo": problems.item_no(line.product),
        "quantity": line.quantity,
        "unitPrice": line.unit_price,
        "warehouseName": warehouse,
        "useTax1": line_taxed(line.product, taxed),
    }
