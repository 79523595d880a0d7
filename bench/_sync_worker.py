"""Real Celery workers for the sync benches: start, wait until ready, CPU time from /proc, stop; and
`bench_main`, the benches' `main()` around what they start (SIGTERM, a temporary folder, log tails).

Run as a script it is a worker under cProfile instead (`python bench/_sync_worker.py PROFILE_DIR
<celery worker argv…>`): every task runs under its own profiler (the threads pool runs tasks on
several threads and a profiler sees only its own thread), and each task's stats are dumped to
PROFILE_DIR when it ends, to be summed by `profile_summary`.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 30.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    log: Path


def start_workers(
    folder: Path,
    env: dict[str, str],
    *,
    pool: str,
    workers: int,
    concurrency: int,
    profile_dir: Path | None = None,
) -> list[Worker]:
    """`workers` Celery workers of `pool` with `concurrency` each; returns once all said ready."""
    started: list[Worker] = []
    try:
        for n in range(workers):
            log = folder / f"worker-{n}.log"
            # The README's worker command; only the node name is added (several workers on one host).
            argv = ["worker", "-l", "info", "--pool", pool, "--concurrency", str(concurrency)]
            argv += ["-n", f"sync-bench-{os.getpid()}-{n}@%h"]
            if profile_dir is None:
                command = [sys.executable, "-m", "celery", "-A", "iseller_accurate", *argv]
            else:
                command = [sys.executable, __file__, str(profile_dir), "-A", "iseller_accurate", *argv]
            with log.open("wb") as out:
                # A session of its own: stopping it reaches its pool children, and nothing else.
                process = subprocess.Popen(
                    command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
                )
            started.append(Worker(process, log))
        deadline = time.monotonic() + READY_TIMEOUT_S
        for worker in started:
            while b"ready." not in worker.log.read_bytes():
                if worker.process.poll() is not None:
                    raise SystemExit(f"A worker exited before it was ready:\n{tail(worker.log)}")
                if time.monotonic() > deadline:
                    raise SystemExit(
                        f"A worker was not ready in {READY_TIMEOUT_S:.0f} s:\n{tail(worker.log)}"
                    )
                time.sleep(0.2)
    except BaseException:
        stop_workers(started)
        raise
    return started


def stop_workers(workers: list[Worker]) -> None:
    """Warm shutdown (a running push task finishes its batch), then kill what is left of each."""
    for worker in workers:
        if worker.process.poll() is None:
            worker.process.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(worker.process.pid, signal.SIGKILL)
            worker.process.wait(timeout=10)
        # Pool children of a killed parent; the group is the worker's own session.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.process.pid, signal.SIGKILL)


def tail(log: Path, size: int = 3000) -> str:
    return log.read_text(errors="replace")[-size:]


def bench_main(
    parser: argparse.ArgumentParser, run: Callable[[argparse.Namespace, ExitStack, Path], None]
) -> None:
    """`run(args, stack, folder)` in a temporary folder; what it starts, it hands to `stack` to stop.

    A plain `kill` unwinds like Ctrl-C (exit code 143), so the processes and the sandbox are stopped
    either way. When the run goes wrong, the tails of the folder's logs go to stderr first."""
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        try:
            run(args, stack, Path(folder))
        except BaseException:
            for log in sorted(Path(folder).glob("*.log")):
                print(f"--- {log.name}\n{tail(log)}", file=sys.stderr)
            raise


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces


def _descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) is not None:
            parents[int(entry.name)] = int(fields[1])
    found, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        found += children
        frontier += children
    return found


def cpu_seconds(workers: list[Worker]) -> float:
    """User + system CPU of the workers and their pool children (reaped children included)."""
    ticks = 0
    for worker in workers:
        for pid in [worker.process.pid, *_descendants(worker.process.pid)]:
            fields = _stat(pid)
            if fields is not None:
                # utime, stime, cutime, cstime: fields 14 to 17 of /proc/<pid>/stat.
                ticks += sum(int(value) for value in fields[11:15])
    return ticks / CLOCK_TICKS


def profile_summary(profile_dir: Path, top: int = 25) -> str:
    """The tasks' profiles summed: the functions with the most cumulative (wall) time."""
    import io
    import pstats

    files = sorted(str(path) for path in profile_dir.glob("*.prof"))
    if not files:
        return "no profile was written"
    out = io.StringIO()
    stats = pstats.Stats(*files, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def _profiled_worker(profile_dir: Path, argv: list[str]) -> None:
    import cProfile
    import threading

    from celery.signals import task_postrun, task_prerun

    profilers: dict[int, cProfile.Profile] = {}

    @task_prerun.connect(weak=False)
    def start(task_id: str, **_: Any) -> None:
        profiler = cProfile.Profile()
        profilers[threading.get_ident()] = profiler
        profiler.enable()

    @task_postrun.connect(weak=False)
    def stop(task_id: str, **_: Any) -> None:
        profiler = profilers.pop(threading.get_ident(), None)
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(str(profile_dir / f"{os.getpid()}-{task_id}.prof"))

    from celery.__main__ import main

    sys.argv = ["celery", *argv]
    main()


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    _profiled_worker(Path(sys.argv[1]), sys.argv[2:])
