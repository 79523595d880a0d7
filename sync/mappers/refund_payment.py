"""The money a refund pays back: an other payment (Pembayaran Lain) of the refund's total out of the
refund method's cash/bank account, debiting the outlet's refund account.

The sales return (refund.py) credits the customer's receivable and leaves it owing the customer;
this payment settles that: Dr refund account (Piutang Usaha) / Cr cash or bank. It goes in a later
stage than the return, so only once the return is in Accurate.
"""

from __future__ import annotations

from typing import Any

from outlets.models import PaymentMethod, Refund

from . import problems
from .dates import trans_date
from .numbers import refund_payment_number, return_number
from .refund import RETURN_STAGE
from .types import BULK_SAVE, OTHER_PAYMENT, Destination, Planned

REFUND_PAYMENT_STAGE = RETURN_STAGE + 1
# [U] Accurate's payee is free text; a sale without a named customer pays back a walk-in one.
WALK_IN_PAYEE = "Walk-in customer"


def plan_refund_payment(refund: Refund, to: Destination) -> list[Planned]:
    """`refund` comes with its order prefetched. Nothing for a refund of 0 (no money moved)."""
    if not refund.total:
        return []
    method = PaymentMethod(refund.refund_method).label
    payload: dict[str, Any] = {
        "number": refund_payment_number(to.outlet_code, refund.number),
        "transDate": trans_date(refund.refunded_at, to.zone),
        "bankNo": problems.cash_account(to, refund.refund_method),
        "payee": payee(refund),
        "branchName": problems.required(to, "branch_name"),
        "description": problems.describe(
            f"iSeller {to.outlet_code} refund {refund.number} paid back by {method}", refund.reason
        ),
        # [U] Whether Accurate lets an other payment debit a receivable account (or wants the
        # customer on the line) is not known: the account is the merchant's choice on the mapping page.
        "detailAccount": [
            {
                "accountNo": problems.required(to, "refund_account_no"),
                "amount": refund.total,
                "expenseName": f"Refund {refund.number}",
                "detailNotes": f"Sales return {return_number(to.outlet_code, refund.number)}",
            }
        ],
    }
    number = payload["number"]
    return [
        Planned(OTHER_PAYMENT, BULK_SAVE, number, payload, REFUND_PAYMENT_STAGE, expected_total=refund.total)
    ]


def payee(refund: Refund) -> str:
    order = refund.order
    return order.customer_name.strip() or order.customer_code.strip() or WALK_IN_PAYEE
