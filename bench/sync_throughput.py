"""Sync benchmark: sales pushed to Accurate per second by real Celery workers, against the ceiling.

Run alone: `python bench/sync_throughput.py` (also run by `make bench`). It needs PostgreSQL
(DATABASE_URL, default: a local `iseller_accurate_bench`, created and migrated if missing) and Redis
(REDIS_URL, default db 14 of the local Redis, which the tests do not use: broker and shared limiter).
It starts `python -m accurate_sandbox` on a free port with its own data file, 150 ms latency on every
data call and Accurate's limits (8 requests started per second and 8 in flight per token), then

- connects a fresh store to it through the OAuth pages (outlet mapped and active, every payment
  method mapped, walk-in customer C-WALKIN), creates the menu's items in Accurate (bulk-save.do),
- ingests 20,000 completed sales of 1 to 3 lines with one payment each through the batch ingestion
  service (500 per batch: their Pending outbox rows come with them), releases them all (due now),
- starts the README's worker (`celery -A iseller_accurate worker -l info --pool threads --concurrency
  8`) with the README's default limits (ACCURATE_RATE_PER_SECOND=8, ACCURATE_MAX_IN_FLIGHT=7),
  enqueues a push per free lane (`pushes_enqueue_for_store`), and waits until every row is Success
  (it stops with the counts and reasons when a row fails or when WAIT_TIMEOUT_S passes), then until
  every total left for after the backlog was read back (notes how long after the last row).

Figures:

- `sync_records_per_s`: Accurate documents written (invoices + receipts, from the bindings) ÷ (last
  `completed_at` − first `started_at` of the store's rows).
- `sync_ceiling_ratio`: that ÷ 800, Accurate's ceiling for one token (8 calls/s × 100 records). The
  limiter (8 starts per 1.05 s, a margin for network jitter) caps it at 0.952.
- `sync_configured_ceiling_ratio`: that ÷ (ACCURATE_RATE_PER_SECOND × 100): what the configured
  limits allow (the same as the above at the default 8).
- `sync_cpu_ms_per_record`: the workers' user + system CPU (their processes and pool children, from
  /proc, taken before the enqueue and after the last row) ÷ records.
- `naive_records_per_s`: a second store (outlet N01, its own token) with NAIVE_ORDERS sales pushed by
  the simplest loop: for each order, `save.do` its invoice then its receipt, one call at a time
  (through the same client and rate limiter, payloads from the same mappers).
- `sync_limit_refusals`: requests the sandbox refused for being over its limits during the whole
  run (every token): must be 0.

The workers: `--pool`, `--workers`, `--concurrency`, `--rate`, `--in-flight` compare other set-ups
(the defaults are the README's). Measured here (2 cores, nothing else running): 20,000 sales 730.6
records/s (0.913 of 800), 4,000 sales 707–719 (0.884–0.899: the first batches' mapping before any
request weighs more in a short run); 0 refusals each time. With the rate at 7 (before issue 17):
647–652 and 613–638. Both pools wait on the limiter most of the time (a `--profile` run: about half
of the tasks' time in `RateLimiter.slot`), so the pool is not what limits one store. `--profile`
runs the worker under cProfile and prints where the tasks' time went (waiting for the limiter, HTTP,
encoding, mapping, database). `--answers-without-totals` has the sandbox leave `totalAmount` out of
its save answers, as a stand-in may: a backlog's totals are then read after it (one list.do per
module and 100 documents, sync/engine/totals_check.py), so the drain runs as fast (730.5 records/s
for 20,000, 707–719 for 4,000) and the reads follow (92 s for 20,000 sales, 19 s for 4,000). Read at
each batch, as before, it was 234–242 records/s.

Prints one JSON line per figure: {"figure": …, "value": …, "unit": …}; notes go to stderr. Always
stops the workers and the sandbox, and disconnects its stores so no later beat pushes for them.
"""

from __future__ import annotations

import argparse
import json
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

# The script's own folder is on sys.path: the benches share their set-up.
from _sync_setup import clean_menu, items_create, order_bodies, orders_create, store_connect  # noqa: E402
from _sync_worker import (  # noqa: E402
    bench_main,
    cpu_seconds,
    profile_summary,
    start_workers,
    stop_workers,
    tail,
)
from ingest import DEFAULT_DATABASE_URL, SERVER_ENV, ensure_database  # noqa: E402

from tests.sandbox_fixture import SandboxProcess, start_sandbox, stop_sandbox  # noqa: E402

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
ANALYZED = (
    "outlets_order",
    "outlets_orderline",
    "outlets_payment",
    "outlets_product",
    "sync_syncactivity",
    "sync_accuratebinding",
    "sync_syncattempt",
)
ORDERS = 20_000
NAIVE_ORDERS = 100  # one call at a time at ~0.17 s each: 200 calls are enough for a steady rate
LATENCY_MS = 150
# Accurate's limits per token (the sandbox enforces them) and the product's defaults (the README's
# settings: ACCURATE_RATE_PER_SECOND=8 over 1.05 s, ACCURATE_MAX_IN_FLIGHT=7, a little under Accurate's).
ACCURATE_RATE = 8
ACCURATE_IN_FLIGHT = 8
RATE_PER_SECOND = 8
IN_FLIGHT = 7
CEILING = ACCURATE_RATE * 100  # records per second through bulk-save.do: the ceiling
# The README's worker command: `celery -A iseller_accurate worker -l info --pool threads --concurrency 8`.
POOL = "threads"
CONCURRENCY = 8
WAIT_TIMEOUT_S = 240.0
POLL_S = 1.0
BEAT_S = 60.0  # as the beat would: enqueue pushes again (rows back from a backoff need a task)
# A fixed benchmark-only Fernet key (not a secret): the bench stores' tokens are encrypted with it.
BENCH_TOKEN_KEY = "YmVuY2gtb25seS1rZXktbm90LWEtc2VjcmV0LTAwMDA="
SALES_DOCUMENTS = ("sales-invoice", "sales-receipt")


def figure(name: str, value: float, unit: str, digits: int = 1) -> None:
    print(json.dumps({"figure": name, "value": round(value, digits), "unit": unit}), flush=True)


def note(text: str) -> None:
    print(f"# {text}", file=sys.stderr, flush=True)


def setup_django(database_url: str, sandbox: SandboxProcess, args: argparse.Namespace) -> dict[str, str]:
    """Settings for this process and the workers: the bench database, Redis, the sandbox, the limits."""
    import warnings

    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers.base")
    env = {
        **SERVER_ENV,
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ.get("REDIS_URL", DEFAULT_REDIS_URL),
        "DJANGO_SETTINGS_MODULE": "iseller_accurate.settings",
        "ACCURATE_ACCOUNT_URL": sandbox.url,
        "ACCURATE_CLIENT_ID": sandbox.client_id,
        "ACCURATE_CLIENT_SECRET": sandbox.client_secret,
        "ACCURATE_TOKEN_KEYS": BENCH_TOKEN_KEY,
        "ACCURATE_RATE_PER_SECOND": str(args.rate),
        "ACCURATE_MAX_IN_FLIGHT": str(args.in_flight),
        "PYTHONUNBUFFERED": "1",
    }
    os.environ.update(env)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return dict(os.environ)


def forget_earlier_runs() -> None:
    """Stale push tasks in the bench's queue, and earlier runs' stores left connected to a sandbox
    that is gone (a run killed hard): neither may take the workers' time."""
    from iseller_accurate.celery import app
    from mapping.models import Connection

    app.control.purge()
    Connection.objects.filter(store__slug__startswith="sync-bench-").update(
        status=Connection.Status.DISCONNECTED
    )


def disconnect(store: Any) -> None:
    from mapping.models import Connection

    Connection.objects.filter(store=store).update(status=Connection.Status.DISCONNECTED)


def status_counts(store: Any) -> dict[str, int]:
    from django.db.models import Count

    from sync.models import SyncActivity

    rows = SyncActivity.objects.filter(store=store).values_list("status").annotate(n=Count("id"))
    return {status: n for status, n in rows}


def reasons(store: Any, status: str, limit: int = 5) -> list[tuple[str, int]]:
    from django.db.models import Count

    from sync.models import SyncActivity

    rows = (
        SyncActivity.objects.filter(store=store, status=status)
        .exclude(status_reason="")
        .values_list("status_reason")
        .annotate(n=Count("id"))
        .order_by("-n")[:limit]
    )
    return [(reason, n) for reason, n in rows]


def wait_all_success(store: Any, total: int, workers: list[Any]) -> None:
    from sync.dispatch import pushes_enqueue_for_store

    deadline = time.monotonic() + WAIT_TIMEOUT_S
    shown = beat = time.monotonic()
    while True:
        if time.monotonic() - beat >= BEAT_S:
            pushes_enqueue_for_store(store.pk)
            beat = time.monotonic()
        counts = status_counts(store)
        if counts.get("failed"):
            raise SystemExit(f"Rows failed: {counts}; reasons: {reasons(store, 'failed')}")
        if counts.get("success", 0) == total:
            return
        for worker in workers:
            if worker.process.poll() is not None:
                raise SystemExit(f"A worker died: {counts}\n{tail(worker.log)}")
        if time.monotonic() > deadline:
            raise SystemExit(
                f"Not done in {WAIT_TIMEOUT_S:.0f} s: {counts}; pending because: {reasons(store, 'pending')}"
            )
        if time.monotonic() - shown >= 10:
            note(f"progress: {counts}")
            shown = time.monotonic()
        time.sleep(POLL_S)


def wait_totals_read(store: Any, total: int) -> float:
    """Seconds from the last row landing until every total left for after the backlog was read back
    (none are when the save answers carry their totals); every row must still be Success then."""
    from django.db.models import Max

    from sync.models import AccurateBinding, SyncActivity

    deadline = time.monotonic() + WAIT_TIMEOUT_S
    while AccurateBinding.objects.filter(store=store, unchecked_total__isnull=False).exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"Totals not read back in {WAIT_TIMEOUT_S:.0f} s")
        time.sleep(POLL_S)
    read_at = time.time()
    counts = status_counts(store)
    if counts.get("success", 0) != total:
        raise SystemExit(f"After the totals were read back: {counts}; reasons: {reasons(store, 'pending')}")
    landed = SyncActivity.objects.filter(store=store).aggregate(last=Max("completed_at"))["last"]
    assert landed is not None
    return max(read_at - float(landed.timestamp()), 0.0)


def sync_rate(store: Any, orders: int) -> tuple[int, float]:
    """(records written to Accurate, seconds from the first claim to the last row recorded)."""
    from django.db.models import Max, Min

    from sync.models import AccurateBinding, SyncActivity

    records = AccurateBinding.objects.filter(store=store, module__in=SALES_DOCUMENTS).count()
    if records != 2 * orders:
        raise SystemExit(f"{records} invoices and receipts bound for {orders} sales; expected {2 * orders}.")
    span = SyncActivity.objects.filter(store=store).aggregate(
        first=Min("started_at"), last=Max("completed_at")
    )
    return records, (span["last"] - span["first"]).total_seconds()


def naive_rate(bench: Any) -> float:
    """Records per second of a loop that saves each order's invoice, then its receipt, one call at a time."""
    from django.db.models import Prefetch

    from mapping.services.credentials import accurate_client_for
    from outlets.models import Order, OrderLine
    from sync.destinations import destinations_for
    from sync.mappers import plan_order

    client = accurate_client_for(bench.connection)
    destination = destinations_for(bench.store)[bench.outlet.pk]
    orders = list(
        Order.objects.filter(outlet=bench.outlet)
        .select_related("outlet")
        .prefetch_related(Prefetch("lines", OrderLine.objects.select_related("product")), "payments")
        .order_by("id")
    )
    calls = 0
    started = time.perf_counter()
    for order in orders:
        for planned in plan_order(order, destination):
            client.save(planned.module, planned.payload)
            calls += 1
    return calls / (time.perf_counter() - started)


def analyze() -> None:
    """Fresh planner statistics after loading, as PostgreSQL's autovacuum keeps them in production
    (a server with autovacuum off would otherwise plan the sync's reads on empty-table estimates)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ANALYZED:
            cursor.execute(f"ANALYZE {table}")


def engine_push(
    args: argparse.Namespace,
    stack: ExitStack,
    folder: Path,
    env: dict[str, str],
    store: Any,
    orders: int,
    profile_dir: Path | None,
) -> tuple[int, float, float]:
    """Start the workers, enqueue the pushes, wait for the last row: (records, seconds, worker CPU s)."""
    from sync.dispatch import pushes_enqueue_for_store

    if profile_dir is not None:
        profile_dir.mkdir()
    workers = start_workers(
        folder,
        env,
        pool=args.pool,
        workers=args.workers,
        concurrency=args.concurrency,
        profile_dir=profile_dir,
    )
    stack.callback(stop_workers, workers)
    cpu_before = cpu_seconds(workers)
    enqueued = pushes_enqueue_for_store(store.pk)
    note(f"{enqueued} push tasks enqueued for {orders} sales; load average {os.getloadavg()[0]:.1f}")
    wait_all_success(store, orders, workers)
    note(f"totals read back {wait_totals_read(store, orders):.1f} s after the last row landed")
    cpu = cpu_seconds(workers) - cpu_before
    stop_workers(workers)
    records, seconds = sync_rate(store, orders)
    return records, seconds, cpu


def run(args: argparse.Namespace, stack: ExitStack, folder: Path) -> None:
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    ensure_database(database_url)
    sandbox = start_sandbox(
        folder,
        *("--latency-ms", str(LATENCY_MS)),
        *("--rate-limit", str(ACCURATE_RATE), "--in-flight-limit", str(ACCURATE_IN_FLIGHT)),
    )
    stack.callback(stop_sandbox, sandbox)
    if args.answers_without_totals:  # each stage's totals then cost a list.do of their own
        sandbox.faults(answer_totals=False)
    env = setup_django(database_url, sandbox, args)
    forget_earlier_runs()

    from django.utils import timezone

    from sync.models import SyncActivity

    run_id = datetime.now().strftime("%Y%m%d%H%M%S") + f"{random.randrange(16**4):04x}"
    menu = clean_menu(random.Random(7))
    bench = store_connect(sandbox, slug=f"sync-bench-{run_id}", outlet_code="S01", menu=menu)
    stack.callback(disconnect, bench.store)
    items = items_create(bench)
    clock = time.perf_counter()
    orders = orders_create(bench, order_bodies(menu, args.orders, prefix="S", seed=1))
    note(f"{items} items in Accurate; {orders} sales ingested in {time.perf_counter() - clock:.1f} s")
    released = SyncActivity.objects.filter(store=bench.store).update(due_at=timezone.now())
    assert released == orders, (released, orders)
    analyze()

    profile_dir = folder / "profile" if args.profile else None
    records, seconds, cpu = engine_push(args, stack, folder, env, bench.store, orders, profile_dir)
    counters = sandbox.inspect()["counters"]
    load = os.getloadavg()[0]
    note(f"{records} records in {seconds:.1f} s (load average {load:.1f})")
    note(
        f"sandbox: {counters['requests']} requests, at most {counters['max_started_per_second']} "
        f"started in a second, {counters['max_in_flight']} in flight"
    )
    rate = records / seconds
    figure("sync_records_per_s", rate, "records/s")
    figure("sync_ceiling_ratio", rate / CEILING, "ratio", digits=3)
    figure("sync_configured_ceiling_ratio", rate / (args.rate * 100), "ratio", digits=3)
    figure("sync_cpu_ms_per_record", cpu * 1000 / records, "ms/record", digits=2)
    # The sandbox keeps one token per user and client: connecting the second store ends the first
    # one's token, so the naive store connects only now that the engine is done.
    naive = store_connect(sandbox, slug=f"sync-bench-naive-{run_id}", outlet_code="N01", menu=menu)
    stack.callback(disconnect, naive.store)
    orders_create(naive, order_bodies(menu, args.naive_orders, prefix="N", seed=2))
    figure("naive_records_per_s", naive_rate(naive), "records/s")
    figure("sync_limit_refusals", sandbox.inspect()["counters"]["rejected_by_limits"], "requests", digits=0)
    if profile_dir is not None:
        print(profile_summary(profile_dir), file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--orders", type=int, default=ORDERS)
    parser.add_argument("--naive-orders", type=int, default=NAIVE_ORDERS)
    parser.add_argument("--pool", default=POOL, choices=["threads", "prefork"])
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY, help="threads or children per worker")
    parser.add_argument("--rate", type=int, default=RATE_PER_SECOND, help="ACCURATE_RATE_PER_SECOND")
    parser.add_argument("--in-flight", type=int, default=IN_FLIGHT, help="ACCURATE_MAX_IN_FLIGHT")
    parser.add_argument("--profile", action="store_true", help="cProfile every task; print the summary")
    parser.add_argument(
        "--answers-without-totals",
        action="store_true",
        help="the sandbox leaves totalAmount out of its save answers (as some stand-ins do)",
    )
    # The workers and the sandbox are stopped however the run ends, a plain `kill` included.
    bench_main(parser, run)


if __name__ == "__main__":
    main()
