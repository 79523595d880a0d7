"""Sales receipts: money into a cash/bank account paying one or more invoices."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from accurate_sandbox.data.context import Built, Context
from accurate_sandbox.data.lines import line_id
from accurate_sandbox.data.spec import ModuleSpec
from accurate_sandbox.data.values import Invalid, lines, money, text, trans_date


def invoice_line(ctx: Context, line: dict[str, Any]) -> dict[str, Any]:
    number = text(line, "invoiceNo", required=True, label="No Faktur")
    if ctx.find("sales-invoice", number) is None:
        raise Invalid(f"Faktur Penjualan dengan No {number} tidak ditemukan")
    amount = money(line, "paymentAmount")
    if amount <= 0:
        raise Invalid(f"Nilai pembayaran faktur {number} harus lebih dari 0")
    return {"id": line_id(ctx, line), "invoiceNo": number, "paymentAmount": amount}


def build_receipt(ctx: Context, body: dict[str, Any]) -> Built:
    date = trans_date(body)
    customer = ctx.customer(text(body, "customerNo", required=True, label="Pelanggan"))
    bank = ctx.account(text(body, "bankNo", required=True, label="Akun Kas/Bank"), cash_bank=True)
    branch = ctx.branch(body)
    invoices = [invoice_line(ctx, line) for line in lines(body, "detailInvoice")]
    paid = sum((line["paymentAmount"] for line in invoices), Decimal(0))
    cheque = money(body, "chequeAmount", default=paid)
    # Accurate keeps an over- or under-payment apart; the sandbox demands they match [U].
    if cheque != paid:
        raise Invalid(f"Nilai diterima {cheque} tidak sama dengan total pembayaran faktur {paid}")
    record = {
        "number": text(body, "number"),
        "transDate": date,
        "customerNo": customer["customerNo"],
        "bankNo": bank["no"],
        **branch,
        "paymentMethod": text(body, "paymentMethod") or "CASH_OTHER",
        "description": text(body, "description"),
        "chequeAmount": cheque,
        "detailInvoice": invoices,
        "totalAmount": paid,
    }
    return Built(record)


SPECS = [ModuleSpec("sales-receipt", "sales_receipt", "number", build_receipt, prefix="SR")]
