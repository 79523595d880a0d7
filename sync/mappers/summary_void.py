"""A sale voided after the sales summary that covers it was sent: the summary is never changed, so
the sale comes back as a sales return of its lines against the summary's invoice (the shape of a
refund's return, `refund.py`), its goods back into the outlet's warehouse."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal
from typing import Any

from outlets.models import Order

from . import problems
from .dates import trans_date
from .numbers import void_return_number
from .order import line_taxed, tax_name
from .refund import RETURN_STAGE
from .types import BULK_SAVE, SALES_RETURN, Destination, Planned

CENT = Decimal("0.01")
ZERO = Decimal(0)


def plan_summary_void(order: Order, to: Destination, *, invoice_no: str) -> list[Planned]:
    """`order` comes with its lines (and their products) prefetched; `invoice_no` is the summary's."""
    warehouse = problems.required(to, "warehouse_name")
    taxed = order.tax > ZERO
    lines = list(order.lines.all())
    # The order discount goes on the lines as cash discounts (a return has no header discount),
    # in proportion to their amounts, to the cent, the remainder on the last line.
    shares = spread(order.order_discount, [line.amount for line in lines])
    payload: dict[str, Any] = {
        "number": void_return_number(to.outlet_code, order.number),
        "transDate": trans_date(order.voided_at or order.ordered_at, to.zone),
        "customerNo": problems.walk_in_customer(to),
        "invoiceNumber": invoice_no,
        "returnType": "INVOICE",
        "branchName": problems.required(to, "branch_name"),
        "description": f"iSeller {to.outlet_code} {order.number} voided (sales summary {invoice_no})",
        "taxable": taxed,
        "inclusiveTax": order.tax_inclusive,
        **tax_name(to, taxed),
        "detailItem": [
            {
                "itemNo": problems.item_no(line.product),
                "quantity": line.quantity,
                "unitPrice": line.unit_price,
                "itemCashDiscount": line.discount + share,
                "warehouseName": warehouse,
                "useTax1": line_taxed(line.product, taxed),
            }
            for line, share in zip(lines, shares, strict=True)
        ],
    }
    # The goods' part of the sale: its service charge and the POS's rounding stay on the summary.
    expected = order.total - order.service_charge - order.rounding
    number = payload["number"]
    return [Planned(SALES_RETURN, BULK_SAVE, number, payload, RETURN_STAGE, expected_total=expected)]


def spread(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """`amount` in parts proportional to `weights`, each to the cent, summing to `amount` exactly."""
    if not weights:
        return []
    whole = sum(weights, ZERO)
    if not whole:
        return [ZERO] * (len(weights) - 1) + [amount]
    parts = [(amount * weight / whole).quantize(CENT, ROUND_DOWN) for weight in weights[:-1]]
    return [*parts, amount - sum(parts, ZERO)]
