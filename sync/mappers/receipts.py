"""Sales receipts of a sale: one per payment method, into that method's mapped cash/bank account."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from outlets.models import Order, PaymentMethod

from . import problems
from .dates import trans_date
from .numbers import receipt_number
from .types import BULK_SAVE, SALES_RECEIPT, Destination, Planned

RECEIPT_STAGE = 2

# Accurate's paymentMethod for each POS payment method.
ACCURATE_PAYMENT_METHODS: dict[str, str] = {
    PaymentMethod.CASH: "CASH_OTHER",
    PaymentMethod.DEBIT_CARD: "DEBIT_CARD",
    PaymentMethod.CREDIT_CARD: "CREDIT_CARD",
    PaymentMethod.QRIS: "QRIS",
    PaymentMethod.E_WALLET: "E_WALLET",
    PaymentMethod.BANK_TRANSFER: "BANK_TRANSFER",
    # [U] iSellerPay carries cards, QRIS and e-wallets alike and settles through its clearing
    # account; no one Accurate method fits, so it gets the catch-all "cash / other".
    PaymentMethod.ISELLER_PAY: "CASH_OTHER",
}


def paid_by_method(*orders: Order) -> dict[str, Decimal]:
    """The orders' payments summed per method, in order of first appearance, zero sums left out."""
    sums: dict[str, Decimal] = {}
    for order in orders:
        for payment in order.payments.all():
            sums[payment.method] = sums.get(payment.method, Decimal(0)) + payment.amount
    return {method: amount for method, amount in sums.items() if amount}


def plan_receipts(order: Order, to: Destination, *, customer: str, invoice_no: str) -> list[Planned]:
    planned = []
    for method, amount in paid_by_method(order).items():
        payload = receipt_payload(order, to, method, amount, customer=customer, invoice_no=invoice_no)
        number = payload["number"]
        # Checked after the save: Accurate's receipt must hold what the POS took by this method.
        planned.append(Planned(SALES_RECEIPT, BULK_SAVE, number, payload, RECEIPT_STAGE, amount))
    return planned


def receipt_payload(
    order: Order, to: Destination, method: str, amount: Decimal, *, customer: str, invoice_no: str
) -> dict[str, Any]:
    return receipt_fields(
        to,
        order.number,
        trans_date(order.ordered_at, to.zone),
        method,
        amount,
        customer=customer,
        invoice_no=invoice_no,
    )


def receipt_fields(
    to: Destination,
    pos_number: str,
    day: str,
    method: str,
    amount: Decimal,
    *,
    customer: str,
    invoice_no: str,
    label: str = "",
) -> dict[str, Any]:
    """A receipt of `amount` paid by `method` against `invoice_no` (a sale's, or a summary's), on
    `day` (dd/MM/yyyy); numbered from the outlet, `pos_number` and the method."""
    return {
        "number": receipt_number(to.outlet_code, pos_number, method),
        "transDate": day,
        "customerNo": customer,
        "branchName": problems.required(to, "branch_name"),
        "bankNo": problems.cash_account(to, method),
        "paymentMethod": ACCURATE_PAYMENT_METHODS[method],
        "description": f"iSeller {to.outlet_code} {label or pos_number} {PaymentMethod(method).label}",
        "chequeAmount": amount,
        "detailInvoice": [{"invoiceNo": invoice_no, "paymentAmount": amount}],
    }
