"""A transfer between outlets: out of the source warehouse into transit when sent, then out of transit
into the destination warehouse when received. The IN names the OUT, so Accurate links the two."""

from __future__ import annotations

from typing import Any

from outlets.models import Transfer

from . import problems
from .dates import trans_date
from .numbers import transfer_in_number, transfer_out_number
from .types import BULK_SAVE, ITEM_TRANSFER, Destination, Planned

TRANSFER_STAGE = 1


def plan_transfer_out(transfer: Transfer, source: Destination) -> list[Planned]:
    """`transfer` comes with its lines (and their products) prefetched; `source` is the sending outlet's."""
    payload: dict[str, Any] = {
        "number": transfer_out_number(source.outlet_code, transfer.number),
        "transDate": trans_date(transfer.sent_at, source.zone),
        "itemTransferType": "TRANSFER_OUT",
        "branchName": problems.required(source, "branch_name"),
        "warehouseName": problems.required(source, "warehouse_name"),
        "referenceWarehouseName": problems.transit_warehouse(source),
        "description": describe(transfer, source),
        "detailItem": detail_items(transfer),
    }
    return [Planned(ITEM_TRANSFER, BULK_SAVE, payload["number"], payload, TRANSFER_STAGE)]


def plan_transfer_in(transfer: Transfer, source: Destination, destination: Destination) -> list[Planned]:
    """The receiving side of a transfer, dated by the receiving outlet's clock."""
    if transfer.received_at is None:
        raise ValueError(f"Transfer {transfer.number} has not been received yet")
    payload: dict[str, Any] = {
        "number": transfer_in_number(source.outlet_code, transfer.number),
        "transDate": trans_date(transfer.received_at, destination.zone),
        "itemTransferType": "TRANSFER_IN",
        "branchName": problems.required(destination, "branch_name"),
        "warehouseName": problems.required(destination, "warehouse_name"),
        "referenceWarehouseName": problems.transit_warehouse(source),
        "fromItemTransferNo": transfer_out_number(source.outlet_code, transfer.number),
        "description": describe(transfer, source),
        "detailItem": detail_items(transfer),
    }
    return [Planned(ITEM_TRANSFER, BULK_SAVE, payload["number"], payload, TRANSFER_STAGE)]


def describe(transfer: Transfer, source: Destination) -> str:
    return problems.describe(f"iSeller transfer {source.outlet_code} {transfer.number}", transfer.note)


def detail_items(transfer: Transfer) -> list[dict[str, Any]]:
    return [
        {"itemNo": problems.item_no(line.product), "quantity": line.quantity} for line in transfer.lines.all()
    ]
