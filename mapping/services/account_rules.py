"""The first values of an outlet's mapping, chosen from Accurate's lists by account type and name:
the cash account for cash, a bank for cards, QRIS and wallets, a clearing account for iSellerPay, and
one account per purpose (rounding, adjustments, deposits, refunds, the MDR fee…). Pure: the lists
are the rows kept from Accurate, passed in by the caller."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from outlets.models import PaymentMethod

Row = Mapping[str, Any]

CASH_BANK = "CASH_BANK"
EXPENSE_TYPES = ("EXPENSE", "OTHER_EXPENSE")
RECEIVABLE = "ACCOUNT_RECEIVABLE"
LIABILITY = "OTHER_CURRENT_LIABILITY"
ISELLER_PAY = PaymentMethod.ISELLER_PAY.value
PLACE_FIELDS = {"branch_name": "Branch", "warehouse_name": "Warehouse"}
# Card, QR and wallet money lands in a bank account; iSellerPay money waits with iSeller (in Accurate:
# a cash/bank clearing account) until a payout moves it to the bank, less the MDR fee.
BANK_METHODS = ("debit_card", "credit_card", "qris", "e_wallet", "bank_transfer")
BANK_WORDS = ("bank", "bca", "bni", "bri", "mandiri", "cimb", "permata")
CLEARING_WORDS = ("isellerpay", "iseller pay", "iseller", "clearing", "kliring", "transit")
# Account fields needed only where the store takes iSellerPay, and the account types some fields need.
ISELLER_PAY_FIELDS = ("mdr_account_no", "payout_account_no")
ACCOUNT_TYPES: dict[str, tuple[str, ...]] = {
    "mdr_account_no": EXPENSE_TYPES,
    "payout_account_no": (CASH_BANK,),
}


@dataclass(frozen=True)
class Rule:
    """How to recognise an account: keywords in order of preference, then the types to prefer.

    `only_types` keeps out every other type; a name with an `avoid` word is never picked.
    """

    keywords: tuple[str, ...]
    prefer_types: tuple[str, ...] = ()
    only_types: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()


CASH_RULE = Rule(("kas", "cash"), only_types=(CASH_BANK,), avoid=(*CLEARING_WORDS, *BANK_WORDS))
BANK_RULE = Rule(BANK_WORDS, only_types=(CASH_BANK,), avoid=CLEARING_WORDS)
CLEARING_RULE = Rule(CLEARING_WORDS, only_types=(CASH_BANK,))

# Indonesian names first: Accurate's default chart of accounts is in Bahasa Indonesia.
ACCOUNT_RULES = {
    "mdr_account_no": Rule(("mdr", "merchant discount", "isellerpay", "iseller"), only_types=EXPENSE_TYPES),
    "payout_account_no": BANK_RULE,
    "refund_account_no": Rule(
        ("piutang usaha", "piutang dagang", "accounts receivable", "piutang", "receivable"), (RECEIVABLE,)
    ),
    "sales_discount_account_no": Rule(
        ("diskon penjualan", "potongan penjualan", "sales discount", "diskon", "discount", "potongan"),
        ("REVENUE",),
    ),
    "tax_account_no": Rule(("ppn keluaran", "output tax", "ppn", "vat", "pajak", "tax"), (LIABILITY,)),
    "service_charge_account_no": Rule(
        ("service charge", "service", "layanan", "jasa"), ("REVENUE", "OTHER_INCOME")
    ),
    "rounding_account_no": Rule(("pembulatan", "rounding")),
    "adjustment_account_no": Rule(
        ("penyesuaian persediaan", "stock adjustment", "penyesuaian", "adjustment"), ("COGS", "EXPENSE")
    ),
    "deposit_account_no": Rule(
        ("uang muka pelanggan", "customer deposit", "uang muka", "deposit", "down payment"), (LIABILITY,)
    ),
}


def has_word(name: str, keyword: str) -> bool:
    return re.search(rf"\b{re.escape(keyword)}\b", name.lower()) is not None


def usable(rows: Iterable[Row]) -> Sequence[Row]:
    return [row for row in rows if not row.get("suspended")]


def pick_account(accounts: Sequence[Row], rule: Rule) -> str:
    """The account number best matching `rule`, or "" when nothing matches."""
    for keyword in rule.keywords:
        found = [
            row
            for row in accounts
            if has_word(row["name"], keyword)
            and (not rule.only_types or row.get("accountType") in rule.only_types)
            and not any(has_word(row["name"], word) for word in rule.avoid)
        ]
        if found:
            preferred = [row for row in found if row.get("accountType") in rule.prefer_types] or found
            # "Kas" over "Kas Kecil": the plainest name is the main account.
            return str(min(preferred, key=lambda row: len(row["name"]))["no"])
    return ""


def only_name(rows: Sequence[Row]) -> str:
    """A branch or warehouse is chosen for the merchant only when there is no choice to make."""
    return str(rows[0]["name"]) if len(rows) == 1 else ""


def mapping_defaults(
    *, accounts: Sequence[Row], branches: Sequence[Row], warehouses: Sequence[Row], methods: list[str]
) -> dict[str, Any]:
    """Sensible first values for an outlet's mapping, chosen from Accurate's lists by type and name.

    iSellerPay's clearing account is offered whether or not the store took iSellerPay yet; without
    an account that looks like one it stays empty (a bank is not where that money waits).
    """
    accounts = usable(accounts)
    bank = pick_account(accounts, BANK_RULE)
    by_method = {
        "cash": pick_account(accounts, CASH_RULE),
        ISELLER_PAY: pick_account(accounts, CLEARING_RULE),
    } | dict.fromkeys(BANK_METHODS, bank)
    stores = [row for row in usable(warehouses) if not row.get("transit")]
    return {
        "branch_name": only_name(usable(branches)),
        "warehouse_name": only_name(stores),
        **{field: pick_account(accounts, rule) for field, rule in ACCOUNT_RULES.items()},
        "payments": {method: by_method.get(method, "") for method in with_iseller_pay(methods)},
    }


def with_iseller_pay(methods: Sequence[str]) -> list[str]:
    """The methods of the page: those the store took, and iSellerPay's clearing account always."""
    return list(dict.fromkeys([*methods, ISELLER_PAY]))
