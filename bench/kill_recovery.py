"""Kill-recovery benchmark: seconds from SIGKILL of a worker holding batches until its rows are Success.

Run alone: `python bench/kill_recovery.py` (also run by `make bench`). It needs PostgreSQL
(DATABASE_URL, default: a local `iseller_accurate_bench_kill`, created and migrated if missing: the
beat dispatches for every connected store of its database, so this bench keeps one of its own) and
Redis (REDIS_URL, default db 13 of the local Redis, which neither the tests (15) nor
bench/sync_throughput.py (14) use: a worker of another run must never take this run's tasks).

It measures what production runs, with nothing shortened: the lease and take-back settings and the
beat schedule come from settings (SYNC_LEASE_SECONDS 30, renewed every 10 s; "sync-requeue-stale"
every SYNC_TAKE_BACK_EVERY_SECONDS 15; ACCURATE_RATE_PER_SECOND and ACCURATE_MAX_IN_FLIGHT 7); the
variables that would change them are removed from the environment. Steps:

- starts `python -m accurate_sandbox` with Accurate's limits (8 requests started per second and 8
  in flight per token) and LATENCY_MS on every data call (sync_throughput.py uses 150 ms; a little
  more here, so that a batch is in flight for a while and the kill lands mid-batch),
- connects a fresh store through the OAuth pages (bench/_sync_setup.py, as sync_throughput.py does),
  creates the menu's items in Accurate and ingests ORDERS sales (held: Pending, not due),
- starts two workers with the README's production command (`celery -A iseller_accurate worker -l
  info --pool threads --concurrency 8`, plus `-n` so that two workers on one host have distinct
  names) and one beat (`celery -A iseller_accurate beat -l info`), each in a session of its own,
- runs the dispatcher once (`sync.tasks.dispatch`, on a worker, as the beat would at its next
  minute): it releases the sales and enqueues a push per free lane,
- once 100+ rows are Running and invoices are in the sandbox, SIGKILLs the whole process group of
  the worker with the most push tasks in progress (from its log),
- tells the dead worker's rows from the live one's: the rows Running at the kill whose lane (their
  `claimed_by`, a PushLease holder) is neither renewed nor given back within a third of the lease
  and a few seconds (the live worker renews every third of it; the dead one's lane runs out only
  after two thirds of it at the earliest), and
- waits until every one of those rows is Success, then until every sale is.

Figures (one JSON line each, notes on stderr):

- `kill_recovery_s`: seconds from the kill until every row the dead worker held is Success
  (goal ≤ 60 s: at most a lease, a take-back period and the push). The kill comes a second or so
  after the lanes were taken and the beat started, so the dead lanes run out about 29 s after it,
  just after a take-back tick: the figure is close to that worst case (a kill at a random moment
  costs about ten seconds less on average). The notes say when the lanes ran out and when the rows
  were taken back.
- `kill_recovery_rows_held`: rows Running under the dead worker's lanes at the kill.
- `kill_recovery_worker_stopped_attempts`: attempts recorded with the WORKER_STOPPED message (one
  per row the dead worker held is what the product promises).
- `kill_recovery_duplicates`: numbers present more than once among the sandbox's sales invoices and
  receipts (must be 0).
- `kill_recovery_numbers_refused`: the sandbox's `duplicate_numbers_refused` counter (a send that
  Accurate refused because the number was already used: the lookup should make it 0).
- `kill_recovery_limit_refusals`: requests the sandbox refused for being over its limits.

It exits non-zero with the reason when the run itself went wrong: the kill found no batch in flight,
a row failed, a worker other than the killed one died, duplicates in the sandbox, a sale not
Success at the end (or left Running/Pending), or a wait ran out. Always stops the processes it
started and disconnects its store.

The Celery processes and the reading of what they held (rows, lanes, the sandbox's documents) are in
bench/_kill_support.py.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import Counter
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The script's own folder is on sys.path: the benches share their set-up.
from _kill_support import (  # noqa: E402
    POLL_S,
    SLUG_PREFIX,
    WORKERS,
    Celery,
    Held,
    RunWentWrong,
    dead_holders,
    duplicates_in_sandbox,
    failed_reasons,
    held_at_kill,
    invoices_in_sandbox,
    kill,
    lanes_run_out,
    others_alive,
    status_counts,
    workers_start,
)
from _sync_setup import clean_menu, items_create, order_bodies, orders_create, store_connect  # noqa: E402
from _sync_worker import bench_main  # noqa: E402
from ingest import SERVER_ENV, ensure_database  # noqa: E402
from sync_throughput import BENCH_TOKEN_KEY, analyze, figure, note  # noqa: E402

from tests.sandbox_fixture import SandboxProcess, start_sandbox, stop_sandbox  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/iseller_accurate_bench_kill"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
ORDERS = 2_000
LATENCY_MS = 400
SANDBOX_RATE = SANDBOX_IN_FLIGHT = 8  # Accurate's limits per token
KILL_AT_RUNNING = 100  # a full batch claimed...
KILL_AT_INVOICES = 1  # ...and some invoices already in Accurate
# Settings this bench must not change: removed from the environment, so the defaults apply.
DEFAULTS_KEPT = (
    "SYNC_LEASE_SECONDS",
    "SYNC_TAKE_BACK_EVERY_SECONDS",
    "SYNC_RUNNING_TIMEOUT_SECONDS",
    "ACCURATE_RATE_PER_SECOND",
    "ACCURATE_MAX_IN_FLIGHT",
    "CELERY_VISIBILITY_TIMEOUT",
)
KILL_TIMEOUT_S = 60.0  # from the dispatch to the moment of the kill
RECOVERY_TIMEOUT_S = 150.0  # from the kill to the dead worker's last row Success
SETTLE_TIMEOUT_S = 60.0  # then, until every sale is Success


# --- set-up ---


def process_env(database_url: str, redis_url: str, sandbox: SandboxProcess, folder: Path) -> dict[str, str]:
    """This process's and the Celery processes' settings: the bench database and Redis, the sandbox,
    the README's defaults for everything the sync engine reads."""
    for name in DEFAULTS_KEPT:
        os.environ.pop(name, None)
    os.environ.update(
        {
            **SERVER_ENV,
            "LOG_LEVEL": "INFO",  # the README's default: the workers log each task they take
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "DJANGO_SETTINGS_MODULE": "iseller_accurate.settings",
            "ACCURATE_ACCOUNT_URL": sandbox.url,
            "ACCURATE_CLIENT_ID": sandbox.client_id,
            "ACCURATE_CLIENT_SECRET": sandbox.client_secret,
            "ACCURATE_TOKEN_KEYS": BENCH_TOKEN_KEY,
            # The beat's schedule file (and nothing else: the database and broker are set above).
            "VAR_DIR": str(folder),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return dict(os.environ)


def setup_django() -> None:
    import warnings

    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers.base")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def forget_earlier_runs() -> None:
    """Tasks left in this bench's queue and stores of earlier runs (a run killed hard) left
    connected to a sandbox that is gone: the beat would dispatch for them."""
    from iseller_accurate.celery import app
    from mapping.models import Connection

    app.control.purge()
    Connection.objects.filter(store__slug__startswith=SLUG_PREFIX).update(
        status=Connection.Status.DISCONNECTED
    )


def disconnect(store: Any) -> None:
    from mapping.models import Connection

    Connection.objects.filter(store=store).update(status=Connection.Status.DISCONNECTED)


def check_defaults() -> tuple[float, float]:
    """The lease and take-back period the processes run with (the settings' defaults)."""
    from django.conf import settings

    lease, every = float(settings.SYNC_LEASE_SECONDS), float(settings.SYNC_TAKE_BACK_EVERY_SECONDS)
    schedule = settings.CELERY_BEAT_SCHEDULE["sync-requeue-stale"]["schedule"]
    note(
        f"lease {lease:.0f} s (renewed every {lease / 3:.0f} s), take-back every {every:.0f} s "
        f"(beat entry: {schedule} s), {settings.ACCURATE_MAX_IN_FLIGHT} lanes, "
        f"{settings.ACCURATE_RATE_PER_SECOND} requests/s"
    )
    return lease, every


# --- the run ---


def wait_for_kill_moment(
    store: Any, sandbox: SandboxProcess, processes: list[Celery], workers: list[Celery]
) -> Celery:
    """Until a batch is claimed and invoices are in Accurate; returns the worker to kill: the one with
    the most push tasks in progress."""
    from sync.models import SyncActivity

    deadline = time.monotonic() + KILL_TIMEOUT_S
    while True:
        others_alive(processes, None)
        running = SyncActivity.objects.filter(store=store, status="running").count()
        if running >= KILL_AT_RUNNING and invoices_in_sandbox(sandbox) >= KILL_AT_INVOICES:
            busiest = max(workers, key=lambda w: w.pushes_in_progress())
            if busiest.pushes_in_progress():
                return busiest
        if time.monotonic() > deadline:
            raise RunWentWrong(
                f"no batch in flight within {KILL_TIMEOUT_S:.0f} s of the dispatch: {status_counts(store)}"
            )
        time.sleep(0.05)


def wait_recovered(
    store: Any, held: Held, killed: float, processes: list[Celery], victim: Celery
) -> tuple[float, float | None]:
    """Seconds from the kill until every dead row is Success; and until they were taken back."""
    from sync.models import SyncActivity

    dead = held.dead_rows
    taken_back: float | None = None
    shown = time.monotonic()
    while True:
        others_alive(processes, victim)
        statuses = Counter(SyncActivity.objects.filter(pk__in=dead).values_list("status", flat=True))
        now = time.monotonic()
        if taken_back is None and statuses.get("running", 0) < len(dead):
            taken_back = now - killed
        if statuses.get("failed"):
            raise RunWentWrong(f"rows of the dead worker failed: {failed_reasons(store)}")
        if statuses.get("success", 0) == len(dead):
            return now - killed, taken_back
        if now - killed > RECOVERY_TIMEOUT_S:
            raise RunWentWrong(
                f"the dead worker's {len(dead)} rows were not Success {RECOVERY_TIMEOUT_S:.0f} s after "
                f"the kill: {dict(statuses)}; all rows {status_counts(store)}"
            )
        if now - shown >= 10:
            note(f"{now - killed:.0f} s after the kill: dead worker's rows {dict(statuses)}")
            shown = now
        time.sleep(POLL_S)


def wait_all_success(store: Any, orders: int, processes: list[Celery], victim: Celery) -> None:
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    while True:
        others_alive(processes, victim)
        counts = status_counts(store)
        if counts.get("failed"):
            raise RunWentWrong(f"rows failed: {counts}; reasons: {failed_reasons(store)}")
        if counts.get("success", 0) == orders:
            return
        if time.monotonic() > deadline:
            raise RunWentWrong(
                f"not every sale Success {SETTLE_TIMEOUT_S:.0f} s after the dead worker's rows: {counts}"
            )
        time.sleep(POLL_S)


def run(args: argparse.Namespace, stack: ExitStack, folder: Path) -> None:
    clock = time.monotonic()
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)
    ensure_database(database_url)
    sandbox = start_sandbox(
        folder,
        *("--latency-ms", str(args.latency_ms)),
        *("--rate-limit", str(SANDBOX_RATE), "--in-flight-limit", str(SANDBOX_IN_FLIGHT)),
    )
    stack.callback(stop_sandbox, sandbox)
    env = process_env(database_url, redis_url, sandbox, folder)
    setup_django()
    forget_earlier_runs()
    lease, every = check_defaults()

    from django.utils import timezone

    from sync.engine.orphans import WORKER_STOPPED
    from sync.models import SyncActivity, SyncAttempt
    from sync.tasks import dispatch

    run_id = datetime.now().strftime("%Y%m%d%H%M%S") + f"{random.randrange(16**4):04x}"
    menu = clean_menu(random.Random(7))
    bench = store_connect(sandbox, slug=f"{SLUG_PREFIX}{run_id}", outlet_code="K01", menu=menu)
    stack.callback(disconnect, bench.store)
    items_create(bench)
    orders = orders_create(bench, order_bodies(menu, args.orders, prefix="K", seed=3))
    analyze()
    note(f"{orders} sales ingested (held) in {time.monotonic() - clock:.1f} s since the start")

    processes = workers_start(folder, env, stack)
    workers = processes[:WORKERS]
    dispatch.delay()  # what the beat does every minute: release what is due, a push per free lane
    dispatched = time.monotonic()
    victim = wait_for_kill_moment(bench.store, sandbox, processes, workers)
    kill(victim)
    killed = time.monotonic()
    killed_at = timezone.now()
    held = held_at_kill(bench.store)
    note(
        f"killed {victim.name} {killed - dispatched:.1f} s after the dispatch: {len(held.rows)} rows "
        f"Running under {len(set(held.rows.values()))} lanes, {invoices_in_sandbox(sandbox)} invoices "
        "in the sandbox"
    )
    held.dead_holders = dead_holders(held, killed_at, lease, processes, victim)
    runs_out = lanes_run_out(held.dead_holders, killed_at)
    if not held.dead_rows:
        raise RunWentWrong(f"{victim.name} held no rows when it was killed: nothing to recover")
    note(
        f"the dead worker held {len(held.dead_rows)} rows under {len(held.dead_holders)} lanes; "
        f"the live one {len(held.live_rows)}"
    )
    recovery, taken_back = wait_recovered(bench.store, held, killed, processes, victim)
    note(
        f"the dead worker's lanes ran out {runs_out:.1f} s after the kill (at most a lease after their "
        f"last renewal); its rows were taken back {taken_back or 0:.1f} s after the kill (the beat "
        f"looks every {every:.0f} s) and were all Success {recovery:.1f} s after it"
    )
    wait_all_success(bench.store, orders, processes, victim)

    stopped = SyncAttempt.objects.filter(activity__store=bench.store, message=WORKER_STOPPED)
    stopped_rows = Counter(stopped.values_list("activity_id", flat=True))
    if set(stopped_rows) != held.dead_rows or any(n != 1 for n in stopped_rows.values()):
        note(
            f"WARNING: WORKER_STOPPED attempts on {len(stopped_rows)} rows ({sum(stopped_rows.values())} "
            f"attempts); {len(set(stopped_rows) - held.dead_rows)} of them not the dead worker's, "
            f"{len(held.dead_rows - set(stopped_rows))} dead rows without one"
        )
    attempts = Counter(SyncActivity.objects.filter(pk__in=held.dead_rows).values_list("attempts", flat=True))
    note(f"attempts of the dead worker's rows: {dict(attempts)}")
    duplicates, per_module = duplicates_in_sandbox(sandbox)
    counters = sandbox.inspect()["counters"]
    counts = status_counts(bench.store)
    note(
        f"sandbox: {per_module}, {counters['requests']} requests, at most "
        f"{counters['max_started_per_second']} started in a second, {counters['max_in_flight']} in flight; "
        f"rows {counts}; whole run {time.monotonic() - clock:.0f} s"
    )

    figure("kill_recovery_s", recovery, "s")
    figure("kill_recovery_rows_held", len(held.dead_rows), "rows", digits=0)
    figure("kill_recovery_worker_stopped_attempts", sum(stopped_rows.values()), "attempts", digits=0)
    figure("kill_recovery_duplicates", duplicates, "documents", digits=0)
    figure("kill_recovery_numbers_refused", counters["duplicate_numbers_refused"], "requests", digits=0)
    figure("kill_recovery_limit_refusals", counters["rejected_by_limits"], "requests", digits=0)

    if duplicates:
        raise RunWentWrong(f"{duplicates} numbers are in the sandbox more than once")
    expected = {"sales-invoice": orders, "sales-receipt": orders}  # one payment per sale
    if per_module != expected:
        raise RunWentWrong(f"the sandbox holds {per_module}; expected {expected}")
    if counts != {"success": orders}:
        raise RunWentWrong(f"rows at the end: {counts}; expected {orders} Success and nothing else")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--orders", type=int, default=ORDERS)
    parser.add_argument("--latency-ms", type=int, default=LATENCY_MS, help="the sandbox's, per data call")
    # The processes and the sandbox are stopped however the run ends, a plain `kill` included.
    bench_main(parser, run)


if __name__ == "__main__":
    main()
