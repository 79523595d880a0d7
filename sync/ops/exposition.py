"""One scrape of `/metrics`: the counters and histograms, and the gauges read from the database now.

With `PROMETHEUS_MULTIPROC_DIR` set (gunicorn's and Celery's processes on one machine, pointed at
one empty folder that is wiped at each start), the counters come from every process's files in it,
added up; otherwise from this process alone (the embedded run, a single process).
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from prometheus_client import REGISTRY, CollectorRegistry, disable_created_metrics, generate_latest
from prometheus_client.core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

# Imported for their metrics: registered at import, listed (at zero) before anything is counted.
import accurate.metrics  # noqa: F401
import sync.ops.counters  # noqa: F401
from sync.ops.backlog import BacklogCollector

# The multiprocess files keep no creation time: without `_created` series, both modes read alike.
disable_created_metrics()  # type: ignore[no-untyped-call]


class _ThisProcess(Collector):
    """The default registry's metrics (the counters of accurate/ and sync/, the process' own)."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


def scrape() -> bytes:
    """The metrics in Prometheus' text format."""
    registry = CollectorRegistry()
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        MultiProcessCollector(registry, path=folder)  # type: ignore[no-untyped-call]
    else:
        registry.register(_ThisProcess())
    registry.register(BacklogCollector())
    return generate_latest(registry)
