"""A sale: its customer (when synced), the sales invoice, and one sales receipt per payment method."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Any

from outlets.models import Order, OrderLine, Product

from . import problems
from .customer import customer_no, plan_customer
from .dates import trans_date
from .numbers import invoice_number
from .receipts import plan_receipts
from .totals import invoice_total
from .types import BULK_SAVE, SALES_INVOICE, Destination, Planned

INVOICE_STAGE = 1
ZERO = Decimal(0)
ROUNDING = "Rounding"  # the expense line of the difference from the POS total


def plan_order(order: Order, to: Destination) -> list[Planned]:
    """The Accurate documents of a completed sale, in stages: customer, invoice, receipts.

    `order` comes with its lines (and their products) and payments prefetched.
    """
    customer = customer_no(order, to)
    invoice = invoice_payload(order, to, customer)
    number = invoice["number"]
    # Accurate's total is checked against the POS total after the save; a difference is booked to
    # the rounding account by the engine itself, when the outlet has one.
    rounding = to.rounding_account_no.strip()
    return [
        *plan_customer(order, to),
        Planned(SALES_INVOICE, BULK_SAVE, number, invoice, INVOICE_STAGE, order.total, rounding),
        *plan_receipts(order, to, customer=customer, invoice_no=number),
    ]


def invoice_payload(order: Order, to: Destination, customer: str) -> dict[str, Any]:
    warehouse = problems.required(to, "warehouse_name")
    taxed = order.tax > ZERO
    payload: dict[str, Any] = {
        "number": invoice_number(to.outlet_code, order.number),
        "transDate": trans_date(order.ordered_at, to.zone),
        "customerNo": customer,
        "branchName": problems.required(to, "branch_name"),
        "description": problems.describe(f"iSeller {to.outlet_code} {order.number}", order.note),
        "taxable": taxed,
        "inclusiveTax": order.tax_inclusive,
        **tax_name(to, taxed),
        "cashDiscount": order.order_discount,
        "detailItem": [item_line(line, warehouse, taxed=taxed) for line in order.lines.all()],
    }
    return with_expenses(payload, to, service_charge=order.service_charge, total=order.total)


def with_expenses(
    payload: dict[str, Any], to: Destination, *, service_charge: Decimal, total: Decimal
) -> dict[str, Any]:
    """The invoice `payload` (header and items) with its expense lines: the service charge, then the
    rounding difference that makes Accurate's total the POS `total` (a sale's, or a summary's sum)."""
    payload["detailExpense"] = []
    if service_charge:
        payload["detailExpense"].append(
            expense_line(to, "service_charge_account_no", "Service charge", service_charge)
        )
    # Whatever Accurate's arithmetic would leave apart from the POS total (the POS's own rounding,
    # a different tax rounding or rate) is booked to the rounding account, never dropped.
    difference = total - invoice_total(payload, to.tax_rate)
    if difference:
        payload["detailExpense"].append(expense_line(to, "rounding_account_no", ROUNDING, difference))
    return payload


class TaxMode(StrEnum):
    """How a sale's invoice carries PPN: its header's `taxable` and `inclusiveTax` (`invoice_payload`)."""

    UNTAXED = "untaxed"  # no PPN: whatever its inclusive flag, there is no tax to include
    EXCLUSIVE = "exclusive"  # PPN added on top of the prices
    INCLUSIVE = "inclusive"  # PPN inside the prices


def tax_mode(order: Order) -> TaxMode:
    """The tax mode of the sale's invoice, as `invoice_payload` sets its header."""
    if not order.tax > ZERO:
        return TaxMode.UNTAXED
    return TaxMode.INCLUSIVE if order.tax_inclusive else TaxMode.EXCLUSIVE


def tax_name(to: Destination, taxed: bool) -> dict[str, str]:
    """`tax1Name` on a taxed document when the store named its PPN tax; else Accurate's default."""
    return {"tax1Name": to.tax_name} if taxed and to.tax_name else {}


def line_taxed(product: Product, taxed: bool) -> bool:
    """A line bears PPN when its document carries tax and its product is taxable (basic necessities
    are not)."""
    return taxed and product.taxable


def item_line(line: OrderLine, warehouse: str, *, taxed: bool) -> dict[str, Any]:
    return item_fields(
        problems.item_no(line.product),
        line.quantity,
        line.unit_price,
        line.discount,
        warehouse,
        note=line.note,
        taxed=line_taxed(line.product, taxed),
    )


def item_fields(
    item_no: str,
    quantity: Decimal,
    unit_price: Decimal,
    discount: Decimal,
    warehouse: str,
    *,
    note: str,
    taxed: bool,
) -> dict[str, Any]:
    """An invoice's item line (a sale's line, or a summary's sum of lines of one item and price)."""
    return {
        "itemNo": item_no,
        "quantity": quantity,
        "unitPrice": unit_price,
        "itemCashDiscount": discount,
        "warehouseName": warehouse,
        "detailNotes": note,
        # Sent false too: a line left unflagged might take the tax of its item in Accurate [U].
        "useTax1": taxed,
    }


def expense_line(to: Destination, field: str, name: str, amount: Decimal) -> dict[str, Any]:
    return {"accountNo": problems.required(to, field), "expenseName": name, "expenseAmount": amount}


def rounding_corrected(payload: dict[str, Any], difference: Decimal, account_no: str) -> dict[str, Any]:
    """The invoice `payload` with `difference` more on its rounding line (a new line when it has none;
    none left when it comes to zero): what the engine sends when Accurate's total differs."""
    expenses = [dict(line) for line in payload.get("detailExpense", [])]
    rounding = [line for line in expenses if line.get("expenseName") == ROUNDING]
    if rounding:
        rounding[0]["expenseAmount"] = Decimal(rounding[0]["expenseAmount"]) + difference
    else:
        expenses.append({"accountNo": account_no, "expenseName": ROUNDING, "expenseAmount": difference})
    kept = [line for line in expenses if line.get("expenseName") != ROUNDING or line["expenseAmount"]]
    return {**payload, "detailExpense": kept}
