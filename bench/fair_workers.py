"""Fair workers: one store's slow, failing Accurate must not slow the other stores' syncing.

Run alone: `python bench/fair_workers.py` (also run by `make bench`); PostgreSQL and Redis as
bench/sync_throughput.py. One sandbox (150 ms latency on every data call, Accurate's limits of 8
requests started per second and 8 in flight per token) serves every store: each logs in as a merchant
of its own (`merchant+<n>@…`, a token each). The healthy stores use database 101; the slow one
database 102, which answers after 2 s and fails 20 % of its calls with a 503 (the sandbox's
per-database faults). The workers are the README's command (`celery -A iseller_accurate worker -l
info --pool threads --concurrency 8`) with the default limits (8 requests per 1.05 s, 7 in flight per
token); the pushes are enqueued by the product's own dispatcher (`sync.dispatch.dispatch`, as the
beat runs it: again every 60 s). Three runs, each with fresh stores of ORDERS completed sales, released
at once:

1. ten healthy stores → `sync_multi_store_records_per_s` (invoices and receipts written ÷ first claim
   to last row recorded) and `sync_cpu_ms_per_record` (the worker's user + system CPU ÷ records);
2. nine healthy stores alone → their rate;
3. the same nine beside the slow store → their rate while it struggles (the run ends when the nine
   are done; the slow store is disconnected then).

`sync_fair_ratio` = run 3's rate ÷ run 2's (goal ≥ 0.9). `sync_fair_slow_records` says how much the
slow store got through meanwhile; `sync_limit_refusals` counts requests the sandbox refused for
being over its limits (must be 0). On a shared 2-core machine the figures move by ±10 % between runs.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import sys
import time
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _sync_setup import clean_menu, items_create, order_bodies, orders_create, store_connect  # noqa: E402
from _sync_worker import bench_main, cpu_seconds, start_workers, stop_workers, tail  # noqa: E402
from ingest import DEFAULT_DATABASE_URL, ensure_database  # noqa: E402
from sync_throughput import (  # noqa: E402
    ACCURATE_IN_FLIGHT,
    ACCURATE_RATE,
    CONCURRENCY,
    IN_FLIGHT,
    LATENCY_MS,
    POOL,
    RATE_PER_SECOND,
    SALES_DOCUMENTS,
    analyze,
    figure,
    note,
    setup_django,
)

from tests.sandbox_fixture import start_sandbox, stop_sandbox  # noqa: E402

ORDERS = 1000  # per store
HEALTHY_DB = 101
SLOW_DB = 102
SLOW_FAULTS = {"latency_ms": 2000, "fail_rate": 0.2}
WAIT_TIMEOUT_S = 300.0
BEAT_S = 60.0
MERCHANTS = itertools.count(1)  # each store logs in as a merchant of its own: a token each


class Run:
    """One run's stores (connected, with their sales released) and what it measured."""

    def __init__(self, stores: list[Any], slow: Any | None) -> None:
        self.stores = stores
        self.slow = slow


def connect_stores(
    sandbox: Any, run_id: str, label: str, count: int, orders: int, slow: bool, items_in: set[int]
) -> Run:
    from django.utils import timezone

    from sync.models import SyncActivity

    menu = clean_menu(random.Random(7))
    made: list[Any] = []
    # The slow store first: the dispatcher meets it first, its tasks would be at the queue's front.
    plan = [(SLOW_DB, "X")] if slow else []
    plan += [(HEALTHY_DB, f"{n:02d}") for n in range(count)]
    for database_id, suffix in plan:
        code = f"{label}{suffix}"
        bench = store_connect(
            sandbox,
            slug=f"fair-bench-{run_id}-{code.lower()}",
            outlet_code=code,
            menu=menu,
            merchant=next(MERCHANTS),
            database_id=database_id,
        )
        if database_id not in items_in:
            items_create(bench)
            items_in.add(database_id)
        orders_create(bench, order_bodies(menu, orders, prefix=code, seed=len(made) + 1))
        made.append(bench)
    for bench in made:
        SyncActivity.objects.filter(store=bench.store).update(due_at=timezone.now())
    analyze()
    return Run([b for b in made if b.connection.database_id == HEALTHY_DB], made[0] if slow else None)


def all_success(run: Run, orders: int) -> bool:
    from sync.models import SyncActivity

    stores = [bench.store for bench in run.stores]
    done = SyncActivity.objects.filter(store__in=stores, status="success").count()
    failed = SyncActivity.objects.filter(store__in=stores, status="failed").count()
    if failed:
        raise SystemExit(f"{failed} rows of healthy stores failed")
    return done == orders * len(stores)


def rate(stores: list[Any]) -> tuple[int, float]:
    from django.db.models import Max, Min

    from sync.models import AccurateBinding, SyncActivity

    records = AccurateBinding.objects.filter(store__in=stores, module__in=SALES_DOCUMENTS).count()
    span = SyncActivity.objects.filter(store__in=stores).aggregate(
        first=Min("started_at"), last=Max("completed_at")
    )
    return records, (span["last"] - span["first"]).total_seconds()


def drain(run: Run, orders: int, folder: Path, env: dict[str, str], label: str) -> tuple[int, float, float]:
    """Start the README's worker, dispatch as the beat does, wait for the healthy stores' last row:
    (records, seconds, worker CPU seconds)."""
    from django.utils import timezone

    from mapping.models import Connection
    from sync.dispatch import dispatch

    workers = start_workers(folder / label, env, pool=POOL, workers=1, concurrency=CONCURRENCY)
    try:
        cpu_before = cpu_seconds(workers)
        note(f"{label}: {dispatch(now=timezone.now())} push tasks enqueued")
        deadline = time.monotonic() + WAIT_TIMEOUT_S
        beat = time.monotonic()
        while not all_success(run, orders):
            if workers[0].process.poll() is not None:
                raise SystemExit(f"The worker died:\n{tail(workers[0].log)}")
            if time.monotonic() > deadline:
                raise SystemExit(f"{label}: not done in {WAIT_TIMEOUT_S:.0f} s")
            if time.monotonic() - beat >= BEAT_S:
                dispatch(now=timezone.now())
                beat = time.monotonic()
            time.sleep(0.5)
        cpu = cpu_seconds(workers) - cpu_before
        if run.slow is not None:  # its tasks end at their next batch; nothing more is enqueued for it
            Connection.objects.filter(pk=run.slow.connection.pk).update(status=Connection.Status.DISCONNECTED)
    finally:
        stop_workers(workers)
    records, seconds = rate([bench.store for bench in run.stores])
    return records, seconds, cpu


def disconnect_all(prefix: str) -> None:
    from mapping.models import Connection

    Connection.objects.filter(store__slug__startswith=prefix).update(status=Connection.Status.DISCONNECTED)


def run(args: argparse.Namespace, stack: ExitStack, folder: Path) -> None:
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    ensure_database(database_url)
    sandbox = start_sandbox(
        folder,
        *("--latency-ms", str(LATENCY_MS)),
        *("--rate-limit", str(ACCURATE_RATE), "--in-flight-limit", str(ACCURATE_IN_FLIGHT)),
    )
    stack.callback(stop_sandbox, sandbox)
    env = setup_django(database_url, sandbox, argparse.Namespace(rate=RATE_PER_SECOND, in_flight=IN_FLIGHT))
    from iseller_accurate.celery import app

    app.control.purge()
    disconnect_all("fair-bench-")
    disconnect_all("sync-bench-")
    stack.callback(disconnect_all, "fair-bench-")
    run_id = datetime.now().strftime("%H%M%S") + f"{random.randrange(16**3):03x}"
    items_in: set[int] = set()

    def measured(label: str, count: int, slow: bool) -> tuple[int, float, float]:
        (folder / label).mkdir()
        stores = connect_stores(sandbox, run_id, label, count, args.orders, slow, items_in)
        sandbox.faults(databases={str(SLOW_DB): SLOW_FAULTS} if slow else {})
        records, seconds, cpu = drain(stores, args.orders, folder, env, label)
        sandbox.faults(databases={})
        note(f"{label}: {records} records of {len(stores.stores)} healthy stores in {seconds:.1f} s")
        if stores.slow is not None:
            slow_records, _ = rate([stores.slow.store])
            figure("sync_fair_slow_records", slow_records, "records", digits=0)
        disconnect_all(f"fair-bench-{run_id}-{label.lower()}")
        return records, seconds, cpu

    records, seconds, cpu = measured("A", 10, slow=False)
    figure("sync_multi_store_records_per_s", records / seconds, "records/s")
    figure("sync_cpu_ms_per_record", cpu * 1000 / records, "ms/record", digits=2)
    alone_records, alone_seconds, _ = measured("B", 9, slow=False)
    with_records, with_seconds, _ = measured("C", 9, slow=True)
    alone = alone_records / alone_seconds
    beside = with_records / with_seconds
    note(f"nine healthy stores: {alone:.0f} records/s alone, {beside:.0f} beside the slow one")
    figure("sync_fair_ratio", beside / alone, "ratio", digits=3)
    limits = sandbox.inspect()["limits"]
    for token, counts in limits["per_token"].items():
        if counts["rejected"]:
            note(f"refused for token {token}: {counts}")
    figure("sync_limit_refusals", limits["rejected_by_limits"], "requests", digits=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--orders", type=int, default=ORDERS, help="completed sales per store")
    bench_main(parser, run)


if __name__ == "__main__":
    main()
