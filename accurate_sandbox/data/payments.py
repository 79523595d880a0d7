"""Money out of a cash/bank account: bank transfers (Transfer Bank) and other payments (Pembayaran).

Field names follow docs/accurate.md: a transfer moves `fromBankAmount` from `fromBankNo` to
`toBankNo`, both cash/bank accounts; an other payment takes money out of `bankNo` (a cash/bank account)
and debits the accounts of its `detailAccount` lines.
"""

from __future__ import annotations

from typing import Any

from accurate_sandbox.data.context import Built, Context
from accurate_sandbox.data.deposits import build_deposit
from accurate_sandbox.data.spec import ModuleSpec
from accurate_sandbox.data.values import Invalid, money, text, trans_date


def build_bank_transfer(ctx: Context, body: dict[str, Any]) -> Built:
    date = trans_date(body)
    source = ctx.account(text(body, "fromBankNo", required=True, label="Dari Akun Kas/Bank"), cash_bank=True)
    target = ctx.account(text(body, "toBankNo", required=True, label="Ke Akun Kas/Bank"), cash_bank=True)
    # [U] Accurate's wording for a transfer to the same account; the sandbox refuses it.
    if source["no"] == target["no"]:
        raise Invalid("Akun asal dan akun tujuan tidak boleh sama")
    amount = money(body, "fromBankAmount")
    if amount <= 0:
        raise Invalid("Nilai transfer harus lebih dari 0")
    record = {
        "number": text(body, "number"),
        "transDate": date,
        "fromBankNo": source["no"],
        "toBankNo": target["no"],
        "fromBankAmount": amount,
        **ctx.branch(body),
        "description": text(body, "description"),
        "totalAmount": amount,
    }
    return Built(record)


def build_other_payment(ctx: Context, body: dict[str, Any]) -> Built:
    """An other deposit's fields, the money going out of `bankNo` instead of in. Any account may be
    debited by a line [U]: whether Accurate refuses a receivable account there (or asks for its
    customer) is not known, so the sandbox does not guess."""
    return build_deposit(ctx, body)


SPECS = [
    ModuleSpec("bank-transfer", "bank_transfer", "number", build_bank_transfer, prefix="BT"),
    ModuleSpec("other-payment", "other_payment", "number", build_other_payment, prefix="OP"),
]
