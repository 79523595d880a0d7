"""The stack `make run` starts, for bench/embedded_sync.py: its commands, the devserver, Ctrl-C.

On the embedded defaults, like `make run`: a temporary VAR_DIR with DEBUG=1 and no DATABASE_URL,
REDIS_URL or SECRET_KEY in the environment (a SQLite file, the filesystem broker, the in-process rate
limiter). `manage` runs a `manage.py` command; `running_stack` starts `python -m
iseller_accurate.devserver` (web, a Celery worker, beat and the Accurate sandbox) until its banner and
stops it with SIGINT, checking that it exits 0, closes its ports and leaves no process of the run.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The script's own folder is on sys.path: the benches share their helpers.
from _sync_worker import tail  # noqa: E402
from sync_throughput import note  # noqa: E402

from tests.sandbox_fixture import SandboxProcess, free_port  # noqa: E402

# What `make run` must do without: the embedded defaults apply only when these are unset.
NOT_EMBEDDED = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "LOG_LEVEL")
NOT_EMBEDDED_PREFIXES = ("ACCURATE_", "SYNC_", "CELERY_", "SECURE_", "SESSION_", "CSRF_", "ALLOWED_")
COMMAND_TIMEOUT_S = 300.0
BANNER_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 60.0
TRACEBACK = re.compile(r"^\s*(\w+) \| Traceback \(most recent call last\):", re.MULTILINE)


class RunWentWrong(SystemExit):
    def __init__(self, message: str) -> None:
        super().__init__(f"embedded_sync: {message}")


@dataclass
class Stack:
    """The devserver (`make run`'s last command) in a process group of its own, and its log."""

    process: subprocess.Popen[bytes]
    log: Path
    port: int
    sandbox_port: int
    var_dir: Path

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def sandbox(self) -> SandboxProcess:
        """The devserver's sandbox, through the tests' client (its `process` is the devserver's:
        nothing here stops it through that handle)."""
        url = f"http://127.0.0.1:{self.sandbox_port}"
        return SandboxProcess(url, self.var_dir / "accurate_sandbox.sqlite3", self.process)

    def alive(self) -> None:
        if self.process.poll() is not None:
            raise RunWentWrong(f"the devserver exited ({self.process.returncode}):\n{tail(self.log)}")


# --- the stack, as `make run` starts it ---


def embedded_env(var_dir: Path) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in NOT_EMBEDDED and not name.startswith(NOT_EMBEDDED_PREFIXES)
    }
    return {**env, "DEBUG": "1", "VAR_DIR": str(var_dir), "PYTHONUNBUFFERED": "1"}


def manage(env: dict[str, str], folder: Path, *argv: str) -> str:
    log = folder / f"{argv[0]}.log"
    with log.open("wb") as out:
        done = subprocess.run(
            [sys.executable, "manage.py", *argv],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=COMMAND_TIMEOUT_S,
        )
    if done.returncode != 0:
        raise RunWentWrong(f"manage.py {' '.join(argv)} exited {done.returncode}:\n{tail(log)}")
    return log.read_text(errors="replace")


def stack_start(env: dict[str, str], folder: Path, var_dir: Path) -> Stack:
    port, sandbox_port = free_port(), free_port()
    ports = ["--port", str(port), "--sandbox-port", str(sandbox_port)]
    log = folder / "devserver.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "iseller_accurate.devserver", *ports],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            # Its own group, as a terminal gives a command: Ctrl-C reaches it and nothing of ours.
            start_new_session=True,
        )
    stack = Stack(process, log, port, sandbox_port, var_dir)
    banner = f"open http://127.0.0.1:{port}/"
    deadline = time.monotonic() + BANNER_TIMEOUT_S
    while banner not in stack.text():
        stack.alive()
        if time.monotonic() > deadline:
            raise RunWentWrong(f"no banner within {BANNER_TIMEOUT_S:.0f} s:\n{tail(log)}")
        time.sleep(0.2)
    return stack


def processes_of(var_dir: Path) -> dict[int, str]:
    """Processes (but this one) started with this run's VAR_DIR in their environment."""
    marker = f"VAR_DIR={var_dir}".encode()
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if marker in environ:
            found[int(entry.name)] = cmdline.strip()
    return found


def port_open(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def stack_stop(stack: Stack) -> list[str]:
    """Ctrl-C: SIGINT to the devserver; what did not go as `make run` promises (empty: all well)."""
    if stack.process.poll() is not None:
        return [f"the devserver had already exited ({stack.process.returncode})"]
    stack.process.send_signal(signal.SIGINT)
    problems = []
    try:
        code = stack.process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(stack.process.pid, signal.SIGKILL)
        stack.process.wait()
        return [f"the devserver still ran {STOP_TIMEOUT_S:.0f} s after SIGINT (killed)"]
    if code != 0:
        problems.append(f"the devserver exited {code} after SIGINT")
    killed = [line for line in stack.text().splitlines() if "did not stop in time" in line]
    problems += killed
    for port in (stack.port, stack.sandbox_port):
        if port_open(port):
            problems.append(f"port {port} still answers")
    left = processes_of(stack.var_dir)
    if left:
        problems.append(f"processes left: {left}")
        for pid in left:  # ours: started by this run with its VAR_DIR
            os.kill(pid, signal.SIGKILL)
    return problems


@contextmanager
def running_stack(env: dict[str, str], folder: Path, var_dir: Path) -> Iterator[Stack]:
    stack = stack_start(env, folder, var_dir)
    stopped = False
    try:
        yield stack
        problems = stack_stop(stack)
        stopped = True
        if problems:
            raise RunWentWrong("the stack did not stop cleanly: " + "; ".join(problems))
        note("the devserver stopped on SIGINT: exit code 0, ports closed, no process left")
    finally:
        if not stopped:
            stack_stop(stack)


# --- this process on the stack's settings, and what the stack logged ---


def setup_django(env: dict[str, str], stack: Stack) -> None:
    """The devserver's settings: the same environment, and the sandbox it points its children at."""
    import warnings

    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers.base")
    for name in list(os.environ):
        if name not in env:
            del os.environ[name]
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "iseller_accurate.settings"
    os.environ["ACCURATE_ACCOUNT_URL"] = f"http://127.0.0.1:{stack.sandbox_port}"
    import django

    django.setup()


def tracebacks(stack: Stack) -> None:
    """Every traceback the stack's processes printed, with the lines that follow it."""
    text = stack.text()
    for match in TRACEBACK.finditer(text):
        lines = text[match.start() :].splitlines()[:40]
        note(f"TRACEBACK in {match.group(1)}:\n" + "\n".join(lines))


def main_in_folder(run: Callable[[Path], None], *, description: str, prefix: str) -> None:
    """A bench's command line: `run` in a temporary folder (kept with --keep), the tails of its logs
    on stderr when it went wrong; a plain `kill` unwinds like Ctrl-C, so the stack stops either way."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--keep", action="store_true", help="keep the run's folder (logs, SQLite files)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.keep:
        folder = tempfile.mkdtemp(prefix=prefix)
        note(f"the run's folder (kept): {folder}")
        _logged(run, Path(folder))
        return
    with tempfile.TemporaryDirectory(prefix=prefix) as kept:
        _logged(run, Path(kept))


def _logged(run: Callable[[Path], None], folder: Path) -> None:
    try:
        run(folder)
    except BaseException:
        for log in sorted(folder.glob("*.log")):
            print(f"--- {log.name}\n{tail(log, 6000)}", file=sys.stderr)
        raise
