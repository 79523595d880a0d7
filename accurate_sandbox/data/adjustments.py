"""Item adjustments (in/out lines against an adjustment account) and stock takes by target quantity."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from accurate_sandbox.data.context import Built, Context, Move
from accurate_sandbox.data.lines import item_line
from accurate_sandbox.data.saving import save_record
from accurate_sandbox.data.spec import ModuleSpec
from accurate_sandbox.data.values import Invalid, lines, money, text, trans_date
from accurate_sandbox.storage import stock_of

TYPES = {"ADJUSTMENT_IN": 1, "ADJUSTMENT_OUT": -1}
# Marks an adjustment made by save-target-quantity.do: it may have no line when nothing changed.
TARGET_MARK = "fromTargetQuantity"


def adjustment_line(ctx: Context, line: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    kind = text(line, "itemAdjustmentType") or "ADJUSTMENT_IN"
    if kind not in TYPES:
        raise Invalid("Invalid field value for field itemAdjustmentType")
    result, stocked = item_line(ctx, line)
    if not stocked:
        raise Invalid(f"Barang {result['itemNo']} bukan barang persediaan")
    unit_cost = money(line, "unitCost")
    result.update(itemAdjustmentType=kind, unitCost=unit_cost, totalCost=result["quantity"] * unit_cost)
    return result, stocked


def build_adjustment(ctx: Context, body: dict[str, Any]) -> Built:
    date = trans_date(body)
    account = ctx.account(text(body, "adjustmentAccountNo", required=True, label="Akun Penyesuaian"))
    branch = ctx.branch(body)
    from_target = body.get(TARGET_MARK) is True
    items: list[dict[str, Any]] = []
    moves: list[Move] = []
    for line in lines(body, "detailItem", required=not from_target):
        adjusted, _ = adjustment_line(ctx, line)
        items.append(adjusted)
        sign = TYPES[adjusted["itemAdjustmentType"]]
        moves.append((adjusted["itemNo"], adjusted["warehouseName"], sign * adjusted["quantity"]))
    record = {
        "number": text(body, "number"),
        "transDate": date,
        "adjustmentAccountNo": account["no"],
        **branch,
        "description": text(body, "description"),
        "detailItem": items,
        "totalAmount": sum((line["totalCost"] for line in items), Decimal(0)),
        TARGET_MARK: from_target,
    }
    return Built(record, moves)


def target_line(ctx: Context, line: dict[str, Any]) -> dict[str, Any] | None:
    """The adjustment line that brings one item in one warehouse to its counted quantity, if any."""
    item = ctx.item(text(line, "itemNo", required=True, label="Kode Barang"))
    warehouse = ctx.warehouse(text(line, "warehouseName"))
    target = money(line, "targetQuantity")
    if target < 0:
        raise Invalid("Invalid field value for field targetQuantity")
    difference = target - stock_of(ctx.conn, ctx.db_id, str(item["no"]), warehouse)
    if difference == 0:
        return None
    kind = "ADJUSTMENT_IN" if difference > 0 else "ADJUSTMENT_OUT"
    return {
        "itemNo": item["no"],
        "warehouseName": warehouse,
        "quantity": abs(difference),
        "itemAdjustmentType": kind,
    }


def save_target_quantity(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    """item-adjustment/save-target-quantity.do: one adjustment that sets each counted quantity."""
    trans_date(body)  # refuse a bad date before reading any stock
    counted = [target_line(ctx, line) for line in lines(body, "detail")]
    adjustment = {
        key: body[key]
        for key in ("number", "transDate", "adjustmentAccountNo", "branchName", "branchId", "description")
        if key in body
    }
    adjustment["detailItem"] = [line for line in counted if line is not None]
    adjustment[TARGET_MARK] = True
    return save_record(ctx, SPEC, adjustment)


SPEC = ModuleSpec(
    "item-adjustment",
    "item_adjustment",
    "number",
    build_adjustment,
    prefix="IA",
    # Which scope Accurate asks for here is not documented [U]: the module's own save scope.
    extra={"save-target-quantity": ("save", save_target_quantity)},
)
SPECS = [SPEC]
