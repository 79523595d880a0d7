"""A sale: its customer (when synced), the sales invoice, and one sales receipt per payment method."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from outlets.models import Order, OrderLine

from . import problems
from .customer import customer_no, plan_customer
from .dates import trans_date
from .numbers import invoice_number
from .receipts import plan_receipts
from .totals import invoice_total
from .types import BULK_SAVE, SALES_INVOICE, Destination, Planned

INVOICE_STAGE = 1
ZERO = Decimal(0)


def plan_order(order: Order, to: Destination) -> list[Planned]:
    """The Accurate documents of a completed sale, in stages: customer, invoice, receipts.

    `order` comes with its lines (and their products) and payments prefetched.
    """
    customer = customer_no(order, to)
    invoice = invoice_payload(order, to, customer)
    number = invoice["number"]
    return [
        *plan_customer(order, to),
        Planned(SALES_INVOICE, BULK_SAVE, number, invoice, INVOICE_STAGE),
        *plan_receipts(order, to, customer=customer, invoice_no=number),
    ]


def invoice_payload(order: Order, to: Destination, customer: str) -> dict[str, Any]:
    warehouse = problems.required(to, "warehouse_name")
    payload: dict[str, Any] = {
        "number": invoice_number(to.outlet_code, order.number),
        "transDate": trans_date(order.ordered_at, to.zone),
        "customerNo": customer,
        "branchName": problems.required(to, "branch_name"),
        "description": problems.describe(f"iSeller {to.outlet_code} {order.number}", order.note),
        "taxable": order.tax > ZERO,
        "inclusiveTax": order.tax_inclusive,
        "cashDiscount": order.order_discount,
        "detailItem": [item_line(line, warehouse) for line in order.lines.all()],
        "detailExpense": [],
    }
    if order.service_charge:
        payload["detailExpense"].append(
            expense_line(to, "service_charge_account_no", "Service charge", order.service_charge)
        )
    # Whatever Accurate's arithmetic would leave apart from the POS total (the POS's own rounding,
    # a different tax rounding or rate) is booked to the rounding account, never dropped.
    difference = order.total - invoice_total(payload, to.tax_rate)
    if difference:
        payload["detailExpense"].append(expense_line(to, "rounding_account_no", "Rounding", difference))
    return payload


def item_line(line: OrderLine, warehouse: str) -> dict[str, Any]:
    return {
        "itemNo": problems.item_no(line.product),
        "quantity": line.quantity,
        "unitPrice": line.unit_price,
        "itemCashDiscount": line.discount,
        "warehouseName": warehouse,
        "detailNotes": line.note,
    }


def expense_line(to: Destination, field: str, name: str, amount: Decimal) -> dict[str, Any]:
    return {"accountNo": problems.required(to, field), "expenseName": name, "expenseAmount": amount}
