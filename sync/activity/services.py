"""Sync again from the activity page: one row, or every Failed row the filters show.

One row may be Failed, Pending, or Synced with a difference: that one is in Accurate already, and
going again has the engine check Accurate's total once more, correcting the invoice when it can (the
merchant fixed a tax setting in Accurate, or mapped a rounding account).

A row goes back to Pending, due now, and the pushes are enqueued once the transaction commits; the
engine then claims it like any other. Both are conditional set-based updates on the row's status, so
a row a worker holds (Running) or one that landed meanwhile is left alone.

What cannot go is refused with the reason and what to do, and nothing is changed: the store is not
connected (or needs reconnecting), the row's outlet — for a transfer received, its sending outlet too
— is not active in Accurate, or a worker is sending it right now. A refund, void or transfer received
whose sale or transfer sent is not in Accurate yet is queued all the same: the engine takes it once
that one lands, and the merchant is told so.

Product push batches are not sent again here: their products go again with the next "Push
products" (items Accurate already has are counted as already there), which the page links to.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mapping.models import Connection
from outlets.models import Store
from sync import dispatch
from sync.models import SyncActivity
from sync.selectors import connection_status, outlets_ready_q

from . import reasons, selectors

Status = SyncActivity.Status
Kind = SyncActivity.Kind


class RetryRefused(Exception):
    """Why a row cannot be synced again from here, in merchant words. Nothing was changed."""

    def __init__(self, message: str, *, level: str = "error") -> None:
        super().__init__(message)
        self.level = level  # "error", or "info" when nothing is wrong (it is on its way already)


@dataclass(frozen=True)
class Retried:
    """One row sent again (`queued`), or left as it was because it was no longer Failed, Pending or
    Synced with a difference; `waits_for`: the prerequisite's kind (order, transfer_out) when it goes
    only after that."""

    queued: bool
    waits_for: str = ""


@dataclass(frozen=True)
class RetriedAll:
    sent: int  # Failed rows sent again
    left: int  # Failed rows left as they were: an outlet not active in Accurate


def _requeue(rows: QuerySet[SyncActivity], store: Store) -> int:
    now = timezone.now()
    # A new start: the engine stamps started_at at the next claim, and its give-up clock (a day of
    # retryable errors) counts from there, not from the first try weeks ago.
    count = rows.update(
        status=Status.PENDING,
        due_at=now,
        started_at=None,
        completed_at=None,
        status_reason="",
        undone=False,  # Sync on a row an undo held sends it, as Backfill would
        updated_at=now,
    )
    if count:
        store_id = store.pk
        transaction.on_commit(lambda: dispatch.pushes_enqueue_for_store(store_id))
    return count


def connection_refusal(status: str) -> RetryRefused | None:
    """The store cannot send anything (`status`: its connection's, "" if none): not connected, or
    Accurate wants it to reconnect."""
    if status == Connection.Status.CONNECTED:
        return None
    if status == Connection.Status.NEEDS_RECONNECT:
        return RetryRefused(
            _(
                "Accurate needs the store to reconnect first: the owner presses Reconnect on the Accurate "
                "page (Apps → Accurate), then sync it again. Nothing was changed."
            )
        )
    return RetryRefused(
        _(
            "The store is not connected to Accurate: the owner connects it on the Accurate page "
            "(Apps → Accurate), then sync it again. Nothing was changed."
        )
    )


def _refusal(activity: SyncActivity, facts: reasons.PendingFacts) -> RetryRefused | None:
    if activity.kind == Kind.PRODUCT_PUSH:
        return RetryRefused(_("Products are sent again with “Push products”."))
    if activity.status == Status.RUNNING:
        return RetryRefused(
            _("It is being sent to Accurate right now: wait a moment, its status updates here."), level="info"
        )
    if activity.status == Status.SUCCESS:
        return RetryRefused(_("It is already in Accurate; nothing was changed."), level="info")
    if activity.status == Status.CANCELLED:
        return RetryRefused(
            _("It was cancelled and is not sent to Accurate; nothing was changed."), level="info"
        )
    refused = connection_refusal(facts.connection_status)
    if refused is not None:
        return refused
    codes = reasons.inactive_outlets(activity, facts)
    if codes:
        return RetryRefused(
            _(
                "Outlet %(code)s is not active in Accurate, so nothing of it can be sent: activate it in "
                "Apps → Accurate → Outlet mapping first. Nothing was changed."
            )
            % {"code": codes[0]}
        )
    return None


# The kind of the row a row waits for in Accurate (a refund's or a void's: its sale's).
WAITS_FOR: dict[str, str] = {Kind.TRANSFER_IN: Kind.TRANSFER_OUT, Kind.REFUND_SUMMARY: Kind.ORDER_SUMMARY}


def activity_retry(*, store: Store, activity_id: int) -> Retried:
    """Send one Failed, Pending or Synced-with-a-difference row of the store again, now. Http404
    for another store's row; RetryRefused (nothing changed) when it cannot go — see the module's
    docstring."""
    activity = selectors.activity_for_store(store, activity_id)
    if activity.summary_id is not None:
        # A sale (refund) in a summary is sent with it, never alone: its summary goes again.
        activity = selectors.activity_for_store(store, activity.summary_id)
    # Read for the row whatever its status: the refusals and the prerequisite need them.
    facts = selectors.facts_for(store, [activity])
    refused = _refusal(activity, facts)
    if refused is not None:
        raise refused
    rows = SyncActivity.objects.filter(pk=activity.pk, store=store, status__in=selectors.RETRYABLE)
    with transaction.atomic():
        queued = _requeue(rows, store) == 1
    waits_for = ""
    if queued and reasons.waits_for_prerequisite(activity, facts):
        waits_for = WAITS_FOR.get(activity.kind, Kind.ORDER)
    return Retried(queued, waits_for)


def activities_retry_failed(*, store: Store, filtered_queryset: QuerySet[SyncActivity]) -> RetriedAll:
    """Send again every Failed row of the store among `filtered_queryset` (what the page's filters
    show, on every page) whose outlets are active in Accurate. Product push batches are left out.
    RetryRefused when there are some but the store cannot send (not connected)."""
    failed = selectors.activities_failed(filtered_queryset.filter(store=store))
    if not failed.exists():
        return RetriedAll(0, 0)
    refused = connection_refusal(connection_status(store))
    if refused is not None:
        raise refused
    ready = outlets_ready_q()
    left = failed.exclude(ready).count()
    rows = SyncActivity.objects.filter(
        pk__in=failed.filter(ready).values("pk"), store=store, status=Status.FAILED
    )
    with transaction.atomic():
        return RetriedAll(_requeue(rows, store), left)
