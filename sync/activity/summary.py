"""The status panel and the 14-day chart: a few small reads, quick at a million rows.

The panel is about the POS documents: Success, Failed, Pending and the last sync leave out product
push batches, which get a line of their own (they are sent by "Push products", not by the sync).

Pending and Failed are counted exactly (their rows are few, and narrow indexes hold them). Success
grows without bound: it is counted exactly up to SUCCESS_EXACT_UP_TO rows, and above that the
planner's estimate is shown as "about …" — counting a store's 900,000 successes costs 150 ms or more
on every page view, and nobody acts on the exact figure; the chart gives the recent days exactly.
Where there is no planner estimate (SQLite, the embedded run) the exact count is shown instead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from mapping.models import Connection
from mapping.selectors import connection_for_store
from outlets.models import Store
from sync.engine.claim import blocked_by_failure
from sync.models import SyncActivity

from .filters import day_start

Status = SyncActivity.Status
Kind = SyncActivity.Kind
SUCCESS_EXACT_UP_TO = 10_000
CHART_DAYS = 14


@dataclass(frozen=True)
class Tally:
    value: int
    estimated: bool = False


@dataclass(frozen=True)
class StatusPanel:
    last_completed_at: datetime | None  # of a document (product pushes left out)
    last_status: str  # "success", "difference" or "failed"; "" before the first document synced
    success: Tally  # documents
    failed: int  # documents: Failed, and Pending ones waiting on a failed document (`blocked`)
    pending: int  # documents, Running included, blocked ones left out
    needs_reconnect: bool
    blocked: int = 0  # Pending documents whose sale or transfer sent Failed: they wait on a failure
    push_pending: int = 0  # product push batches waiting or being sent
    push_failed: int = 0  # product push batches Accurate refused
    difference: int = 0  # documents in Accurate with another total than the POS's

    @property
    def banner(self) -> bool:
        return self.failed > 0 or self.needs_reconnect or self.difference > 0

    @property
    def pushes(self) -> bool:
        """Product push batches to mention: some are waiting or failed."""
        return self.push_pending > 0 or self.push_failed > 0


def estimate(rows: QuerySet[SyncActivity]) -> int | None:
    """The planner's row estimate for `rows` (PostgreSQL); None elsewhere."""
    if connection.vendor != "postgresql":
        return None
    sql, params = rows.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


def push_counts(store: Store) -> dict[str, int]:
    """Status → the store's product push batches (rows). They are few — one per 100 products pushed —
    and read through the (store, kind) index, so the documents' counts are the store's counts less
    these, each an index-only count."""
    rows = (
        SyncActivity.objects.filter(store=store, kind=Kind.PRODUCT_PUSH)
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {status: n for status, n in rows}


def success_count(store: Store, *, pushed: int | None = None) -> Tally:
    """The store's documents synced (`pushed`: its product push batches that succeeded, read here if
    not given), exactly up to SUCCESS_EXACT_UP_TO, estimated above it."""
    if pushed is None:
        pushed = push_counts(store).get(Status.SUCCESS, 0)
    rows = SyncActivity.objects.filter(store=store, status=Status.SUCCESS)
    # Counting stops one past the limit: an index-only walk of at most that many entries.
    exact = rows.values("pk")[: SUCCESS_EXACT_UP_TO + pushed + 1].count() - pushed
    if exact <= SUCCESS_EXACT_UP_TO:
        return Tally(exact)
    documents = rows.exclude(kind=Kind.PRODUCT_PUSH)
    guess = estimate(documents)
    if guess is None:
        # No planner estimate (SQLite): the exact figure, never a capped "about".
        return Tally(documents.count())
    return Tally(max(guess, exact), estimated=True)


def status_panel(store: Store) -> StatusPanel:
    last = (
        SyncActivity.objects.filter(
            store=store,
            completed_at__isnull=False,
            status__in=[Status.SUCCESS, Status.DIFFERENCE, Status.FAILED],
        )
        .exclude(kind=Kind.PRODUCT_PUSH)
        .order_by("-completed_at")
        .values("completed_at", "status")
        .first()
    )
    pushes = push_counts(store)
    push_pending = pushes.get(Status.PENDING, 0) + pushes.get(Status.RUNNING, 0)
    push_failed = pushes.get(Status.FAILED, 0)
    pending = SyncActivity.objects.filter(store=store, status__in=[Status.PENDING, Status.RUNNING]).count()
    failed = SyncActivity.objects.filter(store=store, status=Status.FAILED).count()
    # A refund whose sale failed will not go until the merchant acts on the sale: a failure too.
    blocked = SyncActivity.objects.filter(blocked_by_failure(), store=store).count()
    # Few, and counted through the (store, status) index: landed, but with another total.
    difference = SyncActivity.objects.filter(store=store, status=Status.DIFFERENCE).count()
    link = connection_for_store(store)
    return StatusPanel(
        last_completed_at=last["completed_at"] if last else None,
        last_status=last["status"] if last else "",
        success=success_count(store, pushed=pushes.get(Status.SUCCESS, 0)),
        # Read a moment apart: a batch settling in between must not make a count negative.
        failed=max(failed - push_failed, 0) + blocked,
        pending=max(pending - push_pending - blocked, 0),
        needs_reconnect=link is not None and link.status == Connection.Status.NEEDS_RECONNECT,
        blocked=blocked,
        push_pending=push_pending,
        push_failed=push_failed,
        difference=difference,
    )


# --- the chart ---


@dataclass(frozen=True)
class Day:
    day: date
    synced: int
    failed: int
    different: int = 0  # synced with a difference: in Accurate, with another total


@dataclass(frozen=True)
class Bar:
    day: Day
    x: int
    synced_y: float
    synced_height: float
    failed_y: float
    failed_height: float
    different_y: float = 0.0
    different_height: float = 0.0


@dataclass(frozen=True)
class Chart:
    days: list[Day]
    bars: list[Bar]
    width: int
    height: int
    top: int  # the value the full height stands for

    @property
    def synced(self) -> int:
        return sum(day.synced for day in self.days)

    @property
    def failed(self) -> int:
        return sum(day.failed for day in self.days)

    @property
    def different(self) -> int:
        return sum(day.different for day in self.days)


def chart_days(store: Store, *, now: datetime | None = None, days: int = CHART_DAYS) -> list[Day]:
    """Per day of the store's clock, the last `days` up to today: rows completed that day as Success
    (synced), as Failed, and synced with a difference. One grouped query over the completed rows'
    index."""
    zone = ZoneInfo(store.time_zone)
    today = (now or timezone.now()).astimezone(zone).date()
    first = today - timedelta(days=days - 1)
    rows = (
        SyncActivity.objects.filter(
            store=store,
            completed_at__gte=day_start(first, zone),
            completed_at__lt=day_start(today + timedelta(days=1), zone),
        )
        .annotate(day=TruncDate("completed_at", tzinfo=zone))
        .values("day")
        .annotate(
            synced=Count("status", filter=Q(status=Status.SUCCESS)),
            failed=Count("status", filter=Q(status=Status.FAILED)),
            different=Count("status", filter=Q(status=Status.DIFFERENCE)),
        )
        .order_by()
    )
    found = {row["day"]: (row["synced"], row["failed"], row["different"]) for row in rows}
    return [Day(d, *found.get(d, (0, 0, 0))) for d in (first + timedelta(days=n) for n in range(days))]


CHART_CACHE_S = 60


def chart_days_cached(store: Store) -> list[Day]:
    """The chart's days, kept for a minute: 14 days of a busy store are tens of thousands of rows
    to group, and the chart need not move with every page view. The key names the store's creation
    time too, so stores of other databases sharing the cache never meet."""
    key = f"sync:activity-chart:{store.pk}:{store.created_at.timestamp()}:{store.time_zone}"
    days: list[Day] | None = cache.get(key)
    if days is None:
        days = chart_days(store)
        cache.set(key, days, CHART_CACHE_S)
    return days


BAR_WIDTH = 18
BAR_GAP = 6
CHART_HEIGHT = 80


def chart(days: list[Day]) -> Chart:
    """Stacked bars (synced below, with a difference on them, failed above), scaled to the busiest
    day."""
    top = max((day.synced + day.different + day.failed for day in days), default=0) or 1
    scale = CHART_HEIGHT / top
    bars = []
    for n, day in enumerate(days):
        # Each segment starts where the ones below end, unrounded: rounded heights would add up
        # past the top.
        below_failed = (day.synced + day.different) * scale
        bars.append(
            Bar(
                day=day,
                x=n * (BAR_WIDTH + BAR_GAP),
                synced_y=round(CHART_HEIGHT - day.synced * scale, 1),
                synced_height=round(day.synced * scale, 1),
                failed_y=round(CHART_HEIGHT - below_failed - day.failed * scale, 1),
                failed_height=round(day.failed * scale, 1),
                different_y=round(CHART_HEIGHT - below_failed, 1),
                different_height=round(day.different * scale, 1),
            )
        )
    return Chart(days, bars, width=len(days) * (BAR_WIDTH + BAR_GAP), height=CHART_HEIGHT, top=top)
