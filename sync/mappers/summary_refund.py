"""A refunds summary: the refunds of a sales summary's period, given at its outlet, as one sales
return against the summary's invoice, and the money paid back as one other payment per refund method.

The shapes are a refund's own (`refund.py`, `refund_payment.py`), summed the way a sales summary sums
its sales (`summary.py`):

- one return line per item, unit price and PPN flag, quantities summed; the return's total is the
  sum of the refunds' totals (their amounts include their tax, as a refund's return says);
- the walk-in customer, as on the summary's invoice (a return's customer is its invoice's);
- per refund method, an other payment of what the refunds paid back by it, out of that method's
  cash/bank account, debiting the outlet's refund account (which the return credited), after the
  return landed.

Numbers: the return `JKT01-DAY-20261120-RET` (an addendum part `…-RET-2`), each payment `…-RET-CASH`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from outlets.models import PaymentMethod, Refund

from . import problems
from .numbers import invoice_number, receipt_number
from .order import line_taxed, tax_name
from .refund import RETURN_STAGE
from .refund_payment import REFUND_PAYMENT_STAGE, WALK_IN_PAYEE
from .summary import SummaryPeriod
from .types import BULK_SAVE, OTHER_PAYMENT, SALES_RETURN, Destination, Planned

ZERO = Decimal(0)
LineKey = tuple[str, Decimal, bool]  # item no, unit price, PPN flag


def plan_refund_summary(
    period: SummaryPeriod, refunds: Sequence[Refund], to: Destination, *, invoice_no: str
) -> list[Planned]:
    """The return and the money out of `refunds` (with their orders and lines' products
    prefetched), against the sales summary's invoice `invoice_no`."""
    warehouse = problems.required(to, "warehouse_name")
    taxed = any(refund.order.tax > ZERO for refund in refunds)
    number = invoice_number(to.outlet_code, period.pos_number)
    day = f"{period.day:%d/%m/%Y}"
    payload: dict[str, Any] = {
        "number": number,
        "transDate": day,
        "customerNo": problems.walk_in_customer(to),
        "invoiceNumber": invoice_no,
        "returnType": "INVOICE",
        "branchName": problems.required(to, "branch_name"),
        "description": (
            f"iSeller {to.outlet_code} refunds summary {period.pos_number} ({len(refunds)} refunds)"
        ),
        "taxable": taxed,
        # [U] As a refund's return: the amounts are the money given back, tax inside.
        "inclusiveTax": True,
        **tax_name(to, taxed),
        "detailItem": summed_return_lines(refunds, warehouse),
    }
    total = sum((refund.total for refund in refunds), ZERO)
    planned = [Planned(SALES_RETURN, BULK_SAVE, number, payload, RETURN_STAGE, expected_total=total)]
    for method, amount in paid_back_by_method(refunds).items():
        money_out = money_out_fields(to, period.pos_number, day, method, amount, return_no=number)
        planned.append(
            Planned(OTHER_PAYMENT, BULK_SAVE, money_out["number"], money_out, REFUND_PAYMENT_STAGE, amount)
        )
    return planned


def summed_return_lines(refunds: Sequence[Refund], warehouse: str) -> list[dict[str, Any]]:
    """One line per item, unit price and PPN flag, in order of first appearance."""
    sums: dict[LineKey, Decimal] = {}
    for refund in refunds:
        taxed = refund.order.tax > ZERO
        for line in refund.lines.all():
            key = (problems.item_no(line.product), line.unit_price, line_taxed(line.product, taxed))
            sums[key] = sums.get(key, ZERO) + line.quantity
    return [
        {
            "itemNo": item,
            "quantity": quantity,
            "unitPrice": price,
            "warehouseName": warehouse,
            "useTax1": flag,
        }
        for (item, price, flag), quantity in sums.items()
    ]


def paid_back_by_method(refunds: Sequence[Refund]) -> dict[str, Decimal]:
    """The refunds' totals summed per refund method, in order of first appearance, zero sums left out."""
    sums: dict[str, Decimal] = {}
    for refund in refunds:
        sums[refund.refund_method] = sums.get(refund.refund_method, ZERO) + refund.total
    return {method: amount for method, amount in sums.items() if amount}


def money_out_fields(
    to: Destination, pos_number: str, day: str, method: str, amount: Decimal, *, return_no: str
) -> dict[str, Any]:
    """An other payment of `amount` paid back by `method`, numbered like a receipt of `pos_number`
    (other payments are numbered apart from receipts)."""
    return {
        "number": receipt_number(to.outlet_code, pos_number, method),
        "transDate": day,
        "bankNo": problems.cash_account(to, method),
        "payee": WALK_IN_PAYEE,
        "branchName": problems.required(to, "branch_name"),
        "description": f"iSeller {to.outlet_code} {pos_number} paid back by {PaymentMethod(method).label}",
        "detailAccount": [
            {
                "accountNo": problems.required(to, "refund_account_no"),
                "amount": amount,
                "expenseName": f"Refunds {pos_number}",
                "detailNotes": f"Sales return {return_no}",
            }
        ],
    }
