"""Whether a store's syncing has stopped, and why: what the "syncing has stopped" banner says.

Two ways documents stop reaching Accurate while the pages would otherwise look calm:

- **stopped**: documents are ready to go and have been due for longer than the threshold, and no
  worker touched any of the store's rows meanwhile — the Celery worker or beat is not running;
- **refused**: documents were tried and are waiting out a retry, their first try older than the
  threshold — Accurate keeps refusing or not answering.

Either way only while the store is connected (a connection that needs reconnecting has its own
banner) and nothing reached Accurate within the threshold. A healthy store costs two small queries;
the per-kind probes run only when nothing completed lately.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from mapping.models import Connection
from outlets.models import Store
from sync.engine.claim import PUSHED_KINDS, due_of_kind, outlet_active
from sync.models import SyncActivity

Status = SyncActivity.Status
Kind = SyncActivity.Kind
# Counting stops here (rows read through the Pending rows' partial indexes); more shows as "10,000+".
COUNT_UP_TO = 10_000


def stalled_after() -> timedelta:
    """How long due documents may wait, with nothing reaching Accurate, before the banner shows."""
    return timedelta(seconds=int(getattr(settings, "SYNC_STALLED_AFTER_SECONDS", 600)))


@dataclass(frozen=True)
class Stall:
    cause: Literal["stopped", "refused"]
    count: int  # documents waiting (stopped) or being retried (refused), up to COUNT_UP_TO + 1
    after: timedelta  # the threshold they have waited longer than
    reason: str = ""  # refused: Accurate's last answer, in merchant words

    @property
    def more(self) -> bool:
        """The count stopped at its limit: there are more."""
        return self.count > COUNT_UP_TO

    @property
    def shown_count(self) -> int:
        return min(self.count, COUNT_UP_TO)

    @property
    def minutes(self) -> int:
        return max(round(self.after.total_seconds() / 60), 1)


def documents(store: Store) -> QuerySet[SyncActivity]:
    """The store's rows of POS documents (a product push batch is not one)."""
    return SyncActivity.objects.filter(store=store).exclude(kind=Kind.PRODUCT_PUSH)


def _landed_since(store: Store, since: datetime, *statuses: str) -> bool:
    """A document of the store completed in one of `statuses` since `since` (the completed rows'
    index, newest end: stops at the first)."""
    return documents(store).filter(completed_at__gte=since, status__in=statuses).exists()


def _bounded(rows: QuerySet[SyncActivity], limit: int) -> int:
    return rows.values("pk")[:limit].count() if limit > 0 else 0


def _due_too_long(store: Store, since: datetime) -> int:
    """Documents ready to go (outlets active, prerequisites in Accurate) and due before `since`: a
    probe per kind through the claim's own index."""
    found = 0
    for kind in PUSHED_KINDS:
        found += _bounded(due_of_kind(store.pk, kind, since), COUNT_UP_TO + 1 - found)
    return found


def _worker_busy(store: Store, since: datetime, now: datetime) -> bool:
    """A worker touched the store's rows since `since`: it claimed one (Running), or settled one into a
    retry backoff (due later). A "Sync now" or a manual Sync makes rows due now, never later, so a
    button pressed while the worker is down does not count."""
    engine_touched = Q(status=Status.RUNNING) | Q(status=Status.PENDING, attempts__gte=1, due_at__gt=now)
    rows = documents(store).filter(engine_touched, updated_at__gte=since)
    return rows.filter(status__in=[Status.PENDING, Status.RUNNING]).exists()


def _retried_too_long(store: Store, since: datetime) -> QuerySet[SyncActivity]:
    """Pending documents that were tried, have a reason, and were first tried before `since`. Rows of
    an outlet no longer active are left out: they wait for the outlet, not for Accurate."""
    return (
        documents(store)
        .filter(status=Status.PENDING, attempts__gte=1, started_at__lt=since)
        .exclude(status_reason="")
        .filter(outlet_active())
    )


def sync_stall(store: Store, *, now: datetime | None = None) -> Stall | None:
    """Whether the store's syncing has stopped (and why), or None when it is moving or idle."""
    now = now or timezone.now()
    connected = Connection.objects.filter(store=store, status=Connection.Status.CONNECTED).exists()
    if not connected:
        return None
    after = stalled_after()
    since = now - after
    # Synced with a difference reached Accurate too: syncing is moving.
    if _landed_since(store, since, Status.SUCCESS, Status.DIFFERENCE):
        return None
    # A document that failed lately means a worker is at work and Accurate answers: not "stopped".
    # It does not hide "refused": after a day of retries rows fail, and Accurate still refuses.
    if not _landed_since(store, since, Status.FAILED):
        due = _due_too_long(store, since)
        if due and not _worker_busy(store, since, now):
            return Stall("stopped", due, after)
    retried = _retried_too_long(store, since)
    count = _bounded(retried, COUNT_UP_TO + 1)
    if not count:
        return None
    reason = retried.order_by("-updated_at").values_list("status_reason", flat=True).first() or ""
    return Stall("refused", count, after, reason)


def with_stall_note(message: str, store: Store, *, many: bool = False) -> str:
    """`message` (something was queued), plus a sentence when the store's syncing has stopped: what
    was queued waits for it. `many`: the message is about several documents."""
    stall = sync_stall(store)
    if stall is None:
        return message
    if stall.cause == "stopped":
        note = (
            _("Syncing has stopped, though: they go once the background worker runs again.")
            if many
            else _("Syncing has stopped, though: it goes once the background worker runs again.")
        )
    else:
        note = (
            _("Accurate keeps refusing or not answering, though: they go once Accurate accepts them.")
            if many
            else _("Accurate keeps refusing or not answering, though: it goes once Accurate accepts it.")
        )
    return f"{message} {note}"
