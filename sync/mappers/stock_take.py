"""A stock take: the counted quantities, which Accurate turns into one adjustment (save-target-quantity)."""

from __future__ import annotations

from outlets.models import StockTake

from . import problems
from .adjustment import item_adjustment_header
from .numbers import stock_take_number
from .types import ITEM_ADJUSTMENT, SAVE_TARGET_QUANTITY, Destination, Planned

STOCK_TAKE_STAGE = 1


def plan_stock_take(stock_take: StockTake, to: Destination) -> list[Planned]:
    """`stock_take` comes with its lines (and their products) prefetched."""
    warehouse = problems.required(to, "warehouse_name")
    number = stock_take_number(to.outlet_code, stock_take.number)
    description = problems.describe(
        f"iSeller stock take {to.outlet_code} {stock_take.number}", stock_take.note
    )
    payload = item_adjustment_header(to, number, stock_take.counted_at, description)
    payload["detail"] = [
        {
            "itemNo": problems.item_no(line.product),
            "targetQuantity": line.counted_quantity,
            "warehouseName": warehouse,
        }
        for line in stock_take.lines.all()
    ]
    return [Planned(ITEM_ADJUSTMENT, SAVE_TARGET_QUANTITY, number, payload, STOCK_TAKE_STAGE)]
