"""Hammering a limiter and checking what it let through, for the Redis and the local limiter tests."""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable
from typing import Any

Interval = tuple[float, float]


def hammer(
    limiter: Any, key: str, *, seconds: float, threads: int, work: tuple[float, float]
) -> list[Interval]:
    """`threads` threads take slots under `key` for `seconds`, each holding it for a random `work` time.

    Each interval is (just after the slot was taken, just before it was given back), wall clock, so
    that intervals from several processes can be compared.
    """
    intervals: list[Interval] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def run() -> None:
        rng = random.Random(os.getpid() * 1000 + threading.get_ident())
        while time.monotonic() < stop_at:
            with limiter.slot(key):
                start = time.time()
                time.sleep(rng.uniform(*work))
                end = time.time()
            with lock:
                intervals.append((start, end))

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return intervals


def most_starts_in_a_window(intervals: list[Interval], window: float = 1.0) -> int:
    """The most starts in any half-open window [t, t + window)."""
    starts = sorted(start for start, _ in intervals)
    most, first = 0, 0
    for last, start in enumerate(starts):
        while starts[first] <= start - window:
            first += 1
        most = max(most, last - first + 1)
    return most


def most_in_flight(intervals: list[Interval]) -> int:
    # An end at the same instant as a start is counted first: the slot was free by then.
    events = sorted([(end, -1) for _, end in intervals] + [(start, 1) for start, _ in intervals])
    most = current = 0
    for _, change in events:
        current += change
        most = max(most, current)
    return most


def run_in_processes(target: Callable[..., None], count: int, *args: Any) -> list[Interval]:
    """Run `target(*args, queue)` in `count` forked processes; each puts its intervals on the queue."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    processes = [context.Process(target=target, args=(*args, queue)) for _ in range(count)]
    for process in processes:
        process.start()
    intervals: list[Interval] = []
    for _ in processes:
        intervals.extend(queue.get(timeout=30))
    for process in processes:
        process.join(timeout=10)
        assert process.exitcode == 0
    return intervals
