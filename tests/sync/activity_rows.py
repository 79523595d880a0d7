"""Rows for the activity page tests: orders posted through the POS API (each gets its outbox row),
then the row set to the status and times a test needs. Times are given on Jakarta's clock."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sync.models import SyncActivity

JKT = ZoneInfo("Asia/Jakarta")
UTC = ZoneInfo("UTC")
URL = "/apps/accurate/activity/"


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    """A moment of 2026 on Jakarta's clock."""
    return datetime(2026, month, day, hour, minute, tzinfo=JKT)


def order(tenant: Any, body: dict[str, Any], outlet: str = "JKT01") -> SyncActivity:
    answer = tenant.api().post(f"/api/v1/outlets/{outlet}/orders/", body, format="json")
    assert answer.status_code == 201, answer.content
    return SyncActivity.objects.get(store=tenant.store, outlet__code=outlet, pos_number=body["number"])


def make(
    tenant: Any,
    order_body: Any,
    number: str,
    *,
    outlet: str = "JKT01",
    status: str = "success",
    created: datetime | None = None,
    started: datetime | None = None,
    completed: datetime | None = None,
    accurate_number: str | None = None,
    reason: str = "",
    attempts: int = 1,
) -> SyncActivity:
    """One order's row in the given state. Success and Failed rows get their Accurate number."""
    activity = order(tenant, order_body(number), outlet)
    if accurate_number is None:
        accurate_number = f"{outlet}-{number}" if status in ("success", "failed") else ""
    fields: dict[str, Any] = {
        "status": status,
        "started_at": started,
        "completed_at": completed,
        "accurate_number": accurate_number,
        "status_reason": reason,
        "attempts": attempts,
    }
    if created is not None:
        fields["created_at"] = created
    SyncActivity.objects.filter(pk=activity.pk).update(**fields)
    activity.refresh_from_db()
    return activity


def shown(response: Any) -> list[str]:
    """The POS numbers of the page's rows, in order."""
    assert response.status_code == 200, response.status_code
    return re.findall(r'data-pos="([^"]*)"', response.content.decode())


def login(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client
