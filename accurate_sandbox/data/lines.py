"""Detail lines shared by documents: line ids, item lines with quantities, stock-moving items."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from accurate_sandbox.data.context import Context
from accurate_sandbox.data.values import Invalid, money, text

# Items of these types are not counted in a warehouse.
STOCKLESS_TYPES = {"SERVICE", "NON_INVENTORY", "GROUP"}


def line_id(ctx: Context, line: dict[str, Any]) -> int:
    """Keep a line's id when the caller sends it back (an update keeps that line), else a new one."""
    raw = str(line.get("id") or "").strip()
    return int(raw) if raw.isdigit() else ctx.next_line_id()


def quantity(line: dict[str, Any], field: str = "quantity") -> Decimal:
    value = money(line, field)
    if value <= 0:
        raise Invalid(f"Kuantitas barang {line.get('itemNo', '')} harus lebih dari 0")
    return value


def item_line(ctx: Context, line: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The common part of an item line (id, itemNo, quantity, warehouse) and whether it moves stock."""
    item = ctx.item(text(line, "itemNo", required=True, label="Kode Barang"))
    stocked = item.get("itemType", "INVENTORY") not in STOCKLESS_TYPES
    warehouse = ctx.warehouse(text(line, "warehouseName"))
    result = {
        "id": line_id(ctx, line),
        "itemNo": item["no"],
        "itemName": item.get("name", ""),
        "quantity": quantity(line),
        "warehouseName": warehouse,
        "detailNotes": text(line, "detailNotes"),
    }
    return result, stocked
