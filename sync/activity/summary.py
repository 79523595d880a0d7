"""The status panel and the 14-day chart: a few small reads, quick at a million rows.

Pending and Failed are counted exactly (their rows are few, and narrow indexes hold them). Success
grows without bound: it is counted exactly up to SUCCESS_EXACT_UP_TO rows, and above that the
planner's estimate is shown as "about …" — counting a store's 900,000 successes costs 150 ms or more
on every page view, and nobody acts on the exact figure; the chart gives the recent days exactly.
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
from sync.models import SyncActivity

from .filters import day_start

Status = SyncActivity.Status
SUCCESS_EXACT_UP_TO = 10_000
CHART_DAYS = 14


@dataclass(frozen=True)
class Tally:
    value: int
    estimated: bool = False


@dataclass(frozen=True)
class StatusPanel:
    last_completed_at: datetime | None
    last_status: str  # "success" or "failed"; "" before the first sync
    success: Tally
    failed: int
    pending: int
    needs_reconnect: bool

    @property
    def banner(self) -> bool:
        return self.failed > 0 or self.needs_reconnect


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


def success_count(store: Store) -> Tally:
    rows = SyncActivity.objects.filter(store=store, status=Status.SUCCESS)
    # Counting stops one past the limit: an index-only walk of at most that many entries.
    exact = rows.values("pk")[: SUCCESS_EXACT_UP_TO + 1].count()
    if exact <= SUCCESS_EXACT_UP_TO:
        return Tally(exact)
    guess = estimate(rows)
    return Tally(max(guess or 0, exact), estimated=True)


def status_panel(store: Store) -> StatusPanel:
    last = (
        SyncActivity.objects.filter(
            store=store, completed_at__isnull=False, status__in=[Status.SUCCESS, Status.FAILED]
        )
        .order_by("-completed_at")
        .values("completed_at", "status")
        .first()
    )
    pending = SyncActivity.objects.filter(store=store, status__in=[Status.PENDING, Status.RUNNING]).count()
    failed = SyncActivity.objects.filter(store=store, status=Status.FAILED).count()
    link = connection_for_store(store)
    return StatusPanel(
        last_completed_at=last["completed_at"] if last else None,
        last_status=last["status"] if last else "",
        success=success_count(store),
        failed=failed,
        pending=pending,
        needs_reconnect=link is not None and link.status == Connection.Status.NEEDS_RECONNECT,
    )


# --- the chart ---


@dataclass(frozen=True)
class Day:
    day: date
    synced: int
    failed: int


@dataclass(frozen=True)
class Bar:
    day: Day
    x: int
    synced_y: float
    synced_height: float
    failed_y: float
    failed_height: float


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


def chart_days(store: Store, *, now: datetime | None = None, days: int = CHART_DAYS) -> list[Day]:
    """Per day of the store's clock, the last `days` up to today: rows completed that day as Success
    (synced) and as Failed. One grouped query over the completed rows' index."""
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
        )
        .order_by()
    )
    found = {row["day"]: (row["synced"], row["failed"]) for row in rows}
    return [Day(d, *found.get(d, (0, 0))) for d in (first + timedelta(days=n) for n in range(days))]


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
    """Stacked bars (synced below, failed above), scaled to the busiest day."""
    top = max((day.synced + day.failed for day in days), default=0) or 1
    scale = CHART_HEIGHT / top
    bars = []
    for n, day in enumerate(days):
        synced_height = round(day.synced * scale, 1)
        failed_height = round(day.failed * scale, 1)
        bars.append(
            Bar(
                day=day,
                x=n * (BAR_WIDTH + BAR_GAP),
                synced_y=round(CHART_HEIGHT - synced_height, 1),
                synced_height=synced_height,
                failed_y=round(CHART_HEIGHT - synced_height - failed_height, 1),
                failed_height=failed_height,
            )
        )
    return Chart(days, bars, width=len(days) * (BAR_WIDTH + BAR_GAP), height=CHART_HEIGHT, top=top)
