"""The checks every mapper shares, each failing with a MappingProblem that names the thing and the fix."""

from __future__ import annotations

from mapping.products.checks import SKU_MAX_LENGTH
from outlets.models import PaymentMethod, Product

from .types import Destination, MappingProblem

OUTLET_MAPPING_PAGE = "Apps → Accurate → Outlet mapping"
SETTINGS_PAGE = "Apps → Accurate → Synchronization schedule"
PRODUCTS_PAGE = "Apps → Accurate → Product mapping"

# The merchant's name for each Destination field a document may need (as on the outlet mapping page).
FIELD_LABELS: dict[str, str] = {
    "branch_name": "Accurate branch",
    "warehouse_name": "Accurate warehouse",
    "mdr_account_no": "iSellerPay MDR fee account",
    "payout_account_no": "iSellerPay payout bank account",
    "refund_account_no": "refund account",
    "service_charge_account_no": "service charge account",
    "rounding_account_no": "rounding difference account",
    "adjustment_account_no": "stock adjustment account",
    "deposit_account_no": "customer deposit account",
}


def required(to: Destination, field: str) -> str:
    """The outlet's mapped value of `field`, or a MappingProblem naming the outlet and the field."""
    value = str(getattr(to, field)).strip()
    if not value:
        raise MappingProblem(
            f"Outlet {to.outlet_code} has no {FIELD_LABELS[field]}: set it in {OUTLET_MAPPING_PAGE}."
        )
    return value


def walk_in_customer(to: Destination) -> str:
    if not to.walk_in_customer_no.strip():
        raise MappingProblem(
            "No walk-in customer is set for sales without a customer: "
            f"choose the Accurate customer for them in {SETTINGS_PAGE}."
        )
    return to.walk_in_customer_no.strip()


def transit_warehouse(to: Destination) -> str:
    if not to.transit_warehouse_name.strip():
        raise MappingProblem(
            "No transit warehouse is set for transfers between outlets: "
            f"choose the Accurate transit warehouse in {SETTINGS_PAGE}."
        )
    return to.transit_warehouse_name.strip()


def cash_account(to: Destination, method: str) -> str:
    """The Accurate cash/bank account a payment method's money goes into at this outlet.

    iSellerPay money sits with iSeller until a payout: its account is the iSellerPay clearing account.
    """
    account = to.payment_accounts.get(method, "").strip()
    if method == PaymentMethod.ISELLER_PAY:
        fix = f"set the iSellerPay clearing account in {OUTLET_MAPPING_PAGE}"
    else:
        fix = f"map it in {OUTLET_MAPPING_PAGE}"
    if not account:
        label = PaymentMethod(method).label
        raise MappingProblem(
            f"Payment method {label} has no Accurate account for outlet {to.outlet_code}: {fix}."
        )
    return account


def item_no(product: Product) -> str:
    """The product's Accurate item code: its SKU, trimmed as Accurate trims it."""
    sku = product.sku.strip()
    if not sku:
        raise MappingProblem(
            f"Product {product.name} (POS id {product.pos_id}) has no SKU: give it a SKU at the POS "
            f"and export it to Accurate ({PRODUCTS_PAGE}).",
            product=True,
        )
    if len(sku) > SKU_MAX_LENGTH:
        raise MappingProblem(
            f"Product {product.name} (POS id {product.pos_id}) has a SKU longer than {SKU_MAX_LENGTH} "
            f"characters, which Accurate does not accept: shorten it at the POS and export it to "
            f"Accurate ({PRODUCTS_PAGE}).",
            product=True,
        )
    return sku


def describe(head: str, note: str) -> str:
    """A document's description: what it is in iSeller, then the cashier's note if any."""
    note = note.strip()
    return f"{head}: {note}" if note else head
