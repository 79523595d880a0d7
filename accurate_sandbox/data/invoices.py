"""Sales invoices: item lines, expense lines, discounts and tax, with the total computed exactly."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from accurate_sandbox.config import TAX_RATE
from accurate_sandbox.data.context import Built, Context, Move
from accurate_sandbox.data.lines import item_line
from accurate_sandbox.data.spec import ModuleSpec
from accurate_sandbox.data.values import flag, lines, money, text, trans_date

CENT = Decimal("0.01")


def priced_line(ctx: Context, line: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """An item line with its price, discounts and `totalPrice` = qty × price × (1 − disc%) − cash disc."""
    result, stocked = item_line(ctx, line)
    unit_price = money(line, "unitPrice")
    percent = money(line, "itemDiscPercent")
    cash = money(line, "itemCashDiscount")
    gross = result["quantity"] * unit_price
    total = gross - gross * percent / 100 - cash
    result.update(unitPrice=unit_price, itemDiscPercent=percent, itemCashDiscount=cash, totalPrice=total)
    return result, stocked


def expense_line(ctx: Context, line: dict[str, Any]) -> dict[str, Any]:
    account = ctx.account(text(line, "accountNo", required=True, label="Akun biaya"))
    return {
        "id": ctx.next_line_id() if not str(line.get("id") or "").isdigit() else int(line["id"]),
        "accountNo": account["no"],
        "expenseName": text(line, "expenseName") or account["name"],
        "expenseAmount": money(line, "expenseAmount"),
    }


def totals(sub_total: Decimal, body: dict[str, Any], expenses: Decimal) -> dict[str, Any]:
    """Cash discount off the lines, then PPN (added, or carved out when inclusive), then expenses.

    Tax rounding to two decimals, half up, is the sandbox's choice [U].
    """
    cash_discount = money(body, "cashDiscount")
    taxable = flag(body, "taxable")
    inclusive = flag(body, "inclusiveTax")
    base = sub_total - cash_discount
    tax = Decimal(0)
    if taxable and inclusive:
        tax = (base - base / (1 + TAX_RATE)).quantize(CENT, ROUND_HALF_UP)
    elif taxable:
        tax = (base * TAX_RATE).quantize(CENT, ROUND_HALF_UP)
    total = base + (0 if inclusive else tax) + expenses
    return {
        "taxable": taxable,
        "inclusiveTax": inclusive,
        "cashDiscount": cash_discount,
        "subTotal": sub_total,
        "taxAmount": tax,
        "totalExpense": expenses,
        "totalAmount": total,
    }


def build_invoice(ctx: Context, body: dict[str, Any]) -> Built:
    date = trans_date(body)
    customer = ctx.customer(text(body, "customerNo", required=True, label="Pelanggan"))
    branch = ctx.branch(body)
    items: list[dict[str, Any]] = []
    moves: list[Move] = []
    for line in lines(body, "detailItem"):
        priced, stocked = priced_line(ctx, line)
        items.append(priced)
        if stocked:
            moves.append((priced["itemNo"], priced["warehouseName"], -priced["quantity"]))
    expenses = [expense_line(ctx, line) for line in lines(body, "detailExpense", required=False)]
    sub_total = sum((line["totalPrice"] for line in items), Decimal(0))
    expense_total = sum((line["expenseAmount"] for line in expenses), Decimal(0))
    record = {
        "number": text(body, "number"),
        "transDate": date,
        "customerNo": customer["customerNo"],
        **branch,
        "description": text(body, "description"),
        "detailItem": items,
        "detailExpense": expenses,
        **totals(sub_total, body, expense_total),
    }
    return Built(record, moves)


SPECS = [ModuleSpec("sales-invoice", "sales_invoice", "number", build_invoice, prefix="SI")]
