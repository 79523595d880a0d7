"""Why a row has not landed yet, in merchant words, decided at display time (nothing is written).

`row_reason` is pure: it reads the row and `PendingFacts`, which `selectors.pending_facts` reads once
for a whole page of rows (a few queries, whatever the page holds). The order of the checks is the
order the merchant has to act in: connect the store, activate the outlet, wait for (or skip) the
schedule, get the document it depends on into Accurate, then Accurate's retry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from mapping.models import Connection, SyncSettings
from sync.engine.claim import LANDED, PREREQUISITE
from sync.engine.orphans import WORKER_STOPPED
from sync.models import SyncActivity
from sync.selectors import SALES_KINDS, TRANSFER_KINDS

Status = SyncActivity.Status
Kind = SyncActivity.Kind


@dataclass(frozen=True)
class Sender:
    """The sending outlet of a transfer."""

    outlet_id: int
    code: str


@dataclass(frozen=True)
class Prerequisite:
    """The row of the document a refund, void or transfer received needs in Accurate first."""

    kind: str  # SyncActivity.Kind of that row: the sale, the transfer sent
    number: str  # its Accurate number when it has one, else its POS number
    status: str
    reason: str  # why it failed, when it did

    @property
    def landed(self) -> bool:
        return self.status in LANDED


@dataclass(frozen=True)
class PendingFacts:
    """What the reasons of a page's open rows depend on, read once for the page."""

    connection_status: str = ""  # Connection.Status; "" when the store never connected
    active_outlets: frozenset[int] = frozenset()
    senders: Mapping[int, Sender] = field(default_factory=dict)  # transfer id → its sending outlet
    # Row id → the row its document waits for (refunds, voids, transfers received; a refunds summary:
    # its sales summary; absent: none yet).
    prerequisites: Mapping[int, Prerequisite] = field(default_factory=dict)
    schedule: SyncSettings | None = None
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    now: datetime = datetime(1970, 1, 1, tzinfo=UTC)

    @property
    def connected(self) -> bool:
        return self.connection_status == Connection.Status.CONNECTED


def merchant_words(reason: str) -> str:
    """A reason the engine writes in English, in the page's language when it is a known one."""
    if reason == WORKER_STOPPED:
        return _("The worker stopped while pushing; Accurate will be checked before sending again.")
    return reason


def inactive_outlets(activity: SyncActivity, facts: PendingFacts) -> list[str]:
    """Codes of the row's outlets that are not active in Accurate (a transfer received: its sending
    outlet too), the row's own first."""
    codes = []
    if activity.outlet_id is not None and activity.outlet_id not in facts.active_outlets:
        codes.append(activity.outlet.code if activity.outlet else "")
    if activity.kind == Kind.TRANSFER_IN and activity.transfer_id is not None:
        sender = facts.senders.get(activity.transfer_id)
        if sender is not None and sender.outlet_id not in facts.active_outlets:
            codes.append(sender.code)
    return codes


def waits_for_prerequisite(activity: SyncActivity, facts: PendingFacts) -> bool:
    """A refund or void whose sale, or a transfer received whose transfer sent, is not in Accurate."""
    if activity.kind not in PREREQUISITE:
        return False
    prerequisite = facts.prerequisites.get(activity.pk)
    return prerequisite is None or not prerequisite.landed


def blocked_by_failure(activity: SyncActivity, facts: PendingFacts) -> Prerequisite | None:
    """The failed row a Pending row waits for, if that is why it waits."""
    prerequisite = facts.prerequisites.get(activity.pk)
    if activity.status != Status.PENDING or prerequisite is None or prerequisite.status != Status.FAILED:
        return None
    return prerequisite


def prerequisite_reason(activity: SyncActivity, facts: PendingFacts) -> str:
    failed = blocked_by_failure(activity, facts)
    if failed is not None:
        values = {"number": failed.number, "reason": merchant_words(failed.reason)}
        if activity.kind == Kind.TRANSFER_IN:
            return (
                _(
                    "Waiting for its transfer sent %(number)s, which failed: %(reason)s Sync that one again; "
                    "this one follows by itself."
                )
                % values
            )
        if activity.kind == Kind.REFUND_SUMMARY:
            return (
                _(
                    "Waiting for its sales summary %(number)s, which failed: %(reason)s Sync that one "
                    "again; this one follows by itself."
                )
                % values
            )
        return (
            _(
                "Waiting for its sale %(number)s, which failed: %(reason)s Sync that one again; this one "
                "follows by itself."
            )
            % values
        )
    if activity.kind == Kind.TRANSFER_IN:
        return _("Waiting for its transfer sent to be in Accurate first.")
    if activity.kind == Kind.REFUND_SUMMARY:
        return _("Waiting for its sales summary to be in Accurate first.")
    return _("Waiting for its sale to be in Accurate first.")


def connection_reason(facts: PendingFacts) -> str:
    if facts.connection_status == Connection.Status.NEEDS_RECONNECT:
        return _("Paused until the store reconnects to Accurate (Apps → Accurate → Reconnect).")
    return _("Waiting for the store to be connected to Accurate (Apps → Accurate → Connect to Accurate).")


def outlets_reason(codes: list[str]) -> str:
    if len(codes) == 1:
        return _(
            "Waiting for outlet %(code)s to be activated in Accurate (Apps → Accurate → Outlet mapping)."
        ) % {"code": codes[0]}
    return _(
        "Waiting for outlets %(first)s and %(second)s to be activated in Accurate "
        "(Apps → Accurate → Outlet mapping)."
    ) % {"first": codes[0], "second": codes[1]}


def schedule_reason(kind: str, schedule: SyncSettings | None) -> str:
    """A held row: what releases it, and that Sync now does not wait."""
    schedule = schedule or SyncSettings()
    if kind in SALES_KINDS:
        if schedule.sales_on_shift_close:
            return _("Waiting for the schedule: sales go when their shift closes, or press Sync now.")
        return _("Waiting for the schedule: sales go every day at %(hour)s:00, or press Sync now.") % {
            "hour": f"{schedule.sales_hour:02d}"
        }
    if kind in TRANSFER_KINDS:
        if schedule.transfers_auto:
            return _(
                "Waiting for the schedule: transfers go every day at %(hour)s:00, or press Sync now."
            ) % {"hour": f"{schedule.transfers_hour:02d}"}
        return _("Waiting for you: transfers go only when you press Sync now.")
    return _("Waiting for the schedule, or press Sync now.")


def refunds_schedule_reason(activity: SyncActivity, schedule: SyncSettings | None) -> str:
    """A held refunds summary: it goes once its sales summary's shift or day is over."""
    schedule = schedule or SyncSettings()
    if not schedule.sales_on_shift_close:
        return _(
            "Waiting for the schedule: these refunds go at %(hour)s:00 once their shift or day is over, "
            "or press Sync now."
        ) % {"hour": f"{schedule.sales_hour:02d}"}
    if activity.period_shift_id is not None:
        return _("Waiting for the schedule: these refunds go when their shift closes, or press Sync now.")
    return _("Waiting for the schedule: these refunds go once the outlet's day is over, or press Sync now.")


def pending_reason(activity: SyncActivity, facts: PendingFacts) -> str:
    """Why a Pending (or Running) row has not landed yet."""
    if activity.status == Status.RUNNING:
        return _("Sending to Accurate now.")
    queued = _("Queued: it goes with the next push.")
    if activity.kind == Kind.PRODUCT_PUSH:
        return merchant_words(activity.status_reason) or queued
    if not facts.connected:
        return connection_reason(facts)
    codes = inactive_outlets(activity, facts)
    if codes:
        return outlets_reason(codes)
    if activity.undone:
        # Neither the schedule nor Sync now sends what an undo took back out (sync/ranges/).
        return _(
            "Taken back out of Accurate by an undo of its dates: it is sent again only with its Sync "
            "button, or with “Sync again” for its dates under Backfill or undo a date range."
        )
    if activity.due_at is None:
        if activity.kind == Kind.REFUND_SUMMARY:
            return refunds_schedule_reason(activity, facts.schedule)
        return schedule_reason(activity.kind, facts.schedule)
    if waits_for_prerequisite(activity, facts):
        return prerequisite_reason(activity, facts)
    reason = merchant_words(activity.status_reason)
    if activity.due_at > facts.now:
        at = activity.due_at.astimezone(facts.zone).strftime("%H:%M")
        if reason:
            return _("Will try again at %(time)s: %(reason)s") % {"time": at, "reason": reason}
        return _("Will try again at %(time)s.") % {"time": at}
    return f"{queued} {reason}" if reason else queued


def row_reason(activity: SyncActivity, facts: PendingFacts) -> str:
    """What the Reason column says: why it failed, how Accurate's total differs from the POS's, why
    it has not landed yet, or nothing."""
    if activity.status in (Status.FAILED, Status.DIFFERENCE):
        return merchant_words(activity.status_reason)
    if activity.status in (Status.PENDING, Status.RUNNING):
        return pending_reason(activity, facts)
    return ""
