"""A deposit (a customer's deposit or cash put in): an other deposit into the payment method's account,
credited to the outlet's deposit account."""

from __future__ import annotations

from typing import Any

from outlets.models import Deposit

from . import problems
from .dates import trans_date
from .numbers import deposit_number
from .types import BULK_SAVE, OTHER_DEPOSIT, Destination, Planned

DEPOSIT_STAGE = 1


def plan_deposit(deposit: Deposit, to: Destination) -> list[Planned]:
    kind = Deposit.Kind(deposit.kind).label  # "Customer deposit" / "Cash in"
    payload: dict[str, Any] = {
        "number": deposit_number(to.outlet_code, deposit.number),
        "transDate": trans_date(deposit.received_at, to.zone),
        "bankNo": problems.cash_account(to, deposit.payment_method),
        "payee": deposit.customer_name,
        "branchName": problems.required(to, "branch_name"),
        "description": problems.describe(
            f"iSeller {kind.lower()} {to.outlet_code} {deposit.number}", deposit.note
        ),
        "detailAccount": [
            {
                "accountNo": problems.required(to, "deposit_account_no"),
                "amount": deposit.amount,
                "expenseName": kind,
            }
        ],
    }
    number = payload["number"]
    return [Planned(OTHER_DEPOSIT, BULK_SAVE, number, payload, DEPOSIT_STAGE, expected_total=deposit.amount)]
