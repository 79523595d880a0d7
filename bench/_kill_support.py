"""The Celery processes and the reading of what they held, for bench/kill_recovery.py.

Workers and a beat started as the README says, each in a session of its own (its process group is what
a kill takes); the worker to kill told by the push tasks in progress in its log; what was Running at the
kill and under which lanes (`claimed_by`, a PushLease holder); which lanes nobody renews or gives back
(the dead worker's); the rows' statuses and the sandbox's sales documents.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The script's own folder is on sys.path: the benches share their helpers.
from _sync_worker import Worker, stop_workers, tail  # noqa: E402

from tests.sandbox_fixture import SandboxProcess  # noqa: E402

SLUG_PREFIX = "kill-bench-"
WORKERS = 2
# The README's "Workers" paragraph: `--pool threads --concurrency 8` per process.
POOL = "threads"
CONCURRENCY = 8
READY_TIMEOUT_S = 60.0
POLL_S = 0.25
SALES_MODULES = ("sales-invoice", "sales-receipt")
RECEIVED = re.compile(r"Task sync\.tasks\.push\[([0-9a-f-]+)\] received")
ENDED = re.compile(r"Task sync\.tasks\.push\[([0-9a-f-]+)\] (?:succeeded|failed|retry|raised)")


class RunWentWrong(SystemExit):
    """The run itself went wrong: no figure can be trusted (the message says why)."""

    def __init__(self, message: str) -> None:
        super().__init__(f"kill_recovery: {message}")


@dataclass
class Celery:
    """A worker or the beat: its process (a session of its own) and its log."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def pushes_in_progress(self) -> int:
        text = self.text()
        return len(set(RECEIVED.findall(text)) - set(ENDED.findall(text)))


@dataclass
class Held:
    """What was Running at the kill, and whose it was."""

    rows: dict[int, str]  # row id → claimed_by (the lane's holder)
    dead_holders: set[str] = field(default_factory=set)

    @property
    def dead_rows(self) -> set[int]:
        return {pk for pk, holder in self.rows.items() if holder in self.dead_holders}

    @property
    def live_rows(self) -> set[int]:
        return set(self.rows) - self.dead_rows


# --- the Celery processes ---


def celery_start(folder: Path, env: dict[str, str], name: str, argv: list[str], ready: str) -> Celery:
    log = folder / f"{name}.log"
    with log.open("wb") as out:
        # A session of its own: its process group is what a kill takes, and nothing else.
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "iseller_accurate", *argv],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    started = Celery(name, process, log)
    deadline = time.monotonic() + READY_TIMEOUT_S
    while ready not in started.text():
        if process.poll() is not None:
            raise RunWentWrong(f"{name} exited before it was ready:\n{tail(log)}")
        if time.monotonic() > deadline:
            raise RunWentWrong(f"{name} was not ready in {READY_TIMEOUT_S:.0f} s:\n{tail(log)}")
        time.sleep(0.2)
    return started


def workers_start(folder: Path, env: dict[str, str], stack: ExitStack) -> list[Celery]:
    started: list[Celery] = []
    stack.callback(lambda: stop_workers([Worker(c.process, c.log) for c in started]))
    for n in range(WORKERS):
        name = f"worker-{n}"
        argv = ["worker", "-l", "info", "--pool", POOL, "--concurrency", str(CONCURRENCY)]
        argv += ["-n", f"{SLUG_PREFIX}{os.getpid()}-{n}@%h"]
        started.append(celery_start(folder, env, name, argv, " ready."))
    started.append(celery_start(folder, env, "beat", ["beat", "-l", "info"], "beat: Starting..."))
    return started


def kill(victim: Celery) -> None:
    """SIGKILL the worker's whole process group at once, as a machine losing power would."""
    os.killpg(victim.process.pid, signal.SIGKILL)
    victim.process.wait(timeout=10)


def others_alive(processes: list[Celery], victim: Celery | None) -> None:
    for started in processes:
        if started is not victim and started.process.poll() is not None:
            raise RunWentWrong(f"{started.name} exited ({started.process.returncode}):\n{tail(started.log)}")


# --- reading the state ---


def status_counts(store: Any) -> dict[str, int]:
    from sync.models import SyncActivity

    return dict(Counter(SyncActivity.objects.filter(store=store).values_list("status", flat=True)))


def failed_reasons(store: Any) -> list[tuple[str, int]]:
    from sync.models import SyncActivity

    reasons = SyncActivity.objects.filter(store=store, status="failed").values_list(
        "status_reason", flat=True
    )
    return Counter(reasons).most_common(5)


def invoices_in_sandbox(sandbox: SandboxProcess) -> int:
    return int(sandbox.inspect()["documents"].get("101", {}).get("sales-invoice", 0))


def held_at_kill(store: Any) -> Held:
    from sync.models import SyncActivity

    rows = SyncActivity.objects.filter(store=store, status="running").values_list("pk", "claimed_by")
    return Held(dict(rows))


def dead_holders(
    held: Held, killed_at: datetime, lease: float, processes: list[Celery], victim: Celery
) -> set[str]:
    """The holders of `held` that nobody renews or gives back: the dead worker's lanes.

    A live task renews its lane every third of the lease (`held_until` moves past the kill plus a
    lease) or gives it back when it is done (no lease row names it any more). Watched until a third
    of the lease and a few seconds have passed; a lane of the dead worker cannot run out (and be
    taken by another task) before two thirds of the lease after the kill."""
    from sync.models import PushLease

    holders = set(held.rows.values())
    alive: set[str] = set()
    until = time.monotonic() + lease / 3 + 3
    while time.monotonic() < until and alive != holders:
        others_alive(processes, victim)
        leases = dict(PushLease.objects.filter(holder__in=holders).values_list("holder", "held_until"))
        for holder in holders:
            held_until = leases.get(holder)
            if held_until is None or held_until > killed_at + timedelta(seconds=lease):
                alive.add(holder)
        time.sleep(POLL_S)
    return holders - alive


def lanes_run_out(holders: set[str], killed_at: datetime) -> float:
    """Seconds from the kill until the last of these lanes runs out (its `held_until`)."""
    from django.db.models import Max

    from sync.models import PushLease

    last = PushLease.objects.filter(holder__in=holders).aggregate(last=Max("held_until"))["last"]
    return (last - killed_at).total_seconds() if last is not None else float("nan")


def duplicates_in_sandbox(sandbox: SandboxProcess) -> tuple[int, dict[str, int]]:
    """(numbers held more than once, documents per module) among the sales invoices and receipts."""
    duplicated = 0
    per_module: dict[str, int] = {}
    for module in SALES_MODULES:
        numbers = Counter(str(document["number"]) for document in sandbox.documents(module))
        per_module[module] = sum(numbers.values())
        duplicated += sum(1 for count in numbers.values() if count > 1)
    return duplicated, per_module
