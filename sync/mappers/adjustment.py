"""A stock adjustment: item adjustment lines in (+) or out (−) against the outlet's adjustment account."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from outlets.models import Adjustment, AdjustmentLine

from . import problems
from .dates import trans_date
from .numbers import adjustment_number
from .types import BULK_SAVE, ITEM_ADJUSTMENT, Destination, Planned

ADJUSTMENT_STAGE = 1


def plan_adjustment(adjustment: Adjustment, to: Destination) -> list[Planned]:
    """`adjustment` comes with its lines (and their products) prefetched."""
    warehouse = problems.required(to, "warehouse_name")
    number = adjustment_number(to.outlet_code, adjustment.number)
    payload = item_adjustment_header(to, number, adjustment.adjusted_at, adjustment.reason)
    payload["detailItem"] = [adjustment_line(line, warehouse) for line in adjustment.lines.all()]
    return [Planned(ITEM_ADJUSTMENT, BULK_SAVE, number, payload, ADJUSTMENT_STAGE)]


def item_adjustment_header(
    to: Destination, number: str, moment: datetime, description: str
) -> dict[str, Any]:
    """What an item adjustment says besides its lines, and a stock take too (Accurate turns one into
    an item adjustment): its number, the outlet's local date, adjustment account and branch."""
    return {
        "number": number,
        "transDate": trans_date(moment, to.zone),
        "adjustmentAccountNo": problems.required(to, "adjustment_account_no"),
        "branchName": problems.required(to, "branch_name"),
        "description": description,
    }


def adjustment_line(line: AdjustmentLine, warehouse: str) -> dict[str, Any]:
    # Accurate takes a positive quantity and the direction in the line's type.
    return {
        "itemAdjustmentType": "ADJUSTMENT_IN" if line.quantity > 0 else "ADJUSTMENT_OUT",
        "itemNo": problems.item_no(line.product),
        "quantity": abs(line.quantity),
        "unitCost": line.unit_cost,
        "warehouseName": warehouse,
        "detailNotes": line.note,
    }
