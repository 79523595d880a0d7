"""Sales invoices: item lines, expense lines, discounts and tax, with the total computed exactly."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from accurate_sandbox.data.context import Built, Context, Move
from accurate_sandbox.data.lines import item_line
from accurate_sandbox.data.spec import ModuleSpec
from accurate_sandbox.data.taxes import document_totals
from accurate_sandbox.data.values import flag, lines, money, text, trans_date


def priced_line(ctx: Context, line: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """An item line with its price, discounts and `totalPrice` = qty × price × (1 − disc%) − cash disc."""
    result, stocked = item_line(ctx, line)
    unit_price = money(line, "unitPrice")
    percent = money(line, "itemDiscPercent")
    cash = money(line, "itemCashDiscount")
    gross = result["quantity"] * unit_price
    total = gross - gross * percent / 100 - cash
    result.update(unitPrice=unit_price, itemDiscPercent=percent, itemCashDiscount=cash, totalPrice=total)
    result["useTax1"] = flag(line, "useTax1")  # PPN on this line, when the document is taxable
    return result, stocked


def expense_line(ctx: Context, line: dict[str, Any]) -> dict[str, Any]:
    account = ctx.account(text(line, "accountNo", required=True, label="Akun biaya"))
    return {
        "id": ctx.next_line_id() if not str(line.get("id") or "").isdigit() else int(line["id"]),
        "accountNo": account["no"],
        "expenseName": text(line, "expenseName") or account["name"],
        "expenseAmount": money(line, "expenseAmount"),
    }


def totals(
    ctx: Context, items: list[dict[str, Any]], body: dict[str, Any], expenses: Decimal
) -> dict[str, Any]:
    """The document's totals: PPN as its line flags say (accurate_sandbox/data/taxes.py)."""
    return document_totals(
        items,
        cash_discount=money(body, "cashDiscount"),
        expenses=expenses,
        taxable=flag(body, "taxable"),
        inclusive=flag(body, "inclusiveTax"),
        rule=ctx.tax,
    )


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
    expense_total = sum((line["expenseAmount"] for line in expenses), Decimal(0))
    record = {
        "number": text(body, "number"),
        "transDate": date,
        "customerNo": customer["customerNo"],
        **branch,
        "description": text(body, "description"),
        "tax1Name": text(body, "tax1Name"),
        "detailItem": items,
        "detailExpense": expenses,
        **totals(ctx, items, body, expense_total),
    }
    return Built(record, moves)


SPECS = [ModuleSpec("sales-invoice", "sales_invoice", "number", build_invoice, prefix="SI")]
