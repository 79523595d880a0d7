"""What the date range end-to-end test adds to the sync stack: pages posted from the test process
must reach the stack's worker, so tasks they enqueue go to the stack's queue and, embedded, through
the test process's own broker folder."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from iseller_accurate.celery import app as celery_app
from tests.e2e.sync_support import Started, SyncStack, embedded


@contextmanager
def tasks_to(stack: SyncStack) -> Iterator[None]:
    """Tasks the test process enqueues (a page's Confirm) go to the stack's queue meanwhile."""
    default_queue = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = stack.queue
    try:
        yield
    finally:
        celery_app.conf.task_default_queue = default_queue


def processes_sharing_broker(stack: SyncStack, settings: Any, *, beat: bool = True) -> list[Started]:
    """A worker and (unless `beat` is False) a beat that also read what the test process enqueues:
    embedded, the filesystem broker is a folder, and the test process's is under its own VAR_DIR."""
    if not embedded():
        return [stack.worker(), *([stack.beat()] if beat else [])]
    for sub in ("queue", "processed", "control"):
        (Path(settings.VAR_DIR) / "broker" / sub).mkdir(parents=True, exist_ok=True)
    shared = str(settings.VAR_DIR)
    return [stack.worker(VAR_DIR=shared), *([stack.beat(VAR_DIR=shared)] if beat else [])]
