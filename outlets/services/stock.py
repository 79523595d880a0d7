"""Stock documents: transfers between outlets, adjustments and stock takes."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from django.db import models, transaction

from outlets.models import (
    Adjustment,
    AdjustmentLine,
    Outlet,
    PosDocument,
    StockTake,
    StockTakeLine,
    Transfer,
    TransferLine,
)
from sync.outbox import Kind, activity_record

from .documents import Data, Ingested, document_ingest, lines_create, products_resolve
from .errors import DocumentConflict, DocumentInvalid, DocumentNotFound

D = TypeVar("D", bound=PosDocument)


def _stock_document_create(
    model: type[D],
    *,
    lines_model: type[models.Model],
    lines_parent: str,
    kind: str,
    outlet: Outlet,
    data: Data,
    payload: dict[str, Any],
    digest: str,
    **fields: Any,
) -> D:
    """What a transfer, an adjustment and a stock take have in common once their body is valid: the
    document, its lines (each naming a product of the store) and its Pending outbox row."""
    products = products_resolve(outlet, data["lines"])
    document = model._default_manager.create(
        outlet=outlet, number=data["number"], payload=payload, payload_hash=digest, **fields
    )
    lines_create(model=lines_model, parent={lines_parent: document}, lines=data["lines"], products=products)
    activity_record(kind=kind, outlet=outlet, document=document, number=document.number)
    return document


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
    transfer = _stock_document_create(
        Transfer,
        lines_model=TransferLine,
        lines_parent="transfer",
        kind=Kind.TRANSFER_OUT,
        outlet=outlet,
        data=data,
        payload=payload,
        digest=digest,
        to_outlet=to_outlet,
        sent_at=data["sent_at"],
        received_at=received_at,
        note=data["note"],
    )
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
    return _stock_document_create(
        Adjustment,
        lines_model=AdjustmentLine,
        lines_parent="adjustment",
        kind=Kind.ADJUSTMENT,
        outlet=outlet,
        data=data,
        payload=payload,
        digest=digest,
        adjusted_at=data["adjusted_at"],
        reason=data["reason"],
    )


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
    return _stock_document_create(
        StockTake,
        lines_model=StockTakeLine,
        lines_parent="stock_take",
        kind=Kind.STOCK_TAKE,
        outlet=outlet,
        data=data,
        payload=payload,
        digest=digest,
        counted_at=data["counted_at"],
        note=data["note"],
    )
