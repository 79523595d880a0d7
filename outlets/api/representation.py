"""What the API answers for a stored document: the body as posted, plus its current state."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from outlets.models import Order, Outlet, PosDocument, Shift, Transfer
from outlets.services.payloads import normalise


def _time(value: datetime | None) -> str | None:
    return normalise(value) if value is not None else None


def _money(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


def represent(obj: Outlet | PosDocument) -> dict[str, Any]:
    if isinstance(obj, Outlet):
        return {
            "code": obj.code,
            "name": obj.name,
            "time_zone": obj.time_zone or obj.store.time_zone,
        }
    body: dict[str, Any] = {"id": obj.pk, "outlet": obj.outlet.code, **obj.payload}
    if isinstance(obj, Order):
        body.update(status=obj.status, version=obj.version, voided_at=_time(obj.voided_at))
    elif isinstance(obj, Shift):
        body.update(closed_at=_time(obj.closed_at), closing_cash=_money(obj.closing_cash))
    elif isinstance(obj, Transfer):
        body.update(received_at=_time(obj.received_at))
    return body
