"""Pytest plugin for `make pytest` under pytest-xdist (`-p tests.xdist_redis -n 2`): each worker its
own Redis database, so one worker's `cache.clear()` (FLUSHDB) never wipes another's rate-limiter
slots or Celery queue. It runs before Django reads its settings: REDIS_URL redis://host:port/15 is
database 15 for worker gw0, 14 for gw1, and so on. Without xdist it changes nothing.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit


def worker_redis_url(url: str, worker: str) -> str:
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    database = base - int(worker.removeprefix("gw"))
    if database < 0:
        raise RuntimeError(f"REDIS_URL {url}: no Redis database left for xdist worker {worker}")
    return urlunsplit(parts._replace(path=f"/{database}"))


_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker.startswith("gw") and os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = worker_redis_url(os.environ["REDIS_URL"], _worker)
