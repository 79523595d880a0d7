"""What the mappers take (a Destination) and give (Planned documents), and the one error they raise."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

# Accurate modules the mappers plan documents for.
CUSTOMER = "customer"
SALES_INVOICE = "sales-invoice"
SALES_RECEIPT = "sales-receipt"
SALES_RETURN = "sales-return"
ITEM_TRANSFER = "item-transfer"
ITEM_ADJUSTMENT = "item-adjustment"
OTHER_DEPOSIT = "other-deposit"
BANK_TRANSFER = "bank-transfer"
OTHER_PAYMENT = "other-payment"

# Actions: bulk-save.do, item-adjustment/save-target-quantity.do, delete.do.
BULK_SAVE = "bulk-save"
SAVE_TARGET_QUANTITY = "save-target-quantity"
DELETE = "delete"


@dataclass(frozen=True)
class Destination:
    """Where one outlet's documents go."""

    outlet_code: str
    zone: ZoneInfo  # the outlet's zone: transDate is the outlet's LOCAL date
    branch_name: str
    warehouse_name: str
    # PaymentMethod value -> Accurate cash/bank account no (iSellerPay: its clearing account)
    payment_accounts: Mapping[str, str]
    mdr_account_no: str  # the iSellerPay MDR fee (expense), booked when a payout arrives
    service_charge_account_no: str
    rounding_account_no: str
    adjustment_account_no: str
    deposit_account_no: str
    walk_in_customer_no: str
    sync_customers: bool
    transit_warehouse_name: str
    tax_rate: Decimal  # percent, e.g. Decimal("11.00")
    payout_account_no: str = ""  # the cash/bank account iSellerPay payouts land in
    refund_account_no: str = ""  # what a refund's money out debits (the customer's receivable) [U]
    tax_name: str = ""  # [U] the database's PPN tax (tax1Name); "" leaves Accurate's default


@dataclass(frozen=True)
class Planned:
    """One Accurate document (or deletion) an activity needs."""

    module: str  # CUSTOMER, SALES_INVOICE, …
    action: str  # BULK_SAVE | SAVE_TARGET_QUANTITY | DELETE
    number: str  # our deterministic number (for a customer: the customer no)
    # JSON-able: Decimals stay Decimal, dates are "dd/MM/yyyy" strings; {} for a deletion.
    payload: dict[str, Any]
    # Sent only after the activity's earlier-stage documents are in Accurate.
    stage: int
    # What the POS says its total in Accurate must be; None: not checked. After every save the
    # engine compares Accurate's own total with it (sync/engine/verify.py).
    expected_total: Decimal | None = None
    # Where the engine may book a difference in Accurate's total itself (a sales invoice's rounding
    # account); "": a difference cannot be corrected and is flagged.
    rounding_account_no: str = ""


class MappingProblem(Exception):
    """A document that cannot go to Accurate until the merchant fixes something (permanent).

    str(e) names the thing and the fix, in words a merchant understands. `product` is true when the
    fix is in the catalogue (a SKU to give or shorten), which a product push follows.
    """

    def __init__(self, message: str, *, product: bool = False) -> None:
        super().__init__(message)
        self.product = product
