"""Accurate's transDate: the outlet's local date, as dd/MM/yyyy."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def trans_date(moment: datetime, zone: ZoneInfo) -> str:
    """The local date of `moment` at an outlet in `zone`: a sale at 00:30 WITA is booked that day,
    not on the previous UTC day."""
    if moment.tzinfo is None:
        # A naive time would be read in the server's zone: a wrong date, silently.
        raise ValueError("trans_date needs an aware datetime")
    return moment.astimezone(zone).strftime("%d/%m/%Y")
