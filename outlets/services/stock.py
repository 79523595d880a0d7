"""Stock documents: transfers between outlets, adjustments and stock takes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from outlets.models import (
    Adjustment,
    AdjustmentLine,
    Outlet,
    StockTake,
    StockTakeLine,
    Transfer,
    TransferLine,
)
from sync.models import SyncActivity
from sync.services import activity_record

from .documents import Data, Ingested, document_ingest, lines_create, products_resolve
from .errors import DocumentConflict, DocumentInvalid, DocumentNotFound

Kind = SyncActivity.Kind


def transfer_send(*, outlet: Outlet, data: Data) -> Ingested[Transfer]:
    """A transfer sent from `outlet`. If the body already says it was received, both legs are due."""
    return document_ingest(
        model=Transfer, outlet=outlet, data=data, label="Transfer", create=_transfer_create
    )


def _transfer_create(outlet: Outlet, data: Data, payload: dict[str, Any], digest: str) -> Transfer:
    to_outlet = Outlet.objects.filter(store_id=outlet.store_id, code=data["to_outlet"]).first()
    if to_outlet is None:
        raise DocumentInvalid({"to_outlet": f"Unknown outlet '{data['to_outlet']}' in this store."})
    if to_outlet.pk == outlet.pk:
        raise DocumentInvalid({"to_outlet": "A transfer must go to another outlet."})
    received_at = data["received_at"]
    if received_at is not None and received_at < data["sent_at"]:
        raise DocumentInvalid({"received_at": "A transfer cannot be received before it was sent."})
    products = products_resolve(outlet, data["lines"])
    transfer = Transfer.objects.create(
        outlet=outlet,
        number=data["number"],
        payload=payload,
        payload_hash=digest,
        to_outlet=to_outlet,
        sent_at=data["sent_at"],
        received_at=received_at,
        note=data["note"],
    )
    lines_create(model=TransferLine, parent={"transfer": transfer}, lines=data["lines"], products=products)
    activity_record(kind=Kind.TRANSFER_OUT, outlet=outlet, document=transfer, number=transfer.number)
    if received_at is not None:
        activity_record(kind=Kind.TRANSFER_IN, outlet=to_outlet, document=transfer, number=transfer.number)
    return transfer


def transfer_receive(*, outlet: Outlet, number: str, received_at: datetime) -> tuple[Transfer, bool]:
    """The destination received transfer `number` sent by `outlet`. Returns (transfer, changed)."""
    with transaction.atomic():
        transfer = (
            Transfer.objects.select_for_update()
            .select_related("to_outlet")
            .filter(outlet=outlet, number=number)
            .first()
        )
        if transfer is None:
            raise DocumentNotFound(f"No transfer '{number}' sent by outlet '{outlet.code}'.")
        if transfer.received_at is not None:
            if transfer.received_at != received_at:
                raise DocumentConflict(
                    f"Transfer '{number}' was already received at {transfer.received_at.isoformat()}.",
                    fields=["received_at"],
                )
            return transfer, False
        if received_at < transfer.sent_at:
            raise DocumentInvalid({"received_at": "A transfer cannot be received before it was sent."})
        transfer.received_at = received_at
        transfer.save(update_fields=["received_at", "updated_at"])
        activity_record(kind=Kind.TRANSFER_IN, outlet=transfer.to_outlet, document=transfer, number=number)
        return transfer, True


def adjustment_create(*, outlet: Outlet, data: Data) -> Ingested[Adjustment]:
    return document_ingest(
        model=Adjustment, outlet=outlet, data=data, label="Adjustment", create=_adjustment_create
    )


def _adjustment_create(outlet: Outlet, data: Data, payload: dict[str, Any], digest: str) -> Adjustment:
    products = products_resolve(outlet, data["lines"])
    adjustment = Adjustment.objects.create(
        outlet=outlet,
        number=data["number"],
        payload=payload,
        payload_hash=digest,
        adjusted_at=data["adjusted_at"],
        reason=data["reason"],
    )
    lines_create(
        model=AdjustmentLine,
        parent={"adjustment": adjustment},
        lines=data["lines"],
        products=products,
    )
    activity_record(kind=Kind.ADJUSTMENT, outlet=outlet, document=adjustment, number=adjustment.number)
    return adjustment


def stock_take_create(*, outlet: Outlet, data: Data) -> Ingested[StockTake]:
    return document_ingest(
        model=StockTake, outlet=outlet, data=data, label="Stock take", create=_stock_take_create
    )


def _stock_take_create(outlet: Outlet, data: Data, payload: dict[str, Any], digest: str) -> StockTake:
    first_seen: dict[str, int] = {}
    errors: dict[str, str] = {}
    for index, line in enumerate(data["lines"]):
        if line["product"] in first_seen:
            errors[f"lines[{index}].product"] = (
                f"Product '{line['product']}' is already counted on line {first_seen[line['product']]}."
            )
        first_seen.setdefault(line["product"], index)
    if errors:
        raise DocumentInvalid(errors, "Count each product once per stock take.")
    products = products_resolve(outlet, data["lines"])
    stock_take = StockTake.objects.create(
        outlet=outlet,
        number=data["number"],
        payload=payload,
        payload_hash=digest,
        counted_at=data["counted_at"],
        note=data["note"],
    )
    lines_create(
        model=StockTakeLine,
        parent={"stock_take": stock_take},
        lines=data["lines"],
        products=products,
    )
    activity_record(kind=Kind.STOCK_TAKE, outlet=outlet, document=stock_take, number=stock_take.number)
    return stock_take
