"""Other deposits: money into a cash/bank account, credited to the accounts of its lines."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from accurate_sandbox.data.context import Built, Context
from accurate_sandbox.data.lines import line_id
from accurate_sandbox.data.spec import ModuleSpec
from accurate_sandbox.data.values import Invalid, lines, money, text, trans_date


def account_line(ctx: Context, line: dict[str, Any]) -> dict[str, Any]:
    account = ctx.account(text(line, "accountNo", required=True, label="No Akun"))
    amount = money(line, "amount")
    if amount <= 0:
        raise Invalid(f"Nilai untuk akun {account['no']} harus lebih dari 0")
    return {
        "id": line_id(ctx, line),
        "accountNo": account["no"],
        "amount": amount,
        "expenseName": text(line, "expenseName"),
        "detailNotes": text(line, "detailNotes"),
    }


def build_deposit(ctx: Context, body: dict[str, Any]) -> Built:
    date = trans_date(body)
    bank = ctx.account(text(body, "bankNo", required=True, label="Akun Kas/Bank"), cash_bank=True)
    branch = ctx.branch(body)
    accounts = [account_line(ctx, line) for line in lines(body, "detailAccount")]
    record = {
        "number": text(body, "number"),
        "transDate": date,
        "bankNo": bank["no"],
        "payee": text(body, "payee"),
        **branch,
        "description": text(body, "description"),
        "detailAccount": accounts,
        "totalAmount": sum((line["amount"] for line in accounts), Decimal(0)),
    }
    return Built(record)


SPECS = [ModuleSpec("other-deposit", "other_deposit", "number", build_deposit, prefix="OD")]
