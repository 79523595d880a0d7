"""A sale voided after the sales summary that covers it was sent: the summary is never changed, so
the sale comes back as a sales return of its lines against the summary's invoice (the shape of a
refund's return, `refund.py`), its goods back into the outlet's warehouse; then the money it took
goes back out as a refund's does (`refund_payment.py`): an other payment per payment method of the
sale (`…-VOID-CASH`), since the summary's receipts counted it.

The payments debit what the sale credited: the outlet's refund account (the receivable the return
credited) for the goods, the service charge account for its service charge, the rounding account for
the POS's rounding up. A rounding down cannot be a line of its own (an other payment's lines are
positive [U]): it comes off the goods' line, so cash and bank match the POS to the rupiah.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal
from typing import Any

from outlets.models import Order

from . import problems
from .dates import trans_date
from .numbers import void_payment_number, void_return_number
from .order import line_taxed, tax_name
from .receipts import paid_by_method
from .refund import RETURN_STAGE
from .refund_payment import REFUND_PAYMENT_STAGE, WALK_IN_PAYEE
from .types import BULK_SAVE, OTHER_PAYMENT, SALES_RETURN, Destination, Planned

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
    expected = void_goods(order)
    number = payload["number"]
    returned = Planned(SALES_RETURN, BULK_SAVE, number, payload, RETURN_STAGE, expected_total=expected)
    return [returned, *plan_void_payments(order, to, return_no=number, goods=expected)]


def void_goods(order: Order) -> Decimal:
    """The goods' part of the sale, its return's total: its service charge and the POS's rounding
    stay on the summary."""
    goods: Decimal = order.total - order.service_charge - order.rounding
    return goods


def plan_void_payments(order: Order, to: Destination, *, return_no: str, goods: Decimal) -> list[Planned]:
    """The money the voided sale took, paid back per payment method (`order` with its payments)."""
    owed = [
        (problems.required(to, field), amount, name)
        for field, amount, name in debits(order, goods, return_no)
    ]
    planned = []
    trans = trans_date(order.voided_at or order.ordered_at, to.zone)
    for method, lines in per_method(order, owed):
        payload: dict[str, Any] = {
            "number": void_payment_number(to.outlet_code, order.number, method),
            "transDate": trans,
            "bankNo": problems.cash_account(to, method),
            "payee": order.customer_name.strip() or WALK_IN_PAYEE,
            "branchName": problems.required(to, "branch_name"),
            "description": f"iSeller {to.outlet_code} {order.number} voided: paid back",
            "detailAccount": [
                {"accountNo": account, "amount": amount, "expenseName": name, "detailNotes": order.number}
                for account, amount, name in lines
            ],
        }
        number = payload["number"]
        planned.append(Planned(OTHER_PAYMENT, BULK_SAVE, number, payload, REFUND_PAYMENT_STAGE, paid(lines)))
    return planned


def void_paid_back(order: Order) -> dict[str, Decimal]:
    """What each `…-VOID-<method>` other payment of the voided sale pays back, per payment method
    (`order` with its payments): the figures the reconciliation expects in Accurate."""
    owed = debits(order, void_goods(order), return_no="")
    return {method: paid(lines) for method, lines in per_method(order, owed)}


Line = tuple[str, Decimal, str]  # account no (or the Destination field naming it), amount, name


def debits(order: Order, goods: Decimal, return_no: str) -> list[Line]:
    """What the money back debits, in order, by the Destination field naming each account: the refund
    account for the goods (less a rounding down), the service charge, a rounding up; zeros left out."""
    rounding = order.rounding
    lines = [
        ("refund_account_no", goods + min(rounding, ZERO), f"Sales return {return_no}"),
        ("service_charge_account_no", order.service_charge, "Service charge"),
        ("rounding_account_no", max(rounding, ZERO), "Rounding"),
    ]
    return [line for line in lines if line[1] > ZERO]


def per_method(order: Order, owed: list[Line]) -> list[tuple[str, list[Line]]]:
    """The sale's payments method by method, each taking the lines still owed in order: what each
    method's other payment debits (a method left with nothing to pay back has none)."""
    found = []
    for method, amount in paid_by_method(order).items():
        lines, owed = allocate(amount, owed)
        if lines:
            found.append((method, lines))
    return found


def paid(lines: Sequence[Line]) -> Decimal:
    return sum((amount for _account, amount, _name in lines), ZERO)


def allocate(amount: Decimal, owed: list[Line]) -> tuple[list[Line], list[Line]]:
    """Take `amount` from the lines still owed, in order: the lines it covers, and what is left owed."""
    taken: list[Line] = []
    left = list(owed)
    while amount > ZERO and left:
        account, due, name = left[0]
        part = min(amount, due)
        taken.append((account, part, name))
        amount -= part
        left = [(account, due - part, name), *left[1:]] if due > part else left[1:]
    return taken, left


def spread(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """`amount` in parts proportional to `weights`, each to the cent, summing to `amount` exactly."""
    if not weights:
        return []
    whole = sum(weights, ZERO)
    if not whole:
        return [ZERO] * (len(weights) - 1) + [amount]
    parts = [(amount * weight / whole).quantize(CENT, ROUND_DOWN) for weight in weights[:-1]]
    return [*parts, amount - sum(parts, ZERO)]
