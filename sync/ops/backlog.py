"""The gauges read from the database at scrape time: each watched connection's due backlog and how
long its oldest due document has waited, and how many connections are in each status.

An operator's selector: it spans every store, and returns counts per store slug, never a row, a
token or anything else of a store. A series per connection that is connected or needs reconnecting
(the ones whose documents wait on us or on the merchant); disconnected stores have none.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db import DatabaseError
from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from mapping.models import Connection
from sync.models import AccurateBinding, SyncActivity

logger = logging.getLogger(__name__)

WATCHED = (Connection.Status.CONNECTED, Connection.Status.NEEDS_RECONNECT)


@dataclass(frozen=True)
class Backlog:
    store: str  # the store's slug
    due: int  # Pending documents whose due time has come
    oldest_due_at: datetime | None
    unread: int = 0  # documents in Accurate whose total is still to be read back (after a backlog)


def connection_backlogs(*, now: datetime) -> list[Backlog]:
    """Per watched connection, its store's Pending documents due at `now` (held ones and ones waiting
    out a backoff are not due), through the Pending rows' (store, due_at) index. By store slug."""
    watched = Connection.objects.filter(status__in=WATCHED)
    due = (
        SyncActivity.objects.filter(status=SyncActivity.Status.PENDING, due_at__lte=now)
        .exclude(kind=SyncActivity.Kind.PRODUCT_PUSH)
        .filter(store_id__in=watched.values("store_id"))
        .values("store_id")
        .annotate(count=Count("id"), oldest=Min("due_at"))
        .values_list("store_id", "count", "oldest")
    )
    by_store = {store_id: (count, oldest) for store_id, count, oldest in due}
    unread = dict(
        AccurateBinding.objects.filter(unchecked_total__isnull=False, store_id__in=watched.values("store_id"))
        .values("store_id")
        .annotate(count=Count("id"))
        .values_list("store_id", "count")
    )
    return [
        Backlog(slug, *by_store.get(store_id, (0, None)), unread=unread.get(store_id, 0))
        for store_id, slug in watched.order_by("store__slug").values_list("store_id", "store__slug")
    ]


def connections_by_status() -> dict[str, int]:
    """How many connections are in each status (every status listed, 0 included)."""
    counts = dict(Connection.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {status: counts.get(status, 0) for status in Connection.Status.values}


class BacklogCollector(Collector):
    """The database gauges, read at each scrape. A database that does not answer leaves them out
    (logged): the process's counters are still worth the scrape."""

    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        try:
            backlogs = connection_backlogs(now=now)
            statuses = connections_by_status()
        except DatabaseError as error:
            logger.warning("metrics: the database did not answer (%s)", type(error).__name__)
            return
        due = GaugeMetricFamily(
            "iseller_accurate_sync_backlog_documents",
            "Documents due to go to Accurate and not gone yet, per store with a connection.",
            labels=["store"],
        )
        oldest = GaugeMetricFamily(
            "iseller_accurate_sync_backlog_oldest_seconds",
            "Seconds since the store's oldest due document became due; 0 with none due.",
            labels=["store"],
        )
        unread = GaugeMetricFamily(
            "iseller_accurate_sync_totals_unread_documents",
            "Documents in Accurate whose total is still to be read back and compared with the POS "
            "(left for after a backlog when the save's answer did not carry it).",
            labels=["store"],
        )
        for backlog in backlogs:
            due.add_metric([backlog.store], backlog.due)
            unread.add_metric([backlog.store], backlog.unread)
            waited = 0.0 if backlog.oldest_due_at is None else (now - backlog.oldest_due_at).total_seconds()
            oldest.add_metric([backlog.store], round(max(waited, 0.0), 3))
        connections = GaugeMetricFamily(
            "iseller_accurate_connections",
            "Stores' connections to Accurate by status: connected, needs_reconnect (Accurate refused "
            "the token or a permission; their documents wait), choosing_database, disconnected.",
            labels=["status"],
        )
        for status, count in statuses.items():
            connections.add_metric([status], count)
        yield from (due, oldest, unread, connections)
