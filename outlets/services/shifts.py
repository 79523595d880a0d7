"""Shifts: opened, then closed. Closing a shift is what sends its sales on the default schedule."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction

from outlets.models import Outlet, Shift
from sync.outbox import pushes_soon

from .documents import Data, Ingested, document_ingest
from .errors import DocumentConflict, DocumentInvalid, DocumentNotFound
from .money import show


def shift_open(*, outlet: Outlet, data: Data) -> Ingested[Shift]:
    return document_ingest(model=Shift, outlet=outlet, data=data, label="Shift", create=_create)


def _create(outlet: Outlet, data: Data, payload: dict[str, Any], digest: str) -> Shift:
    return Shift.objects.create(
        outlet=outlet,
        number=data["number"],
        payload=payload,
        payload_hash=digest,
        cashier=data["cashier"],
        opened_at=data["opened_at"],
        opening_float=data["opening_float"],
    )


def shift_close(
    *, outlet: Outlet, number: str, closed_at: datetime, closing_cash: Decimal | None
) -> tuple[Shift, bool]:
    """Close a shift. Returns (shift, changed); closing it again the same way changes nothing."""
    with transaction.atomic():
        shift = Shift.objects.select_for_update().filter(outlet=outlet, number=number).first()
        if shift is None:
            raise DocumentNotFound(f"No shift '{number}' at outlet '{outlet.code}'.")
        if shift.closed_at is not None:
            fields = [
                name
                for name, old, new in [
                    ("closed_at", shift.closed_at, closed_at),
                    ("closing_cash", shift.closing_cash, closing_cash),
                ]
                if old != new
            ]
            if fields:
                raise DocumentConflict(
                    f"Shift '{number}' was already closed at {shift.closed_at.isoformat()} with "
                    f"closing cash {show(shift.closing_cash) if shift.closing_cash is not None else 'none'}.",
                    fields=fields,
                )
            return shift, False
        if closed_at < shift.opened_at:
            raise DocumentInvalid(
                {"closed_at": f"The shift opened at {shift.opened_at.isoformat()}; it cannot close before."}
            )
        shift.closed_at = closed_at
        shift.closing_cash = closing_cash
        shift.save(update_fields=["closed_at", "closing_cash", "updated_at"])
        # Its sales are due now (the default schedule): pushed within seconds, not at the next beat.
        pushes_soon(store_id=outlet.store_id)
        return shift, True
