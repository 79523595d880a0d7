"""iSellerPay payouts: what iSellerPay collected for an outlet, paid into its bank less the MDR fee."""

from __future__ import annotations

from typing import Any

from outlets.models import Outlet, Payout
from sync.outbox import Kind, activity_record

from .documents import Data, Ingested, document_ingest
from .errors import DocumentInvalid
from .money import show


def payout_create(*, outlet: Outlet, data: Data) -> Ingested[Payout]:
    # Checked before the replay rule: a body that does not add up is a 400 whatever was stored.
    errors = payout_errors(data)
    if errors:
        raise DocumentInvalid(errors, "The payout does not add up.")
    return document_ingest(model=Payout, outlet=outlet, data=data, label="Payout", create=_create)


def payout_errors(data: Data) -> dict[str, str]:
    """Why a payout's numbers do not hold, keyed by field path. Empty when they do."""
    errors: dict[str, str] = {}
    expected = data["gross"] - data["fee"]
    if data["net"] != expected:
        errors["net"] = (
            f"net must be gross − fee: {show(data['gross'])} − {show(data['fee'])} = {show(expected)}, "
            f"but net is {show(data['net'])}."
        )
    start, end = data["period_start"], data["period_end"]
    if start is not None and end is not None and end < start:
        errors["period_end"] = f"The period ends ({end}) before it starts ({start})."
    return errors


def _create(outlet: Outlet, data: Data, payload: dict[str, Any], digest: str) -> Payout:
    payout = Payout.objects.create(
        outlet=outlet,
        number=data["number"],
        payload=payload,
        payload_hash=digest,
        paid_at=data["paid_at"],
        gross=data["gross"],
        fee=data["fee"],
        net=data["net"],
        period_start=data["period_start"],
        period_end=data["period_end"],
        reference=data["reference"],
        note=data["note"],
    )
    activity_record(kind=Kind.PAYOUT, outlet=outlet, document=payout, number=payout.number)
    return payout
