"""Deterministic Accurate document numbers: the idempotency key of every document we post.

Each number is unique per Accurate module: a re-sync finds the document by its number instead of
posting it twice. A number too long for Accurate is cut and given a short hash of the full number,
so it stays unique and the same every time.
"""

from __future__ import annotations

import hashlib

from outlets.models import PaymentMethod

# [U] Accurate's documented limit is for item codes (30); document numbers are assumed the same.
NUMBER_MAX_LENGTH = 30
HASH_LENGTH = 6

# One receipt per payment method of an order, told apart by these codes.
METHOD_CODES: dict[str, str] = {
    PaymentMethod.CASH: "CASH",
    PaymentMethod.DEBIT_CARD: "DEBIT",
    PaymentMethod.CREDIT_CARD: "CREDIT",
    PaymentMethod.QRIS: "QRIS",
    PaymentMethod.E_WALLET: "EWALLET",
    PaymentMethod.BANK_TRANSFER: "TRANSFER",
    PaymentMethod.ISELLER_PAY: "ISPAY",
}


def fit(head: str, suffix: str = "") -> str:
    """`head + suffix`, or when longer than Accurate takes: head cut, a hash of the whole, suffix kept.

    The suffix (e.g. "-CASH", "-OUT") survives the cut so a long number still says what it is.
    """
    full = head + suffix
    if len(full) <= NUMBER_MAX_LENGTH:
        return full
    tag = "-" + hashlib.sha256(full.encode()).hexdigest()[:HASH_LENGTH].upper()
    return head[: NUMBER_MAX_LENGTH - len(tag) - len(suffix)] + tag + suffix


def invoice_number(outlet_code: str, pos_number: str) -> str:
    return fit(f"{outlet_code}-{pos_number}")


def receipt_number(outlet_code: str, pos_number: str, method: str) -> str:
    return fit(f"{outlet_code}-{pos_number}", f"-{METHOD_CODES[method]}")


def return_number(outlet_code: str, refund_number: str) -> str:
    return fit(f"{outlet_code}-{refund_number}")


def transfer_out_number(sending_outlet_code: str, transfer_number: str) -> str:
    return fit(f"{sending_outlet_code}-{transfer_number}", "-OUT")


def transfer_in_number(sending_outlet_code: str, transfer_number: str) -> str:
    return fit(f"{sending_outlet_code}-{transfer_number}", "-IN")


def adjustment_number(outlet_code: str, adjustment_number: str) -> str:
    return fit(f"{outlet_code}-{adjustment_number}")


def stock_take_number(outlet_code: str, stock_take_number: str) -> str:
    # Stock takes are item adjustments too: the suffix keeps them apart from adjustments' numbers.
    return fit(f"{outlet_code}-{stock_take_number}", "-ST")


def deposit_number(outlet_code: str, deposit_number: str) -> str:
    return fit(f"{outlet_code}-{deposit_number}")


def customer_number(customer_code: str) -> str:
    return fit(customer_code.strip())


def refund_payment_number(outlet_code: str, refund_number: str) -> str:
    # The money a refund pays back: an other payment, apart from the sales return's number.
    return fit(f"{outlet_code}-{refund_number}", "-OUT")


def payout_transfer_number(outlet_code: str, payout_number: str) -> str:
    return fit(f"{outlet_code}-{payout_number}", "-TRF")


def payout_fee_number(outlet_code: str, payout_number: str) -> str:
    return fit(f"{outlet_code}-{payout_number}", "-MDR")


def void_return_number(outlet_code: str, order_number: str) -> str:
    # A sale voided after its sales summary landed: a sales return against the summary's invoice.
    return fit(f"{outlet_code}-{order_number}", "-VOID")


def void_payment_number(outlet_code: str, order_number: str, method: str) -> str:
    # The money such a void pays back, per payment method of the sale: an other payment.
    return fit(f"{outlet_code}-{order_number}-VOID", f"-{METHOD_CODES[method]}")
