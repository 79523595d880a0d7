"""Sales returns against an invoice: the goods come back into the warehouse."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from accurate_sandbox.data.context import Built, Context, Move
from accurate_sandbox.data.invoices import priced_line, totals
from accurate_sandbox.data.spec import ModuleSpec
from accurate_sandbox.data.values import Invalid, lines, text, trans_date


def build_return(ctx: Context, body: dict[str, Any]) -> Built:
    date = trans_date(body)
    invoice_number = text(body, "invoiceNumber", required=True, label="No Faktur")
    invoice = ctx.find("sales-invoice", invoice_number)
    if invoice is None:
        raise Invalid(f"Faktur Penjualan dengan No {invoice_number} tidak ditemukan")
    customer = ctx.customer(text(body, "customerNo") or str(invoice["customerNo"]))
    branch = ctx.branch(body)
    items: list[dict[str, Any]] = []
    moves: list[Move] = []
    for line in lines(body, "detailItem"):
        priced, stocked = priced_line(ctx, line)
        items.append(priced)
        if stocked:
            moves.append((priced["itemNo"], priced["warehouseName"], priced["quantity"]))
    record = {
        "number": text(body, "number"),
        "transDate": date,
        "customerNo": customer["customerNo"],
        "invoiceNumber": invoice_number,
        "returnType": text(body, "returnType") or "INVOICE",
        **branch,
        "description": text(body, "description"),
        "tax1Name": text(body, "tax1Name"),
        "detailItem": items,
        # Taxed as an invoice is: PPN on the lines flagged useTax1 of a taxable return.
        **totals(ctx, items, body, Decimal(0)),
    }
    return Built(record, moves)


SPECS = [ModuleSpec("sales-return", "sales_return", "number", build_return, prefix="SRT")]
