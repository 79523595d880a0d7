"""Helpers of the posting-mode tests: an outlet posting per shift or per day, and its summaries."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from mapping.models import OutletMapping
from sync.models import SyncActivity

WIB = ZoneInfo("Asia/Jakarta")


def wib(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=WIB)


def posting(outlet: Any, mode: str) -> None:
    OutletMapping.objects.filter(outlet=outlet).update(posting_mode=mode)


def summaries(store: Any) -> list[SyncActivity]:
    return list(SyncActivity.objects.filter(store=store, kind="order_summary").order_by("id"))


def covered_numbers(summary: SyncActivity) -> list[str]:
    rows = SyncActivity.objects.filter(summary=summary).exclude(status="cancelled")
    return sorted(rows.values_list("pos_number", flat=True))


def sale(number: str, ordered_at: str = "2026-11-20T10:15:00+07:00", **extra: Any) -> dict[str, Any]:
    """A sale of 2 × P1 at 10,000 and 1 × P2 at 20,000 less 2,000: 38,000 + 11 % PPN = 42,180."""
    body: dict[str, Any] = {
        "number": number,
        "ordered_at": ordered_at,
        "lines": [
            {"product": "P1", "quantity": "2", "unit_price": "10000"},
            {"product": "P2", "quantity": "1", "unit_price": "20000", "discount": "2000"},
        ],
        "tax": "4180",
        "total": "42180",
        "payments": [{"method": "cash", "amount": "42180"}],
    }
    body.update(extra)
    return body


def amount(value: Any) -> Decimal:
    return Decimal(str(value))
