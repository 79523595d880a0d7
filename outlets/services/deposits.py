"""Deposits: money received outside a sale (a customer's deposit, or cash put into the drawer)."""

from __future__ import annotations

from typing import Any

from outlets.models import Deposit, Outlet
from sync.outbox import Kind, activity_record

from .documents import Data, Ingested, document_ingest


def deposit_create(*, outlet: Outlet, data: Data) -> Ingested[Deposit]:
    return document_ingest(model=Deposit, outlet=outlet, data=data, label="Deposit", create=_create)


def _create(outlet: Outlet, data: Data, payload: dict[str, Any], digest: str) -> Deposit:
    deposit = Deposit.objects.create(
        outlet=outlet,
        number=data["number"],
        payload=payload,
        payload_hash=digest,
        kind=data["kind"],
        received_at=data["received_at"],
        amount=data["amount"],
        payment_method=data["payment_method"],
        customer_name=data["customer_name"],
        note=data["note"],
    )
    activity_record(kind=Kind.DEPOSIT, outlet=outlet, document=deposit, number=deposit.number)
    return deposit
