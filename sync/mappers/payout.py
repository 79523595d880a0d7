"""An iSellerPay payout: the net moved from the iSellerPay clearing account to the outlet's bank (a bank
transfer), and the MDR fee iSeller kept taken out of the clearing account as an expense (an other
payment). Together they empty the clearing account of the gross the payout covers."""

from __future__ import annotations

from datetime import date
from typing import Any

from outlets.models import PaymentMethod, Payout

from . import problems
from .dates import trans_date
from .numbers import payout_fee_number, payout_transfer_number
from .types import BANK_TRANSFER, BULK_SAVE, OTHER_PAYMENT, Destination, Planned

PAYOUT_STAGE = 1
# [U] Free text in Accurate ("Informasi Penerima"): who the fee was paid to.
FEE_PAYEE = "iSellerPay"
FEE_NAME = "iSellerPay MDR fee"


def plan_payout(payout: Payout, to: Destination) -> list[Planned]:
    """The transfer of `net`, and the fee's other payment when iSellerPay kept a fee."""
    clearing = problems.cash_account(to, PaymentMethod.ISELLER_PAY)
    day = trans_date(payout.paid_at, to.zone)
    branch = problems.required(to, "branch_name")
    head = payout_head(payout, to)
    transfer: dict[str, Any] = {
        "number": payout_transfer_number(to.outlet_code, payout.number),
        "transDate": day,
        "fromBankNo": clearing,
        "toBankNo": problems.required(to, "payout_account_no"),
        "fromBankAmount": payout.net,
        "branchName": branch,
        "description": problems.describe(head, payout.note),
    }
    planned = [Planned(BANK_TRANSFER, BULK_SAVE, transfer["number"], transfer, PAYOUT_STAGE)]
    if not payout.fee:
        return planned  # nothing kept: an other payment of 0 would be refused
    fee: dict[str, Any] = {
        "number": payout_fee_number(to.outlet_code, payout.number),
        "transDate": day,
        "bankNo": clearing,
        "payee": FEE_PAYEE,
        "branchName": branch,
        "description": problems.describe(f"{FEE_NAME} {to.outlet_code} {payout.number}", payout.note),
        # [U] expenseName and detailNotes per line, as other-deposit takes them (docs/accurate.md).
        "detailAccount": [
            {
                "accountNo": problems.required(to, "mdr_account_no"),
                "amount": payout.fee,
                "expenseName": FEE_NAME,
                "detailNotes": head,
            }
        ],
    }
    # [U] Only the other payment's total is checked after the save: whether Accurate answers a
    # transfer with a total of its own is not known.
    fee_planned = Planned(
        OTHER_PAYMENT, BULK_SAVE, fee["number"], fee, PAYOUT_STAGE, expected_total=payout.fee
    )
    return [*planned, fee_planned]


def payout_head(payout: Payout, to: Destination) -> str:
    """ "iSellerPay payout JKT01 PO-1, payments 17/11/2026–19/11/2026, ref TRF-88": what it covers."""
    head = f"iSellerPay payout {to.outlet_code} {payout.number}"
    if payout.period_start or payout.period_end:
        head += f", payments {_day(payout.period_start)}–{_day(payout.period_end)}"
    if payout.reference.strip():
        head += f", ref {payout.reference.strip()}"
    return head


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "…"
