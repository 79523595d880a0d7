"""`python bench/summary_posting.py --throughput --mode per_day [--orders 20000]`: bench/sync_throughput.py's
run (PostgreSQL and Redis, the sandbox with 150 ms latency and Accurate's limits, a fresh store, 20,000
sales ingested through the batch service, real Celery workers) with the outlet posting in `mode`.

Figures, for mode M:

- `summary_<M>_sync_records_per_s`: Accurate documents written (summary invoices and receipts, from
  the bindings) ÷ (last `completed_at` − first `started_at` of the store's rows);
- `summary_<M>_orders_per_s`: the sales those documents carry, per second over the same span;
- `summary_<M>_throughput_requests`: requests the sandbox answered for them (what the limit counts);
- `summary_<M>_throughput_days_wrong`: outlet-days whose invoice or receipt totals in Accurate differ
  from the POS's to the rupiah (must be 0).
"""

from __future__ import annotations

import argparse
import os
import random
import time
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import Any

from _sync_setup import clean_menu, items_create, order_bodies, orders_create, store_connect
from _sync_worker import start_workers, stop_workers
from ingest import DEFAULT_DATABASE_URL, ensure_database
from sync_throughput import (
    ACCURATE_IN_FLIGHT,
    ACCURATE_RATE,
    LATENCY_MS,
    WAIT_TIMEOUT_S,
    disconnect,
    figure,
    forget_earlier_runs,
    note,
    setup_django,
    status_counts,
)

from tests.sandbox_fixture import start_sandbox, stop_sandbox

DB_ID = 101


def wait_landed(store: Any, total: int) -> None:
    """Until every row of the store is Success (a summary's sales follow it)."""
    from sync.dispatch import pushes_enqueue_for_store

    deadline = time.monotonic() + WAIT_TIMEOUT_S
    while True:
        counts = status_counts(store)
        if counts.get("failed"):
            raise SystemExit(f"Rows failed: {counts}")
        if counts.get("success", 0) == total:
            return
        if time.monotonic() > deadline:
            raise SystemExit(f"Not done in {WAIT_TIMEOUT_S:.0f} s: {counts}")
        pushes_enqueue_for_store(store.pk)
        time.sleep(1.0)


def throughput_run(args: argparse.Namespace, stack: ExitStack, folder: Path) -> None:
    ensure_database(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))
    sandbox = start_sandbox(
        folder,
        *("--latency-ms", str(LATENCY_MS)),
        *("--rate-limit", str(ACCURATE_RATE), "--in-flight-limit", str(ACCURATE_IN_FLIGHT)),
    )
    stack.callback(stop_sandbox, sandbox)
    env = setup_django(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL), sandbox, args)
    # Imported only now: Django is set up (on the bench's database) by setup_django.
    from django.db.models import Max, Min
    from django.utils import timezone
    from summary_posting import days_check  # the per-mode totals check of the demo's week

    from mapping.models import OutletMapping
    from sync.models import AccurateBinding, SyncActivity
    from sync.schedule import activities_release
    from sync.selectors import SALES_KINDS

    forget_earlier_runs()
    run_id = datetime.now().strftime("%Y%m%d%H%M%S") + f"{random.randrange(16**4):04x}"
    menu = clean_menu(random.Random(7))
    bench = store_connect(sandbox, slug=f"sync-bench-{args.mode}-{run_id}", outlet_code="S01", menu=menu)
    stack.callback(disconnect, bench.store)
    items_create(bench)
    OutletMapping.objects.filter(outlet=bench.outlet).update(posting_mode=args.mode)
    clock = time.perf_counter()
    orders = orders_create(bench, order_bodies(menu, args.orders, prefix="S", seed=1))
    note(f"{orders} sales ingested in {time.perf_counter() - clock:.1f} s ({args.mode})")
    requests_before = sandbox.inspect()["counters"]["requests"]
    # "Sync now": the summaries so far go (a day's would otherwise wait for the outlet's midnight).
    activities_release(store=bench.store, kinds=SALES_KINDS, outlet=None, now=timezone.now())
    workers = start_workers(folder, env, pool="threads", workers=1, concurrency=8, profile_dir=None)
    stack.callback(stop_workers, workers)
    wait_landed(bench.store, SyncActivity.objects.filter(store=bench.store).count())
    stop_workers(workers)
    span = SyncActivity.objects.filter(store=bench.store).aggregate(
        first=Min("started_at"), last=Max("completed_at")
    )
    seconds = (span["last"] - span["first"]).total_seconds()
    records = AccurateBinding.objects.filter(
        store=bench.store, module__in=("sales-invoice", "sales-receipt")
    ).count()
    requests = sandbox.inspect()["counters"]["requests"] - requests_before
    note(f"{records} documents for {orders} sales in {seconds:.2f} s; load average {os.getloadavg()[0]:.1f}")
    figure(f"summary_{args.mode}_sync_records_per_s", records / seconds, "records/s")
    figure(f"summary_{args.mode}_orders_per_s", orders / seconds, "orders/s")
    figure(f"summary_{args.mode}_throughput_requests", requests, "requests", digits=0)
    documents = {m: sandbox.documents(m, db=DB_ID) for m in ("sales-invoice", "sales-receipt")}
    days, wrong = days_check(bench.store, documents)
    figure(f"summary_{args.mode}_throughput_days_wrong", wrong, "outlet-days", digits=0)
    if wrong:
        raise SystemExit(f"{wrong} of {days} outlet-days differ from the POS")
