"""Item transfers: out of a warehouse into transit, then (TRANSFER_IN) out of transit into the destination."""

from __future__ import annotations

from typing import Any

from accurate_sandbox.data.context import Built, Context, Move
from accurate_sandbox.data.lines import item_line
from accurate_sandbox.data.spec import ModuleSpec
from accurate_sandbox.data.values import Invalid, lines, text, trans_date

TYPES = {"TRANSFER_OUT", "TRANSFER_IN"}


def build_transfer(ctx: Context, body: dict[str, Any]) -> Built:
    date = trans_date(body)
    kind = text(body, "itemTransferType", required=True, label="Tipe Pemindahan")
    if kind not in TYPES:
        raise Invalid("Invalid field value for field itemTransferType")
    branch = ctx.branch(body)
    warehouse = ctx.warehouse(text(body, "warehouseName", required=True, label="Gudang"))
    from_number = text(body, "fromItemTransferNo")
    reference = text(body, "referenceWarehouseName")
    if kind == "TRANSFER_IN":
        # An IN receives what an OUT sent: it names the OUT and takes from its transit warehouse.
        if not from_number:
            raise Invalid("fromItemTransferNo harus diisi")
        sent = ctx.find("item-transfer", from_number)
        if sent is None or sent.get("itemTransferType") != "TRANSFER_OUT":
            raise Invalid(f"Pemindahan Barang keluar dengan No {from_number} tidak ditemukan")
        reference = reference or str(sent["referenceWarehouseName"])
    reference = ctx.warehouse(reference) if reference else ""
    if not reference:
        raise Invalid("Gudang tujuan (referenceWarehouseName) harus diisi")
    if reference == warehouse:
        raise Invalid("Gudang asal dan gudang tujuan tidak boleh sama")
    items: list[dict[str, Any]] = []
    moves: list[Move] = []
    source, target = (warehouse, reference) if kind == "TRANSFER_OUT" else (reference, warehouse)
    for line in lines(body, "detailItem"):
        moved, stocked = item_line(ctx, {**line, "warehouseName": ""})
        moved.pop("warehouseName")
        items.append(moved)
        if stocked:
            moves += [
                (moved["itemNo"], source, -moved["quantity"]),
                (moved["itemNo"], target, moved["quantity"]),
            ]
    record = {
        "number": text(body, "number"),
        "transDate": date,
        "itemTransferType": kind,
        **branch,
        "warehouseName": warehouse,
        "referenceWarehouseName": reference,
        "fromItemTransferNo": from_number,
        "description": text(body, "description"),
        "detailItem": items,
    }
    return Built(record, moves)


SPECS = [ModuleSpec("item-transfer", "item_transfer", "number", build_transfer, prefix="IT")]
