"""Many machines: workers on two hosts sharing PostgreSQL and Redis; one host dies mid-run, SIGKILLed.

Run alone: `python bench/multi_host.py` as root (`make multi-host`; not in `make test`, too long; and
by `make bench`). Where network namespaces cannot be created (not root, no `ip`, refused) it prints
why, `{"bench": "multi_host", "skipped": …}`, and exits 0.

The two hosts are network namespaces joined to this machine by veth pairs (bench/_netns.py): host a
is 10.200.1.2, host b 10.200.2.2; neither sees this machine's loopback. PostgreSQL and Redis keep
listening on 127.0.0.1 only; a relay of this run, on the host ends of the veths (10.200.1.1,
10.200.2.1), forwards to them. Each host runs the README's processes, `celery -A iseller_accurate
worker -l info --pool threads --concurrency 8` and `celery -A iseller_accurate beat -l info` (a
second beat "does no harm", and a host with its beat must be allowed to die), with the settings'
defaults for leases, take-back and limits (8 requests per 1.05 s and 7 in flight per connection).
The rate limiter is the one in Redis that all processes of all hosts share.

It uses its own PostgreSQL database (DATABASE_URL, default `iseller_accurate_multi_host`, created
and migrated if missing: both beats dispatch for every connected store of their database) and Redis
database (REDIS_URL, default db 12; the tests use 15 and down, sync_throughput 14, kill_recovery 13).
Steps:

- removes what an earlier run left (namespaces, veths, its relay and sandboxes), creates both hosts,
  starts the relay,
- starts STORES sandboxes (`python -m accurate_sandbox`, each one Accurate account with its own
  token and database 101; Accurate's limits, 8 started per second and 8 in flight per token;
  LATENCY_MS on every data call), bound to 10.200.1.1, which both hosts reach,
- connects a store to each through the OAuth pages (bench/_sync_setup.py), creates its items and
  ingests its share of DOCUMENTS sales (held, as the POS leaves them),
- starts a worker and a beat on each host, runs the dispatcher once (as a beat does when it starts),
- once KILL_AT of the sales are Success and host a has push tasks in progress, SIGKILLs every
  process of host a's namespace at once,
- tells which Running rows were host a's (their lanes are neither renewed nor given back), waits
  until they are all Success, then until every sale is,
- compares every sandbox's sales invoices and receipts with the POS bodies: each number exactly
  once, with the POS's amount, nothing else.

Figures (one JSON line each, notes on stderr): `multi_host_documents` (sales), `…_accurate_documents`
(invoices and receipts in the sandboxes), `…_seconds` (first claim to last row recorded),
`…_records_per_s`, `…_killed_host_rows` (Running under host a's lanes at the kill),
`…_recovery_s` (kill → every one of those rows Success), `…_drain_after_kill_s` (kill → last row),
`…_others_done_after_kill_s` (kill → the last row of the surviving host's and the queue's),
`…_missing`, `…_duplicates`, `…_limit_refusals` (sandbox refusals for rate or in-flight, every
token), `…_numbers_refused` (a number sent again and refused), `…_max_in_flight` and
`…_max_started_per_second` (the sandboxes' peaks, per token). It exits non-zero when a check fails
(a row not Success, a document missing or twice or with another amount, a refusal) or the run went
wrong. Always stops what it started and removes the namespaces.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The script's own folder is on sys.path: the benches share their set-up.
import _netns  # noqa: E402
from _kill_support import Celery, Held, dead_holders, lanes_run_out, others_alive  # noqa: E402
from _multi_host_check import Expected, Found, compare, limits_of  # noqa: E402
from _sync_setup import clean_menu, items_create, order_bodies, orders_create, store_connect  # noqa: E402
from _sync_worker import Worker as WorkerProcess  # noqa: E402
from _sync_worker import bench_main, cpu_seconds, stop_workers, tail  # noqa: E402
from ingest import ensure_database  # noqa: E402
from kill_recovery import check_defaults, disconnect, process_env, setup_django  # noqa: E402
from sync_throughput import analyze, figure, note  # noqa: E402

from tests.sandbox_fixture import SandboxProcess, stop_sandbox  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/iseller_accurate_multi_host"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"
SLUG_PREFIX = "multi-host-"
DOCUMENTS = 20_000
STORES = 4
LATENCY_MS = 100
SANDBOX_RATE = SANDBOX_IN_FLIGHT = 8  # Accurate's limits per token
CONCURRENCY = 8  # the README's worker: --pool threads --concurrency 8
KILL_AT = 0.3  # share of the sales Success when host a dies
READY_TIMEOUT_S = 60.0
KILL_TIMEOUT_S = 300.0  # from the dispatch to the moment of the kill
RECOVERY_TIMEOUT_S = 180.0  # from the kill to host a's last row Success
DRAIN_S_PER_SALE = 0.05  # then until every sale is Success: generous for two busy cores
POLL_S = 1.0
LISTENING = re.compile(rb"listening on (http://\S+)")


@dataclass
class Kill:
    """Host a's death: the rows Running under its lanes, and when (monotonic, and the clock's time)."""

    held: Held
    monotonic: float
    at: datetime


class RunWentWrong(SystemExit):
    def __init__(self, message: str) -> None:
        super().__init__(f"multi_host: {message}")


# --- the shared services, as the hosts reach them ---


def via(url: str, address: str) -> str:
    """`url` with its host replaced by `address` (the relay's end on one host), port kept."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    server = f"{address}:{parts.port}" if parts.port else address
    netloc[-1] = server
    return urlunsplit(parts._replace(netloc="@".join(netloc)))


def relay_routes(database_url: str, redis_url: str) -> list[_netns.Route]:
    """Each service's port on each host's end of its veth, forwarded to where this process reaches it."""
    routes = []
    for url, default_port in ((database_url, 5432), (redis_url, 6379)):
        parts = urlsplit(url)
        target = (parts.hostname or "127.0.0.1", parts.port or default_port)
        routes += [_netns.Route((m.host_address, target[1]), target) for m in _netns.MACHINES]
    return routes


def sandbox_start(folder: Path, index: int, address: str, latency_ms: int) -> SandboxProcess:
    """A sandbox bound to `address` on a free port; its URL as it prints it."""
    log = folder / f"sandbox-{index}.log"
    argv = [sys.executable, "-m", "accurate_sandbox", "--host", address, "--port", "0"]
    argv += ["--data-file", str(folder / f"sandbox-{index}.sqlite3"), "--latency-ms", str(latency_ms)]
    argv += ["--rate-limit", str(SANDBOX_RATE), "--in-flight-limit", str(SANDBOX_IN_FLIGHT)]
    env = {**os.environ, "DEBUG": "1", "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as out:
        process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    _netns.record(process.pid)
    deadline = time.monotonic() + READY_TIMEOUT_S
    while (found := LISTENING.search(log.read_bytes())) is None:
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RunWentWrong(f"sandbox {index} did not start:\n{tail(log)}")
        time.sleep(0.1)
    return SandboxProcess(found.group(1).decode(), folder / f"sandbox-{index}.sqlite3", process)


# --- the hosts' processes ---


def host_start(machine: _netns.Machine, folder: Path, env: dict[str, str]) -> list[Celery]:
    """The README's worker and beat, inside the machine's namespace, talking to the relay."""
    var_dir = folder / f"host-{machine.name}"
    var_dir.mkdir()
    env = {
        **env,
        "DATABASE_URL": via(env["DATABASE_URL"], machine.host_address),
        "REDIS_URL": via(env["REDIS_URL"], machine.host_address),
        "VAR_DIR": str(var_dir),  # the beat's schedule file
    }
    worker = ["worker", "-l", "info", "--pool", "threads", "--concurrency", str(CONCURRENCY)]
    worker += ["-n", f"{SLUG_PREFIX}{os.getpid()}-{machine.name}@%h"]
    started = [
        celery_start(machine, folder, env, f"{machine.name}-worker", worker),
        celery_start(machine, folder, env, f"{machine.name}-beat", ["beat", "-l", "info"]),
    ]
    deadline = time.monotonic() + READY_TIMEOUT_S
    for celery, ready in zip(started, (" ready.", "beat: Starting..."), strict=True):
        while ready not in celery.text():
            if celery.process.poll() is not None or time.monotonic() > deadline:
                raise RunWentWrong(f"{celery.name} did not start:\n{tail(celery.log)}")
            time.sleep(0.2)
    return started


def celery_start(
    machine: _netns.Machine, folder: Path, env: dict[str, str], name: str, argv: list[str]
) -> Celery:
    log = folder / f"{name}.log"
    with log.open("wb") as out:
        # `ip netns exec` execs the command: this process is the Celery one, in a session of its own.
        process = subprocess.Popen(
            machine.command([sys.executable, "-m", "celery", "-A", "iseller_accurate", *argv]),
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Celery(name, process, log)


def processes_stop(processes: list[Celery]) -> None:
    stop_workers([WorkerProcess(c.process, c.log) for c in processes])


# --- the stores ---


def stores_create(
    sandboxes: list[SandboxProcess], documents: int, stack: ExitStack
) -> tuple[list[Any], list[Expected]]:
    """A store per sandbox (outlet M01, M02, …), connected, its items in Accurate, its sales ingested
    (held); and what each sandbox must hold in the end."""
    from django.test import override_settings

    run_id = datetime.now().strftime("%Y%m%d%H%M%S") + f"{random.randrange(16**4):04x}"
    menu = clean_menu(random.Random(7))
    expected: list[Expected] = []
    stores = []
    for index, sandbox in enumerate(sandboxes):
        code = f"M{index + 1:02d}"
        # Each sandbox is an Accurate account of its own: the OAuth flow goes to its account host.
        with override_settings(ACCURATE_ACCOUNT_URL=sandbox.url):
            bench = store_connect(
                sandbox, slug=f"{SLUG_PREFIX}{run_id}-{index + 1}", outlet_code=code, menu=menu
            )
            stack.callback(disconnect, bench.store)
            items_create(bench)
        count = documents // len(sandboxes) + (index < documents % len(sandboxes))
        bodies = list(order_bodies(menu, count, prefix="S", seed=index + 1))
        orders_create(bench, bodies)
        expected.append(Expected())
        for body in bodies:
            expected[-1].add(code, body)
        stores.append(bench.store)
    return stores, expected


def forget_earlier_runs() -> None:
    """Tasks left in this bench's queue, and stores of earlier runs left connected to sandboxes that
    are gone (a run killed hard): the beats would dispatch for them."""
    from iseller_accurate.celery import app
    from mapping.models import Connection

    app.control.purge()
    Connection.objects.filter(store__slug__startswith=SLUG_PREFIX).update(
        status=Connection.Status.DISCONNECTED
    )


def status_counts(stores: list[Any]) -> dict[str, int]:
    from sync.models import SyncActivity

    return dict(Counter(SyncActivity.objects.filter(store__in=stores).values_list("status", flat=True)))


def failed_reasons(stores: list[Any]) -> list[tuple[str, int]]:
    from sync.models import SyncActivity

    failed = SyncActivity.objects.filter(store__in=stores, status="failed")
    return Counter(failed.values_list("status_reason", flat=True)).most_common(5)


# --- the run ---


def wait_for_kill_moment(stores: list[Any], total: int, victim: Celery, everything: list[Celery]) -> None:
    """Until KILL_AT of the sales are Success and the victim's worker has push tasks in progress."""
    deadline = time.monotonic() + KILL_TIMEOUT_S
    while True:
        others_alive(everything, None)  # type: ignore[arg-type]  # no victim yet
        counts = status_counts(stores)
        if (
            counts.get("success", 0) >= KILL_AT * total
            and counts.get("running")
            and victim.pushes_in_progress()
        ):
            return
        if counts.get("failed"):
            raise RunWentWrong(f"rows failed: {counts}; reasons: {failed_reasons(stores)}")
        if time.monotonic() > deadline:
            raise RunWentWrong(f"not {KILL_AT:.0%} Success within {KILL_TIMEOUT_S:.0f} s: {counts}")
        time.sleep(0.25)


def wait_settled(
    stores: list[Any], rows: set[int] | None, killed: float, timeout: float, alive: list[Celery], dead: Celery
) -> float:
    """Seconds from the kill until every row of `rows` (None: of the stores) is Success."""
    from sync.models import SyncActivity

    shown = time.monotonic()
    while True:
        others_alive(alive, dead)
        found = SyncActivity.objects.filter(store__in=stores)
        if rows is not None:
            found = found.filter(pk__in=rows)
        statuses = Counter(found.values_list("status", flat=True))
        now = time.monotonic()
        if statuses.get("failed"):
            raise RunWentWrong(f"rows failed: {dict(statuses)}; reasons: {failed_reasons(stores)}")
        if statuses.get("success", 0) == sum(statuses.values()):
            return now - killed
        if now - killed > timeout:
            raise RunWentWrong(f"not Success {timeout:.0f} s after the kill: {dict(statuses)}")
        if now - shown >= 15:
            note(f"{now - killed:.0f} s after the kill: {dict(statuses)}")
            shown = now
        time.sleep(POLL_S)


def kill_host(
    machine: _netns.Machine, processes: list[Celery], stores: list[Any], lease: float, alive: list[Celery]
) -> Kill:
    """SIGKILL every process of the machine at once; what it held."""
    from django.utils import timezone

    from sync.models import SyncActivity

    if not {c.process.pid for c in processes} <= set(machine.pids()):
        raise RunWentWrong(f"host {machine.name}'s processes are not in its namespace: {machine.pids()}")
    pids = _netns.machine_kill(machine)
    killed, killed_at = time.monotonic(), timezone.now()
    for celery in processes:
        celery.process.wait(timeout=10)
    if machine.pids():
        raise RunWentWrong(f"host {machine.name} still has processes after the kill: {machine.pids()}")
    running = SyncActivity.objects.filter(store__in=stores, status="running")
    held = Held(dict(running.values_list("pk", "claimed_by")))
    note(
        f"killed host {machine.name} ({len(pids)} processes): {len(held.rows)} rows Running; "
        f"rows {status_counts(stores)}"
    )
    held.dead_holders = dead_holders(held, killed_at, lease, alive, processes[0])
    runs_out = lanes_run_out(held.dead_holders, killed_at)
    note(
        f"host {machine.name} held {len(held.dead_rows)} rows under {len(held.dead_holders)} lanes "
        f"(they ran out {runs_out:.1f} s after the kill); the other host {len(held.live_rows)}"
    )
    if not held.dead_rows:
        raise RunWentWrong(f"host {machine.name} held no rows when it was killed: nothing to recover")
    return Kill(held, killed, killed_at)


def run(args: argparse.Namespace, stack: ExitStack, folder: Path) -> None:
    clock = time.monotonic()
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("REDIS_URL", DEFAULT_REDIS_URL)
    ensure_database(database_url)
    stack.callback(_netns.cleanup)  # last of all: whatever else was stopped, the namespaces go
    _netns.cleanup()  # what an earlier run left
    _netns.machines_create()
    relay = _netns.relay_start(relay_routes(database_url, redis_url), folder / "relay.log")
    stack.callback(relay.kill)
    host_a, host_b = _netns.MACHINES
    sandboxes = []
    for index in range(args.stores):
        sandboxes.append(sandbox_start(folder, index + 1, host_a.host_address, args.latency_ms))
        stack.callback(stop_sandbox, sandboxes[-1])
    # The account host the processes get is the first sandbox's: only a token refresh would use it,
    # and a token lives 15 days.
    env = process_env(database_url, redis_url, sandboxes[0], folder)
    setup_django()
    forget_earlier_runs()
    lease, _ = check_defaults()

    from sync.tasks import dispatch

    stores, expected = stores_create(sandboxes, args.documents, stack)
    analyze()
    note(
        f"{args.documents} sales of {len(stores)} stores ingested (held), "
        f"{time.monotonic() - clock:.0f} s since the start"
    )

    on_a = host_start(host_a, folder, env)
    stack.callback(processes_stop, on_a)
    on_b = host_start(host_b, folder, env)
    stack.callback(processes_stop, on_b)
    dispatch.delay()  # as a beat does when it starts: release what is due, a push per free lane
    wait_for_kill_moment(stores, args.documents, on_a[0], on_a + on_b)
    kill = kill_host(host_a, on_a, stores, lease, on_b)
    dead_rows = kill.held.dead_rows
    recovery = wait_settled(stores, dead_rows, kill.monotonic, RECOVERY_TIMEOUT_S, on_b, on_a[0])
    note(f"host a's {len(dead_rows)} rows all Success {recovery:.1f} s after the kill")
    drain = wait_settled(
        stores, None, kill.monotonic, RECOVERY_TIMEOUT_S + DRAIN_S_PER_SALE * args.documents, on_b, on_a[0]
    )
    processes_stop(on_b)
    relay_cpu = cpu_seconds([WorkerProcess(relay, folder / "relay.log")])
    note(f"the relay's CPU: {relay_cpu:.1f} s")
    report(stores, sandboxes, expected, kill, recovery, drain, args.documents)
    note(f"whole run {time.monotonic() - clock:.0f} s")


def report(
    stores: list[Any],
    sandboxes: list[SandboxProcess],
    expected: list[Expected],
    kill: Kill,
    recovery: float,
    drain: float,
    documents: int,
) -> None:
    """The figures, then the checks: every row Success, every document once with its amount, no refusal."""
    from django.db.models import Max, Min

    from sync.engine.orphans import WORKER_STOPPED
    from sync.models import SyncActivity, SyncAttempt

    found = Found()
    for store_expected, sandbox in zip(expected, sandboxes, strict=True):
        compare(found, store_expected, sandbox)
    limits = limits_of(sandboxes)
    span = SyncActivity.objects.filter(store__in=stores).aggregate(
        first=Min("started_at"), last=Max("completed_at")
    )
    seconds = (span["last"] - span["first"]).total_seconds()
    others = SyncActivity.objects.filter(store__in=stores).exclude(pk__in=kill.held.dead_rows)
    others_done = (others.aggregate(last=Max("completed_at"))["last"] - kill.at).total_seconds()
    stopped = SyncAttempt.objects.filter(activity__store__in=stores, message=WORKER_STOPPED).count()
    counts = status_counts(stores)
    note(
        f"sandboxes: {limits.requests} requests, at most {limits.max_started_per_second} started in a second "
        f"and {limits.max_in_flight} in flight per token; {stopped} rows taken back from the dead host; "
        f"rows {counts}"
    )
    figure("multi_host_documents", documents, "sales", digits=0)
    figure("multi_host_accurate_documents", found.documents, "documents", digits=0)
    figure("multi_host_seconds", seconds, "s")
    figure("multi_host_records_per_s", found.documents / seconds, "records/s")
    figure("multi_host_killed_host_rows", len(kill.held.dead_rows), "rows", digits=0)
    figure("multi_host_recovery_s", recovery, "s")
    figure("multi_host_drain_after_kill_s", drain, "s")
    figure("multi_host_others_done_after_kill_s", others_done, "s")
    figure("multi_host_missing", len(found.missing), "documents", digits=0)
    figure("multi_host_duplicates", len(found.duplicated), "documents", digits=0)
    figure("multi_host_limit_refusals", limits.rejected_by_limits, "requests", digits=0)
    figure("multi_host_numbers_refused", limits.duplicate_numbers_refused, "requests", digits=0)
    figure("multi_host_max_in_flight", limits.max_in_flight, "requests", digits=0)
    figure("multi_host_max_started_per_second", limits.max_started_per_second, "requests", digits=0)
    problems = found.problems()
    if problems:
        raise RunWentWrong("; ".join(f"{what} ({len(n)}): {n[:10]}" for what, n in problems.items()))
    if counts != {"success": documents}:
        raise RunWentWrong(f"rows at the end: {counts}; expected {documents} Success and nothing else")
    if limits.rejected_by_limits or limits.max_in_flight > SANDBOX_IN_FLIGHT:
        raise RunWentWrong(f"Accurate's limits were exceeded: {limits}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--documents", type=int, default=DOCUMENTS, help="sales, spread over the stores")
    parser.add_argument("--stores", type=int, default=STORES)
    parser.add_argument("--latency-ms", type=int, default=LATENCY_MS, help="the sandboxes', per data call")
    parser.parse_args()  # --help answers even where the run would be skipped
    reason = _netns.probe()
    if reason is not None:
        note(f"multi_host skipped: {reason}")
        print(json.dumps({"bench": "multi_host", "skipped": reason}), flush=True)
        return
    # Everything started is stopped, and the namespaces removed, however the run ends (`kill` too).
    bench_main(parser, run)


if __name__ == "__main__":
    main()
