"""What `/readyz` checks: the database answers, the broker is reachable, the beat ticks, and at least
one worker is alive. Each check says ok or fail, with the heartbeat's age in whole seconds; a failure
names the error's type only (its message could carry a host, a user or a URL).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Literal

import redis
from django.conf import settings
from django.db import DatabaseError, connection

from sync.ops.heartbeats import heartbeat_every
from sync.ops.models import Heartbeat

# A probe must answer before the load balancer gives up on it.
REDIS_TIMEOUT_S = 2.0
# The filesystem broker's folders (settings.CELERY_BROKER_TRANSPORT_OPTIONS) that messages go through.
BROKER_FOLDERS = ("data_folder_in", "data_folder_out", "control_folder")


@dataclass(frozen=True)
class Check:
    status: Literal["ok", "fail"]
    error: str = ""
    age_seconds: int | None = None  # heartbeats: how long ago the freshest one was written
    max_age_seconds: int | None = None
    count: int | None = None  # workers: how many are alive

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def as_json(self) -> dict[str, Any]:
        shown: dict[str, Any] = {"status": self.status}
        if self.max_age_seconds is not None:
            shown |= {"age_seconds": self.age_seconds, "max_age_seconds": self.max_age_seconds}
        if self.count is not None:
            shown["count"] = self.count
        if self.error:
            shown["error"] = self.error
        return shown


def max_heartbeat_age() -> timedelta:
    """A heartbeat older than two intervals means the process stopped."""
    return timedelta(seconds=2 * heartbeat_every())


def database_check() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return Check("fail", error=type(error).__name__)
    return Check("ok")


@cache
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_S, socket_connect_timeout=REDIS_TIMEOUT_S)


def broker_check() -> Check:
    """Redis answers a ping; on the embedded stack, the filesystem broker's folders are writable."""
    url = str(settings.CELERY_BROKER_URL)
    if url.startswith("filesystem://"):
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        for key in BROKER_FOLDERS:
            folder = Path(options[key])
            if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
                return Check("fail", error=f"{key} missing or not writable")
        return Check("ok")
    try:
        _redis(url).ping()
    except redis.RedisError as error:
        return Check("fail", error=type(error).__name__)
    return Check("ok")


def _age(seen_at: datetime, now: datetime) -> int:
    # Clamped: a process whose clock runs a little ahead must not look younger than now.
    return max(int((now - seen_at).total_seconds()), 0)


def beat_check(now: datetime) -> Check:
    """The freshest beat heartbeat is younger than two intervals."""
    limit = max_heartbeat_age()
    most = int(limit.total_seconds())
    try:
        seen = Heartbeat.objects.filter(role=Heartbeat.Role.BEAT).order_by("-seen_at").first()
    except DatabaseError as error:
        return Check("fail", error=type(error).__name__, max_age_seconds=most)
    if seen is None:
        return Check("fail", error="no heartbeat", max_age_seconds=most)
    age = _age(seen.seen_at, now)
    return Check("ok" if now - seen.seen_at <= limit else "fail", age_seconds=age, max_age_seconds=most)


def workers_check(now: datetime) -> Check:
    """At least one worker heartbeat younger than two intervals; `count` of those."""
    limit = max_heartbeat_age()
    most = int(limit.total_seconds())
    try:
        seen = list(
            Heartbeat.objects.filter(role=Heartbeat.Role.WORKER)
            .order_by("-seen_at")
            .values_list("seen_at", flat=True)
        )
    except DatabaseError as error:
        return Check("fail", error=type(error).__name__, max_age_seconds=most, count=0)
    if not seen:
        return Check("fail", error="no heartbeat", max_age_seconds=most, count=0)
    alive = sum(1 for seen_at in seen if now - seen_at <= limit)
    return Check("ok" if alive else "fail", age_seconds=_age(seen[0], now), max_age_seconds=most, count=alive)


def readiness(*, now: datetime) -> dict[str, Check]:
    """Every check, by name, in the order the answer lists them."""
    return {
        "database": database_check(),
        "broker": broker_check(),
        "beat": beat_check(now),
        "workers": workers_check(now),
    }
