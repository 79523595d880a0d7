"""Reconciliation benchmark: the demo's week synced to the sandbox, then read back from it, outlet by
outlet and day by day, by the stack `make run` starts.

Run alone: `python bench/reconcile.py` (also run by `make bench`). Like bench/embedded_sync.py it needs
neither PostgreSQL nor Redis: the embedded defaults in a temporary VAR_DIR (SQLite, the filesystem
broker, the in-process rate limiter). Steps:

- the steps of bench/embedded_sync.py up to a settled sync: migrate, `seed_demo` (outlets JKT01, BDG01,
  and DPS01 in WITA, a week of sales, refunds, voids, transfers, adjustments, a stock take, deposits),
  the devserver (web, a one-process Celery worker, beat, the sandbox), the store connected through the
  OAuth pages, each outlet mapped and activated, the settings saved, the SKUs fixed, the products
  pushed, "Sync now" for sales and transfers, and the wait until no row moves;
- each outlet's seven days of the demo queued as "Check now" queues them (`reconciliation_queue`), so
  the devserver's worker runs every check as the task does (list.do through the connection's client
  and its rate limiter), until none is Checking (TIMEOUT_S at most).

Figures (one JSON line each; notes on stderr, each difference named):

- `reconcile_differences`: documents the checks found not agreeing (must be 0);
- `reconcile_accurate_only`: documents with an outlet's prefix that no POS document became (must be 0);
- `reconcile_failed_checks`: checks that ended Failed (must be 0);
- `reconcile_requests_per_outlet_day`: requests to Accurate per check, on average (and `_max`);
- `reconcile_s`: from queueing the 21 checks until the last ended; `reconcile_check_ms`: one check's
  own time (reading both sides and writing), on average.

It exits non-zero when a check failed or found a difference, or when the run itself went wrong.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The script's own folder is on sys.path: the benches share their helpers.
from _embedded_stack import (  # noqa: E402
    RunWentWrong,
    Stack,
    embedded_env,
    main_in_folder,
    manage,
    running_stack,
    setup_django,
    tracebacks,
)
from embedded_sync import merchant_steps  # noqa: E402
from sync_throughput import figure, note  # noqa: E402

DAYS = 7  # outlets/management/commands/seed_demo.py: the week before today, on Jakarta's clock
TIMEOUT_S = 300.0
POLL_S = 0.5


def demo_days() -> list[date]:
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    today = timezone.now().astimezone(ZoneInfo("Asia/Jakarta")).date()
    return [today - timedelta(days=n) for n in range(DAYS, 0, -1)]


def wait_checked(store: Any, stack: Stack, started: float) -> float:
    """Until no check of the store is Checking; returns the seconds since `started`."""
    from sync.reconcile.models import Reconciliation

    while Reconciliation.objects.filter(store=store, status=Reconciliation.Status.CHECKING).exists():
        stack.alive()
        if time.monotonic() - started > TIMEOUT_S:
            raise RunWentWrong(f"checks still running after {TIMEOUT_S:.0f} s")
        time.sleep(POLL_S)
    return time.monotonic() - started


def reconcile_week(store: Any, stack: Stack) -> list[Any]:
    """Every outlet's demo days queued for the stack's worker; the checks once all ended."""
    from django.utils import timezone

    from outlets.models import Outlet
    from sync.reconcile.models import Reconciliation
    from sync.reconcile.services import reconciliation_queue

    sandbox = stack.sandbox()
    before = sandbox.inspect()["counters"]["requests"]
    started = time.monotonic()
    for outlet in Outlet.objects.filter(store=store).order_by("code"):
        for day in demo_days():
            reconciliation_queue(store_id=store.pk, outlet_id=outlet.pk, day=day, now=timezone.now())
    seconds = wait_checked(store, stack, started)
    checks = list(
        Reconciliation.objects.filter(store=store).select_related("outlet").order_by("outlet__code", "day")
    )
    sent = sandbox.inspect()["counters"]["requests"] - before
    note(f"{len(checks)} checks in {seconds:.1f} s; the sandbox counted {sent} requests meanwhile")
    figure("reconcile_s", seconds, "s")
    return checks


def report(checks: list[Any]) -> tuple[int, int]:
    """Print the figures; returns (differences and documents in Accurate only, failed checks)."""
    from sync.reconcile.models import ReconciliationDifference

    statuses = Counter(check.status for check in checks)
    note(f"checks: {dict(statuses)}")
    for check in checks:
        pos = check.pos_figures.get("sales", {})
        note(
            f"{check.outlet.code} {check.day}: {check.status}, {pos.get('count', 0)} sales "
            f"{pos.get('total', '-')}, {check.requests} requests, {check.duration_ms} ms"
            + (f", ERROR {check.error}" if check.error else "")
        )
    found = ReconciliationDifference.objects.filter(reconciliation__in=checks).select_related(
        "reconciliation__outlet"
    )
    for difference in found.order_by("reconciliation__outlet__code", "reconciliation__day", "position"):
        check = difference.reconciliation
        note(
            f"DIFFERENCE {check.outlet.code} {check.day} {difference.kind} {difference.module} "
            f"{difference.number} POS {difference.pos_amount} Accurate {difference.accurate_amount} "
            f"{difference.quantities or ''} {difference.note}"
        )
    differences = sum(check.differences_count for check in checks)
    only = sum(check.accurate_only_count for check in checks)
    done = [check for check in checks if check.status != "failed"]
    requests = [check.requests for check in done] or [0]
    figure("reconcile_checks", len(checks), "outlet days", digits=0)
    figure("reconcile_differences", differences, "documents", digits=0)
    figure("reconcile_accurate_only", only, "documents", digits=0)
    figure("reconcile_failed_checks", statuses["failed"], "checks", digits=0)
    figure("reconcile_requests_per_outlet_day", sum(requests) / len(requests), "requests")
    figure("reconcile_requests_per_outlet_day_max", max(requests), "requests", digits=0)
    durations = [check.duration_ms for check in done] or [0]
    figure("reconcile_check_ms", sum(durations) / len(durations), "ms")
    return differences + only, statuses["failed"]


def run(folder: Path) -> None:
    clock = time.monotonic()
    var_dir = folder / "var"
    var_dir.mkdir()
    env = embedded_env(var_dir)
    manage(env, folder, "migrate", "--noinput")
    note(manage(env, folder, "seed_demo").strip().splitlines()[0])
    with running_stack(env, folder, var_dir) as stack:
        setup_django(env, stack)
        push, _push_s, (sync_s, waiting) = merchant_steps(stack)
        note(f"the demo's week synced {sync_s:.1f} s after Sync now; {len(waiting)} rows left waiting")
        checks = reconcile_week(push.store, stack)
        wrong, failed = report(checks)
        tracebacks(stack)
    figure("reconcile_total_s", time.monotonic() - clock, "s")
    if failed:
        raise RunWentWrong(f"{failed} checks failed")
    if wrong:
        raise RunWentWrong(f"the checks found {wrong} documents not agreeing")


def main() -> None:
    main_in_folder(run, description=__doc__.split("\n", 1)[0], prefix="reconcile-")


if __name__ == "__main__":
    main()
