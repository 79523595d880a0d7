"""The embedded stack in one command: web server, Celery worker and Celery beat.

    python -m iseller_accurate.devserver [--port 8000]

Each process runs as a child with its output prefixed by its name. Ctrl-C or SIGTERM stops them all;
if one of them dies, the others are stopped and the exit code is non-zero, so a broken stack never
looks like a running one. This is for the embedded run (`make run`) and the end-to-end tests, not
for production, where web and workers are deployed as separate services.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO

BASE_DIR = Path(__file__).resolve().parent.parent

# How long a child gets to finish its current work after SIGTERM before it is killed.
STOP_GRACE_SECONDS = 10.0
POLL_SECONDS = 0.2
# The banner waits for every process to say it is ready, but not forever.
BANNER_WAIT_SECONDS = 60.0

# Who may do what, as the views enforce it (tests/test_staff_rights.py holds the two together).
DEMO_LOGINS = (
    ("owner", "accurate-demo", "store owner: everything, including API keys"),
    (
        "staff",
        "accurate-demo",
        "staff member: sees every page and exports the activity CSV; sends documents again (Sync, "
        "Sync all failed, Sync now) and checks days against Accurate (Check now). Only the owner "
        "connects, maps outlets, saves the schedule, exports or pushes products and manages API keys.",
    ),
)


@dataclass(frozen=True)
class Service:
    name: str
    argv: list[str]
    ready_line: str = ""  # a fragment of the log line that says it is up; "" if it never says


@dataclass
class Child:
    service: Service
    process: subprocess.Popen[str]
    ready: threading.Event


def services(port: int, sandbox_port: int) -> list[Service]:
    """Every process of the embedded stack, started in this order and stopped in reverse."""
    python = sys.executable
    celery = [python, "-m", "celery", "-A", "iseller_accurate"]
    return [
        Service(
            "web",
            [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            "Starting development server",
        ),
        Service("worker", [*celery, "worker", "-l", "info", "--concurrency", "1"], " ready."),
        Service("beat", [*celery, "beat", "-l", "info"], "beat: Starting..."),
        # The local stand-in for Accurate Online that the demo connects to (ACCURATE_ACCOUNT_URL).
        Service(
            "sandbox",
            [python, "-m", "accurate_sandbox", "--port", str(sandbox_port)],
            "Accurate sandbox listening on",
        ),
    ]


def configure_environment() -> None:
    """Defaults for this process and, through inheritance, for every child."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iseller_accurate.settings")
    # This is the embedded run: without DEBUG the settings demand a real SECRET_KEY and HTTPS.
    os.environ.setdefault("DEBUG", "1")
    # Children write to a pipe, not a terminal: without this their lines arrive in late bursts.
    os.environ["PYTHONUNBUFFERED"] = "1"


def prepare_storage() -> None:
    """Create the folders of the SQLite file and of the filesystem broker: neither makes its own."""
    from django.conf import settings  # After configure_environment: settings read the environment.

    folders = [Path(settings.VAR_DIR)]
    if settings.CELERY_BROKER_URL == "filesystem://":
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        keys = ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")
        folders += [Path(options[key]) for key in keys if key in options]
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)


def say(prefix: str, line: str, lock: threading.Lock) -> None:
    with lock:
        sys.stdout.write(f"{prefix:>7} | {line.rstrip()}\n")
        sys.stdout.flush()


def forward(child: Child, stream: IO[str], lock: threading.Lock) -> None:
    """Copy a child's output line by line, prefixed with its name, until it closes."""
    marker = child.service.ready_line
    for line in stream:
        say(child.service.name, line, lock)
        if marker and marker in line:
            child.ready.set()
    stream.close()


def start(service: Service, lock: threading.Lock) -> Child:
    # Each child gets its own session: Ctrl-C in the terminal reaches only this process, which
    # then stops the children in order instead of all of them racing to exit at once.
    process = subprocess.Popen(
        service.argv,
        cwd=BASE_DIR,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
        start_new_session=True,
    )
    assert process.stdout is not None
    child = Child(service, process, threading.Event())
    if not service.ready_line:
        child.ready.set()
    threading.Thread(target=forward, args=(child, process.stdout, lock), daemon=True).start()
    return child


def stop(children: Sequence[Child], lock: threading.Lock) -> None:
    """SIGTERM every child that still runs (Celery does a warm shutdown), then kill stragglers."""
    for child in reversed(children):
        if child.process.poll() is None:
            say("dev", f"stopping {child.service.name}", lock)
            child.process.terminate()
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for child in children:
        try:
            child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            say("dev", f"{child.service.name} did not stop in time; killing it", lock)
            # The whole group: a Celery worker's pool processes go with it.
            os.killpg(child.process.pid, signal.SIGKILL)
            child.process.wait()


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def banner(port: int, sandbox_port: int) -> list[str]:
    url = f"http://127.0.0.1:{port}/"
    lines = ["", "=" * 72, f"  The back office is running: open {url}", "", "  Log in as:"]
    for user, password, role in DEMO_LOGINS:
        login = f"    {user:<6} / {password:<14} "
        lines += textwrap.wrap(role, width=72, initial_indent=login, subsequent_indent=" " * len(login))
    lines += [
        "",
        f"  Accurate Online is played by the local sandbox at http://127.0.0.1:{sandbox_port}/",
        "  (its login: merchant@sandbox.example / sandbox).",
        "",
        "  Ctrl-C stops everything.",
        "=" * 72,
        "",
    ]
    return lines


def supervise(
    children: list[Child], ports: tuple[int, int], lock: threading.Lock, stopping: threading.Event
) -> int:
    """Wait for a signal (return 0) or a dead child (return 1); stop all children either way."""
    announced = False
    give_up_waiting = time.monotonic() + BANNER_WAIT_SECONDS
    code = 0
    while not stopping.is_set():
        dead = [child for child in children if child.process.poll() is not None]
        if dead:
            for child in dead:
                say("dev", f"{child.service.name} exited with code {child.process.returncode}", lock)
            code = 1
            break
        # Say where to go once everything is up, so the address is the last thing on screen and
        # not lost above the startup logs of the worker and beat.
        everyone_ready = all(child.ready.is_set() for child in children)
        late = time.monotonic() > give_up_waiting
        if not announced and (everyone_ready or late) and port_open(ports[0]):
            for line in banner(*ports):
                say("dev", line, lock)
            announced = True
        stopping.wait(POLL_SECONDS)
    stop(children, lock)
    return code


def run(port: int, sandbox_port: int) -> int:
    for taken, flag in ((port, "--port"), (sandbox_port, "--sandbox-port")):
        if port_open(taken):
            # Otherwise the banner would point at whatever already listens there.
            print(f"Port {taken} is already in use; choose another with {flag}.", file=sys.stderr)
            return 2
    configure_environment()
    # The product finds its Accurate stand-in here, unless told of another one.
    os.environ.setdefault("ACCURATE_ACCOUNT_URL", f"http://127.0.0.1:{sandbox_port}")
    prepare_storage()
    lock = threading.Lock()
    stopping = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    # Before any child starts, so that a signal can never leave children behind.
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    children: list[Child] = []
    try:
        for service in services(port, sandbox_port):
            say("dev", f"starting {service.name}: {' '.join(service.argv[1:])}", lock)
            children.append(start(service, lock))
    except BaseException:
        stop(children, lock)
        raise
    return supervise(children, (port, sandbox_port), lock, stopping)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=8000, help="web server port (default 8000)")
    parser.add_argument("--sandbox-port", type=int, default=8001, help="Accurate sandbox port (default 8001)")
    args = parser.parse_args(argv)
    return run(args.port, args.sandbox_port)


if __name__ == "__main__":
    sys.exit(main())
