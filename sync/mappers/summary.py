"""A sales summary: the sales of an outlet's shift or local day as one sales invoice, and one sales
receipt per payment method for what the sales took by it.

Built from the per-sale mapper's own pieces (`order.item_fields`, `order.with_expenses`,
`receipts.receipt_fields`), so the arithmetic is the same:

- one item line per item, unit price and PPN flag: quantities and line discounts summed, so each
  line's amount is exactly the sum of the sales' line amounts (lines at other prices stay apart);
- the sales' order discounts summed as the invoice's cash discount;
- the service charges summed on one expense line, and the rounding line taking whatever Accurate's
  arithmetic would leave apart from the sum of the sales' POS totals — the summary's POS figure,
  which the engine checks Accurate's total against after the save;
- a receipt per payment method (iSellerPay into its clearing account, as for one sale);
- the header's tax mode (no PPN, PPN added, PPN inside the prices) its sales' one: the sales of a
  period with another tax mode are in a part of their own (`sync.summaries`), so the PPN is right.

The invoice goes to the walk-in customer: a summary is no one customer's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from outlets.models import Order

from . import problems
from .numbers import invoice_number
from .order import INVOICE_STAGE, item_fields, line_taxed, tax_name, with_expenses
from .receipts import RECEIPT_STAGE, paid_by_method, receipt_fields
from .types import BULK_SAVE, SALES_INVOICE, SALES_RECEIPT, Destination, Planned

ZERO = Decimal(0)
LineKey = tuple[str, Decimal, bool]  # item no, unit price, PPN flag


@dataclass(frozen=True)
class SummaryPeriod:
    """The summary's POS-side key (`DAY-20261120`, `SHIFT-S12-2`: period and part) and its day."""

    pos_number: str
    day: date


def plan_order_summary(period: SummaryPeriod, orders: Sequence[Order], to: Destination) -> list[Planned]:
    """The invoice and receipts of a summary of `orders` (completed sales with their lines, their
    products and their payments prefetched)."""
    customer = problems.walk_in_customer(to)
    invoice = summary_invoice(period, orders, to, customer)
    number = invoice["number"]
    total = sum((order.total for order in orders), ZERO)
    day = f"{period.day:%d/%m/%Y}"
    label = f"sales summary {period.pos_number}"
    planned = [
        Planned(
            SALES_INVOICE, BULK_SAVE, number, invoice, INVOICE_STAGE, total, to.rounding_account_no.strip()
        )
    ]
    for method, amount in paid_by_method(*orders).items():
        payload = receipt_fields(
            to, period.pos_number, day, method, amount, customer=customer, invoice_no=number, label=label
        )
        planned.append(Planned(SALES_RECEIPT, BULK_SAVE, payload["number"], payload, RECEIPT_STAGE, amount))
    return planned


def summary_invoice(
    period: SummaryPeriod, orders: Sequence[Order], to: Destination, customer: str
) -> dict[str, Any]:
    warehouse = problems.required(to, "warehouse_name")
    taxed, inclusive = summary_tax(orders)
    payload: dict[str, Any] = {
        "number": invoice_number(to.outlet_code, period.pos_number),
        "transDate": f"{period.day:%d/%m/%Y}",
        "customerNo": customer,
        "branchName": problems.required(to, "branch_name"),
        "description": f"iSeller {to.outlet_code} sales summary {period.pos_number} ({len(orders)} sales)",
        "taxable": taxed,
        "inclusiveTax": inclusive,
        **tax_name(to, taxed),
        "cashDiscount": sum((order.order_discount for order in orders), ZERO),
        "detailItem": summed_lines(orders, warehouse),
    }
    service_charge = sum((order.service_charge for order in orders), ZERO)
    total = sum((order.total for order in orders), ZERO)
    return with_expenses(payload, to, service_charge=service_charge, total=total)


def summary_tax(orders: Sequence[Order]) -> tuple[bool, bool]:
    """The invoice's `taxable` and `inclusiveTax`. One invoice has one tax mode, and a summary covers
    sales of one tax mode (`sync.summaries` opens a part per mode), so the PPN Accurate computes is the
    sales' own. A summary opened before tax modes were kept apart may mix them: it takes its first
    taxed sale's, and its rounding line keeps the total exact (not the PPN)."""
    taxed = [order for order in orders if order.tax > ZERO]
    return bool(taxed), bool(taxed) and taxed[0].tax_inclusive


def summed_lines(orders: Sequence[Order], warehouse: str) -> list[dict[str, Any]]:
    """One line per item, unit price and PPN flag, in order of first appearance."""
    sums: dict[LineKey, tuple[Decimal, Decimal]] = {}
    for order in orders:
        taxed = order.tax > ZERO
        for line in order.lines.all():
            key = (problems.item_no(line.product), line.unit_price, line_taxed(line.product, taxed))
            quantity, discount = sums.get(key, (ZERO, ZERO))
            sums[key] = (quantity + line.quantity, discount + line.discount)
    return [
        item_fields(item_no, quantity, price, discount, warehouse, note="", taxed=flag)
        for (item_no, price, flag), (quantity, discount) in sums.items()
    ]
