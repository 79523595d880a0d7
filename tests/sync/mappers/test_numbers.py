"""Accurate document numbers: deterministic, unique per module, at most 30 characters."""

from __future__ import annotations

from sync.mappers import (
    NUMBER_MAX_LENGTH,
    adjustment_number,
    customer_number,
    deposit_number,
    invoice_number,
    payout_fee_number,
    payout_transfer_number,
    receipt_number,
    refund_payment_number,
    return_number,
    stock_take_number,
    transfer_in_number,
    transfer_out_number,
)

LONG = "2026-11-20-REGISTER-07-000123"  # JKT01- + this = 35 characters


def test_each_document_is_numbered_after_its_outlet_and_pos_number():
    assert invoice_number("JKT01", "ORD-1") == "JKT01-ORD-1"
    assert return_number("JKT01", "RF-1") == "JKT01-RF-1"
    assert transfer_out_number("JKT01", "TR-1") == "JKT01-TR-1-OUT"
    assert transfer_in_number("JKT01", "TR-1") == "JKT01-TR-1-IN"
    assert adjustment_number("JKT01", "A-1") == "JKT01-A-1"
    assert stock_take_number("JKT01", "A-1") == "JKT01-A-1-ST"
    assert deposit_number("JKT01", "D-1") == "JKT01-D-1"
    assert refund_payment_number("JKT01", "RF-1") == "JKT01-RF-1-OUT"
    assert payout_transfer_number("JKT01", "PO-1") == "JKT01-PO-1-TRF"
    assert payout_fee_number("JKT01", "PO-1") == "JKT01-PO-1-MDR"
    assert customer_number(" CUST-9 ") == "CUST-9"


def test_each_payment_method_has_its_own_receipt_number():
    methods = ["cash", "debit_card", "credit_card", "qris", "e_wallet", "bank_transfer", "iseller_pay"]

    assert [receipt_number("JKT01", "ORD-1", method) for method in methods] == [
        "JKT01-ORD-1-CASH",
        "JKT01-ORD-1-DEBIT",
        "JKT01-ORD-1-CREDIT",
        "JKT01-ORD-1-QRIS",
        "JKT01-ORD-1-EWALLET",
        "JKT01-ORD-1-TRANSFER",
        "JKT01-ORD-1-ISPAY",
    ]


def test_a_number_of_exactly_30_characters_is_kept_whole():
    assert invoice_number("JKT01", "123456789012345678901234") == "JKT01-123456789012345678901234"


def test_a_number_too_long_is_cut_and_ends_with_a_hash_of_the_whole_number():
    assert NUMBER_MAX_LENGTH == 30
    assert invoice_number("JKT01", LONG) == "JKT01-2026-11-20-REGIST-1269C4"
    # The next POS number shares the kept part but not the hash.
    assert invoice_number("JKT01", "2026-11-20-REGISTER-07-000124") == "JKT01-2026-11-20-REGIST-E6C900"
    assert customer_number("C" * 31) == "CCCCCCCCCCCCCCCCCCCCCCC-764C64"


def test_a_long_number_keeps_its_suffix_so_it_still_says_what_it_is():
    assert receipt_number("JKT01", LONG, "bank_transfer") == "JKT01-2026-11--1ED096-TRANSFER"
    assert transfer_in_number("JKT01", LONG) == "JKT01-2026-11-20-REG-A9F953-IN"
    assert stock_take_number("JKT01", LONG) == "JKT01-2026-11-20-REG-6CB387-ST"
    assert refund_payment_number("JKT01", LONG) == "JKT01-2026-11-20-RE-C73EAF-OUT"
    assert payout_transfer_number("JKT01", LONG) == "JKT01-2026-11-20-RE-51FCD5-TRF"
    assert payout_fee_number("JKT01", LONG) == "JKT01-2026-11-20-RE-0F51FD-MDR"


def test_every_long_number_fits_and_is_the_same_every_time():
    numbers = [
        invoice_number("OUTLET-CODE-20-CHARS", LONG),
        receipt_number("OUTLET-CODE-20-CHARS", LONG, "bank_transfer"),
        transfer_out_number("OUTLET-CODE-20-CHARS", LONG),
        stock_take_number("OUTLET-CODE-20-CHARS", LONG),
    ]

    assert [len(number) for number in numbers] == [30, 30, 30, 30]
    assert len(set(numbers)) == 4
    assert invoice_number("OUTLET-CODE-20-CHARS", LONG) == numbers[0]
