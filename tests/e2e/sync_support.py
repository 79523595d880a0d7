"""Shared parts of the sync end-to-end tests: a store connected to a live sandbox, real Celery
worker and beat processes, orders posted through the POS API, and the final check that every
expected document is in the sandbox exactly once with the POS's amounts.

The tests run on both stacks a user runs: PostgreSQL and Redis (the main pass of `make test`), and
the embedded one `make run` uses (SQLite, the filesystem broker, the in-process rate limiter and a
worker of one process, as the devserver starts it; the embedded pass). The processes get the
database pytest-django created and, embedded, a broker folder of the test's own.

Each test gets its own sandbox process and its own Celery queue, so other workers on the same
Redis never take its tasks. Worker and beat run through a small launcher that only sets that queue
as the default one (the push task re-enqueues itself with `push.delay`) and shortens the beat
intervals of the sync tasks; everything else is the project's own configuration.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection as db_connection
from django.utils import timezone

from mapping.models import Connection, SyncSettings
from mapping.services.connection import database_choose
from mapping.services.credentials import accurate_client_for
from outlets.models import Product
from sync.models import PushLease, SyncActivity
from tests.mapping.conftest import DB_ID, TEST_KEY, authorize, callback
from tests.sandbox_fixture import SandboxProcess, start_sandbox, stop_sandbox
from tests.sync.engine_helpers import map_outlet

BASE_DIR = Path(__file__).resolve().parents[2]
STARTUP_S = 60.0
SETTLE_S = 60.0
# Sandbox limits (8 per second, 8 in flight per token): what "never exceeded" means below.
SANDBOX_RATE = SANDBOX_IN_FLIGHT = 8
BEAT_TASKS = ("sync-dispatch", "sync-requeue-stale")
# A short lease, so that a killed worker's rows come back within seconds (the default is 30 s;
# bench/kill_recovery.py measures with the defaults).
LEASE_SECONDS = "4"


def embedded() -> bool:
    """The embedded pass: SQLite and the filesystem broker (no REDIS_URL), as `make run` runs."""
    return db_connection.vendor == "sqlite"


# The devserver's worker (iseller_accurate/devserver.py): one process, so the in-process rate
# limiter sees every request it makes.
EMBEDDED_CONCURRENCY = 1

# `python -c LAUNCHER worker|beat …`: the project's Celery app with this test's queue as the
# default one and the sync beat entries every E2E_BEAT_SECONDS. [needs a setting] The beat
# schedule is fixed at 60 s in settings; a SYNC_BEAT_INTERVAL_SECONDS setting would replace this.
LAUNCHER = """
import os, sys
from iseller_accurate.celery import app
app.conf.task_default_queue = os.environ["E2E_QUEUE"]
every = float(os.environ["E2E_BEAT_SECONDS"])
keep = os.environ["E2E_BEAT_TASKS"].split(",")
app.conf.beat_schedule = {
    name: {**entry, "schedule": every} for name, entry in app.conf.beat_schedule.items() if name in keep
}
sys.exit(app.start(sys.argv[1:]))
"""


@dataclass
class Started:
    """One worker or beat process, in a process group of its own (a worker's pool included)."""

    name: str
    process: subprocess.Popen[bytes]
    log_path: Path
    killed: bool = False

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@dataclass
class Expected:
    """What Accurate must hold: invoice number → POS total, receipt number → amount paid."""

    invoices: dict[str, Decimal] = field(default_factory=dict)
    receipts: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class Processes:
    """A sandbox, and the worker and beat processes a test starts against it on its own queue."""

    sandbox: SandboxProcess
    folder: Path
    env: dict[str, str]
    queue: str
    started: list[Started] = field(default_factory=list)

    # --- processes ---

    def worker(self, name: str = "worker", concurrency: int = 8, **env: str) -> Started:
        # E2E_LOG_LEVEL=debug shows each request the workers make (the HTTP seam logs at debug).
        level = os.environ.get("E2E_LOG_LEVEL", "info")
        if embedded():
            concurrency = EMBEDDED_CONCURRENCY
        argv = ["worker", "-l", level, "-c", str(concurrency), "-Q", self.queue, "-n", f"{name}@{self.queue}"]
        argv += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        return self._start(name, argv, "ready.", env)

    def beat(self, name: str = "beat", **env: str) -> Started:
        argv = ["beat", "-l", "info", "-s", str(self.folder / f"{name}-schedule")]
        return self._start(name, argv, "beat: Starting...", env)

    def _start(self, name: str, argv: list[str], ready: str, env: dict[str, str]) -> Started:
        log_path = self.folder / f"{name}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-c", LAUNCHER, *argv],
                cwd=BASE_DIR,
                env={**self.env, **env},
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: a kill takes the pool with it
            )
        started = Started(name, process, log_path)
        self.started.append(started)
        self.wait_until(f"{name} started", lambda: ready in started.log(), timeout=STARTUP_S)
        return started

    def kill(self, started: Started) -> None:
        """SIGKILL the process and its children at once, as a machine losing power would."""
        started.killed = True
        _signal_group(started.process, signal.SIGKILL)
        started.process.wait(timeout=10)

    def stop(self) -> None:
        """Warm shutdown (SIGTERM), then SIGKILL for whatever is left; then the test's queue goes."""
        for started in self.started:
            if started.process.poll() is None:
                started.process.terminate()
        deadline = time.monotonic() + 15
        for started in self.started:
            with suppress(subprocess.TimeoutExpired):
                started.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
            _signal_group(started.process, signal.SIGKILL)  # pool processes left behind, if any
            started.process.wait(timeout=10)
        if settings.REDIS_URL:
            redis.Redis.from_url(settings.REDIS_URL).delete(self.queue)

    def logs(self) -> str:
        return "\n".join(f"--- {s.name} ---\n{s.log()[-6000:]}" for s in self.started)

    # --- waiting ---

    def wait_until(
        self,
        what: str,
        ready: Callable[[], bool],
        *,
        timeout: float = SETTLE_S,
        between: Callable[[], Any] | None = None,
    ) -> None:
        """Poll `ready`; fail with the processes' logs when one dies or the time runs out."""
        deadline = time.monotonic() + timeout
        while not ready():
            for started in self.started:
                if not started.killed and started.process.poll() is not None:
                    pytest.fail(f"{started.name} exited before {what}:\n{self.logs()}")
            if time.monotonic() > deadline:
                pytest.fail(f"no {what} within {timeout:.0f} s; rows {status_counts()}:\n{self.logs()}")
            if between is not None:
                between()
            time.sleep(0.2)

    def wait_settled(self, count: int, *, hurry: bool = False, timeout: float = SETTLE_S) -> None:
        """Until all `count` rows are Success, Failed or Synced with a difference. `hurry` moves
        retries' backoff to now."""
        done = [SyncActivity.Status.SUCCESS, SyncActivity.Status.FAILED, SyncActivity.Status.DIFFERENCE]
        self.wait_until(
            f"{count} rows settled",
            lambda: SyncActivity.objects.filter(status__in=done).count() == count,
            timeout=timeout,
            between=retries_hurry if hurry else None,
        )


@dataclass
class SyncStack(Processes):
    """The processes, with the store already connected to the sandbox's database."""

    connection: Connection = field(kw_only=True)


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


def status_counts() -> dict[str, int]:
    return dict(Counter(SyncActivity.objects.values_list("status", flat=True)))


def retries_hurry() -> int:
    """Make rows waiting out a retry backoff due now, as if the time had passed.

    The engine's backoff starts at 30 s (SYNC_RETRY_BASE_SECONDS, iseller_accurate/retry.py); the
    processes could run with a short one instead. Only Pending rows are touched, in one conditional
    update, so a row a worker holds is left alone.
    """
    now = timezone.now()
    return SyncActivity.objects.filter(status=SyncActivity.Status.PENDING, due_at__gt=now).update(due_at=now)


# --- the store: connected, mapped, its products in Accurate ---


def database_env(folder: Path) -> dict[str, str]:
    """The processes must use the database pytest-django created, not the configured one; embedded,
    also a broker folder of their own (VAR_DIR)."""
    db = db_connection.settings_dict
    if not embedded():
        return {"DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}
    var_dir = folder / "var"
    for sub in ("queue", "processed", "control"):
        (var_dir / "broker" / sub).mkdir(parents=True, exist_ok=True)
    return {"DATABASE_URL": f"sqlite:///{db['NAME']}", "VAR_DIR": str(var_dir)}


def process_env(sandbox: SandboxProcess, queue: str, folder: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        **database_env(folder),
        "ACCURATE_ACCOUNT_URL": sandbox.url,
        "ACCURATE_CLIENT_ID": sandbox.client_id,
        "ACCURATE_CLIENT_SECRET": sandbox.client_secret,
        "ACCURATE_TOKEN_KEYS": TEST_KEY,
        "SYNC_LEASE_SECONDS": LEASE_SECONDS,
        "E2E_QUEUE": queue,
        "E2E_BEAT_SECONDS": "1",
        "E2E_BEAT_TASKS": ",".join(BEAT_TASKS),
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def store_connect(tenant: Any, sandbox: SandboxProcess, django_settings: Any) -> Connection:
    """The tenant's store connected to the sandbox's database 101 through the real OAuth flow."""
    django_settings.ACCURATE_ACCOUNT_URL = sandbox.url
    django_settings.ACCURATE_CLIENT_ID = sandbox.client_id
    django_settings.ACCURATE_CLIENT_SECRET = sandbox.client_secret
    django_settings.ACCURATE_TOKEN_KEYS = [TEST_KEY]
    session = SessionStore()
    connection = callback(tenant, session, authorize(sandbox, session, tenant.store))
    return database_choose(connection=connection, database_id=DB_ID)


def outlet_map(tenant: Any) -> None:
    """JKT01 active on the sandbox's seed: branch, warehouse, accounts, cash/QRIS/debit accounts."""
    map_outlet(tenant.outlet)
    SyncSettings.objects.update_or_create(
        store=tenant.store,
        defaults={"walk_in_customer_no": "C-WALKIN", "transit_warehouse_name": "Transit"},
    )


def items_push(connection: Connection, products: Sequence[Product]) -> None:
    """The products as Accurate items, through the product's own client (100 per bulk call)."""
    client = accurate_client_for(connection)
    records = [
        {"no": p.sku, "name": p.name, "itemType": "INVENTORY", "unit1Name": "PCS", "unitPrice": p.price}
        for p in products
    ]
    for start in range(0, len(records), 100):
        results = client.bulk_save("item", records[start : start + 100])
        assert all(r.ok for r in results), [r.error for r in results if not r.ok]


@contextmanager
def sync_stack(tmp_path: Path, tenant: Any, django_settings: Any) -> Iterator[SyncStack]:
    """A sandbox, the tenant connected and mapped, its products in Accurate; processes started by
    the test are stopped (killed if need be) at the end, whatever happened."""
    sandbox = start_sandbox(tmp_path)
    stack: SyncStack | None = None
    try:
        connection = store_connect(tenant, sandbox, django_settings)
        outlet_map(tenant)
        items_push(connection, tenant.products)
        queue = f"e2e-sync-{uuid.uuid4().hex[:12]}"
        env = process_env(sandbox, queue, tmp_path)
        stack = SyncStack(sandbox, tmp_path, env, queue, connection=connection)
        yield stack
    finally:
        if stack is not None:
            stack.stop()
        stop_sandbox(sandbox)


# --- orders at the POS ---

CENT = Decimal("0.01")


def order_body(
    n: int, *, two_methods: bool = False, extra_product: str = "", tax_inclusive: bool = False
) -> dict[str, Any]:
    """Order ORD-<n>: amounts vary with n; 11 % tax rounded to the rupiah as a POS does, added on top
    or (`tax_inclusive`) inside the prices; paid in cash, or cash and QRIS when `two_methods` (every
    other one by debit card instead of cash)."""
    lines = [
        {"product": "P1", "quantity": str(n % 3 + 1), "unit_price": "10000"},
        {"product": "P2", "quantity": "1", "unit_price": "20000", "discount": str(n % 5 * 500)},
    ]
    if n % 4 == 0:
        lines.append({"product": "P3", "quantity": "2", "unit_price": "30000"})
    if extra_product:
        lines.append({"product": extra_product, "quantity": "1", "unit_price": "15000"})
    subtotal = sum(
        (Decimal(x["quantity"]) * Decimal(x["unit_price"]) - Decimal(x.get("discount", "0")) for x in lines),
        Decimal(0),
    )
    if tax_inclusive:
        tax = (subtotal - subtotal / Decimal("1.11")).quantize(Decimal(1), ROUND_HALF_UP)
        total = subtotal
    else:
        tax = (subtotal * Decimal("0.11")).quantize(Decimal(1), ROUND_HALF_UP)
        total = subtotal + tax
    first = "debit_card" if n % 2 else "cash"
    if two_methods:
        part = (total / 3).quantize(Decimal(1), ROUND_HALF_UP)
        payments = [{"method": first, "amount": str(part)}, {"method": "qris", "amount": str(total - part)}]
    else:
        payments = [{"method": first, "amount": str(total)}]
    return {
        "number": f"ORD-{n:05d}",
        "ordered_at": "2026-11-20T10:15:00+07:00",
        "lines": lines,
        "tax": str(tax),
        "tax_inclusive": tax_inclusive,
        "total": str(total),
        "payments": payments,
    }


METHOD_CODES = {"cash": "CASH", "qris": "QRIS", "debit_card": "DEBIT"}


def expected_of(bodies: Sequence[dict[str, Any]], outlet_code: str = "JKT01") -> Expected:
    """Written out here, not through the mappers: the numbers and amounts the brief asks for."""
    expected = Expected()
    for body in bodies:
        head = f"{outlet_code}-{body['number']}"
        expected.invoices[head] = Decimal(body["total"])
        for payment in body["payments"]:
            number = f"{head}-{METHOD_CODES[payment['method']]}"
            expected.receipts[number] = expected.receipts.get(number, Decimal(0)) + Decimal(payment["amount"])
    return expected


def orders_post(tenant: Any, bodies: Sequence[dict[str, Any]]) -> None:
    """Through the POS API, 500 per batch; every one must be stored."""
    client = tenant.api()
    for start in range(0, len(bodies), 500):
        chunk = list(bodies[start : start + 500])
        reply = client.post(
            f"/api/v1/outlets/{tenant.outlet.code}/orders/batch/", {"orders": chunk}, format="json"
        )
        assert reply.status_code == 200, reply.content
        assert reply.json()["created"] == len(chunk), reply.json()


# --- what Accurate holds ---


def _by_number(documents: Sequence[dict[str, Any]]) -> tuple[Counter[str], dict[str, Decimal]]:
    counts = Counter(str(d["number"]) for d in documents)
    totals = {str(d["number"]): Decimal(str(d["totalAmount"])) for d in documents}
    return counts, totals


def assert_exactly(module: str, documents: Sequence[dict[str, Any]], expected: dict[str, Decimal]) -> None:
    counts, totals = _by_number(documents)
    missing = sorted(set(expected) - set(counts))
    duplicated = sorted(n for n, c in counts.items() if c > 1)
    unexpected = sorted(set(counts) - set(expected))
    wrong = {n: (str(totals[n]), str(t)) for n, t in expected.items() if n in totals and totals[n] != t}
    problems = {"missing": missing, "duplicated": duplicated, "unexpected": unexpected, "wrong total": wrong}
    assert not any(problems.values()), f"{module}: " + "; ".join(
        f"{what} ({len(found)}): {list(found)[:10]}" for what, found in problems.items() if found
    )


def assert_landed_once(stack: SyncStack, expected: Expected) -> dict[str, Any]:
    """Every expected invoice and receipt exactly once with its POS amount, nothing else, no row
    synced with a difference (Accurate's total checked against the POS's after every save), and the
    sandbox never refused a request for the limits. Returns the sandbox's counters."""
    assert_exactly("sales-invoice", stack.sandbox.documents("sales-invoice"), expected.invoices)
    assert_exactly("sales-receipt", stack.sandbox.documents("sales-receipt"), expected.receipts)
    different = SyncActivity.objects.filter(status=SyncActivity.Status.DIFFERENCE)
    assert not different.exists(), list(different.values_list("pos_number", "status_reason")[:10])
    counters: dict[str, Any] = stack.sandbox.inspect()["counters"]
    assert counters["rejected_by_limits"] == 0, counters
    assert counters["max_started_per_second"] <= SANDBOX_RATE, counters
    assert counters["max_in_flight"] <= SANDBOX_IN_FLIGHT, counters
    return counters


def lanes_busy(stack: SyncStack) -> int:
    """How many of the connection's push lanes a task holds right now."""
    return PushLease.objects.filter(connection=stack.connection, held_until__gt=timezone.now()).count()


def wait_lanes_busy(stack: SyncStack, lanes: int, running: int) -> None:
    """Until `lanes` tasks each hold a lane and `running` rows are claimed (their batches in flight)."""
    stack.wait_until(
        f"{lanes} tasks pushing {running} rows",
        lambda: (
            lanes_busy(stack) == lanes
            and SyncActivity.objects.filter(status=SyncActivity.Status.RUNNING).count() == running
        ),
    )


def expected_per_day(bodies: Sequence[dict[str, Any]], outlet_code: str = "JKT01") -> Expected:
    """Posting per day: one summary invoice per local (WIB) day, its total the sum of that day's POS
    totals, and one receipt per day and payment method. Written out, not through the mappers."""
    expected = Expected()
    for body in bodies:
        day = body["ordered_at"][:10].replace("-", "")  # the bodies' times are WIB already
        head = f"{outlet_code}-DAY-{day}"
        expected.invoices[head] = expected.invoices.get(head, Decimal(0)) + Decimal(body["total"])
        for payment in body["payments"]:
            number = f"{head}-{METHOD_CODES[payment['method']]}"
            expected.receipts[number] = expected.receipts.get(number, Decimal(0)) + Decimal(payment["amount"])
    return expected
