"""The filtered activity list as CSV for the accountant, streamed row by row.

Times are on the store's clock ("YYYY-MM-DD HH:MM:SS"), amounts plain ("41800.00": no currency, no
thousands separator), statuses as the page shows them (Running is Pending).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sync.models import SyncActivity

from .labels import kind_label, status_label

CHUNK = 2000
# Rows whose stored reason is the merchant's to read: why it failed, or how Accurate's total differs.
REASONED = (SyncActivity.Status.FAILED, SyncActivity.Status.DIFFERENCE)


class Echo:
    """A file that hands back what is written: csv.writer formats, the response streams."""

    def write(self, value: str) -> str:
        return value


def header() -> list[str]:
    return [
        _("Type"),
        _("POS reference"),
        _("Outlet code"),
        _("Outlet"),
        _("Accurate number"),
        _("Status"),
        _("Started"),
        _("Completed"),
        _("Attempts"),
        _("Amount"),
        _("Reason"),
    ]


def local(value: datetime | None, zone: ZoneInfo) -> str:
    return "" if value is None else value.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def amount_of(activity: SyncActivity) -> Decimal | None:
    if activity.order is not None:
        return Decimal(activity.order.total)
    if activity.refund is not None:
        return Decimal(activity.refund.total)
    if activity.deposit is not None:
        return Decimal(activity.deposit.amount)
    if activity.payout is not None:
        return Decimal(activity.payout.net)  # what reached the bank
    return None


# A cell starting with one of these is a formula to a spreadsheet (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: str) -> str:
    """Text the merchant, the POS or Accurate wrote, as a spreadsheet shows it and never runs it: a
    leading formula character is escaped with a single quote, as OWASP recommends."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def row_of(activity: SyncActivity, zone: ZoneInfo) -> list[str]:
    amount = amount_of(activity)
    return [
        str(kind_label(activity.kind)),
        text_cell(activity.pos_number),
        text_cell(activity.outlet.code if activity.outlet else ""),
        text_cell(activity.outlet.name if activity.outlet else str(_("Whole store"))),
        text_cell(activity.accurate_number),
        str(status_label(activity.status)),
        local(activity.started_at, zone),
        local(activity.completed_at, zone),
        str(activity.attempts),
        "" if amount is None else f"{amount:f}",
        text_cell(activity.status_reason if activity.status in REASONED else ""),
    ]


def csv_lines(rows: QuerySet[SyncActivity], zone: ZoneInfo) -> Iterator[str]:
    """The header, then every row newest first, read from the database in chunks."""
    writer = csv.writer(Echo())
    yield writer.writerow(header())
    ordered = rows.select_related("outlet", "order", "refund", "deposit", "payout").order_by(
        "-created_at", "-id"
    )
    for activity in ordered.iterator(chunk_size=CHUNK):
        yield writer.writerow(row_of(activity, zone))
