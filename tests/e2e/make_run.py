"""`make run` as a new user runs it: in a folder of its own, from a shell with nothing of ours in it,
stopped with Ctrl-C. Shared by tests/e2e/test_make_run.py and bench/fresh_run.py.

Nothing here imports Django or pytest: the bench runs it as a plain script. Failures raise
`MakeRunFailed` (an AssertionError, so pytest reports it as a failed check) with the log's tail.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
# A fresh `.venv` is built before the banner (from pip's cache or local wheels, but still a venv and
# fifteen packages on a busy 2-core machine), then migrate and seed_demo run.
BANNER_SECONDS = 300.0
# The devserver gives each child 10 s after SIGTERM before it kills it.
STOP_SECONDS = 60.0
POLL_SECONDS = 0.5
TAIL_LINES = 80
# What the test run or the developer's shell sets and a new user's shell has not: `make run` must
# work without every one of them. MAKEFLAGS and friends come from `make pytest-embedded` itself
# (they carry its command-line variables) and would leak into the inner make.
NOT_A_NEW_USERS = frozenset(
    {
        "DATABASE_URL",
        "REDIS_URL",
        "SECRET_KEY",
        "DEBUG",
        "VAR_DIR",
        "ALLOWED_HOSTS",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "VIRTUAL_ENV",
        "PYTHONPATH",
        "DJANGO_SETTINGS_MODULE",
        "MAKEFLAGS",
        "MFLAGS",
        "MAKELEVEL",
        "MAKEOVERRIDES",
    }
)
NOT_A_NEW_USERS_PREFIXES = ("E2E_", "PYTEST_")


class MakeRunFailed(AssertionError):
    """`make run` did not start, did not stop, or left something behind."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1.0)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def fresh_copy(target: Path) -> Path:
    """The project's files as `git ls-files -co --exclude-standard` lists them (tracked and new,
    uncommitted work included) copied to `target`: no `.venv`, no `var/`, nothing ignored."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "-co", "--exclude-standard"],
        cwd=BASE_DIR,
        check=True,
        capture_output=True,
    ).stdout.decode()
    target.mkdir(parents=True)
    for name in filter(None, listed.split("\0")):
        source = BASE_DIR / name
        if not source.exists() and not source.is_symlink():
            continue  # tracked, but deleted in the working tree: a new user would not have it either
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination, follow_symlinks=False)
    return target


def fresh_clone(target: Path) -> Path:
    """A real clone of the repository's HEAD, as a new user gets it (committed work only)."""
    subprocess.run(
        ["git", "clone", "--quiet", "--no-hardlinks", str(BASE_DIR), str(target)],
        check=True,
        capture_output=True,
    )
    return target


def new_users_env() -> dict[str, str]:
    """This process's environment without what a new user's shell would not have: no settings of
    ours, and no virtual environment of ours on PATH, so `python3.11` is the machine's."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in NOT_A_NEW_USERS and not name.startswith(NOT_A_NEW_USERS_PREFIXES)
    }
    path = [entry for entry in env.get("PATH", "").split(os.pathsep) if entry and not in_our_venv(entry)]
    env["PATH"] = os.pathsep.join(path)
    return env


def in_our_venv(entry: str) -> bool:
    """Whether a PATH entry is inside the virtual environment this process runs in, if any."""
    if sys.prefix == sys.base_prefix:
        return False
    return Path(entry).resolve().is_relative_to(Path(sys.prefix).resolve())


@dataclass
class MakeRun:
    """One `make run` started in `folder`, in a process group of its own."""

    folder: Path
    port: int
    sandbox_port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    started: float = field(default_factory=time.monotonic)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def sandbox_url(self) -> str:
        return f"http://127.0.0.1:{self.sandbox_port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def tail(self, lines: int = TAIL_LINES) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def failed(self, what: str) -> MakeRunFailed:
        return MakeRunFailed(f"{what}\n--- last {TAIL_LINES} lines of `make run` ---\n{self.tail()}")


def start(folder: Path, log_path: Path) -> MakeRun:
    """`make run PORT=… SANDBOX_PORT=…` in `folder` on two free ports, output to `log_path`."""
    port, sandbox_port = free_port(), free_port()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            ["make", "run", f"PORT={port}", f"SANDBOX_PORT={sandbox_port}"],
            cwd=folder,
            env=new_users_env(),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own group, as a terminal gives a command: Ctrl-C is a SIGINT to that group.
            start_new_session=True,
        )
    return MakeRun(folder, port, sandbox_port, process, log_path)


def wait_for_banner(run: MakeRun, timeout: float = BANNER_SECONDS) -> float:
    """Seconds from the start until the banner says where to open the back office."""
    banner = f"open {run.url}/"
    deadline = run.started + timeout
    while time.monotonic() < deadline:
        if banner in run.log():
            return time.monotonic() - run.started
        if run.process.poll() is not None:
            raise run.failed(f"`make run` exited ({run.process.returncode}) before its banner")
        time.sleep(POLL_SECONDS)
    raise run.failed(f"no banner ({banner!r}) within {timeout:.0f} s")


def interrupt(run: MakeRun, timeout: float = STOP_SECONDS) -> int:
    """Ctrl-C: SIGINT to the whole process group of `make run`; its exit code once it is gone."""
    os.killpg(run.process.pid, signal.SIGINT)
    try:
        return run.process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise run.failed(f"`make run` still runs {timeout:.0f} s after Ctrl-C") from None


def processes_inside(folder: Path) -> dict[int, str]:
    """Every process (but this one) whose command line or working directory points into `folder`,
    with its command line: what `make run` left behind."""
    folder = folder.resolve()
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            cwd = os.readlink(entry / "cwd")
        except OSError:  # gone meanwhile, or not ours to read
            continue
        if str(folder) in cmdline or Path(cwd).is_relative_to(folder):
            found[int(entry.name)] = cmdline.strip() or f"(cwd {cwd})"
    return found


def check_stopped(run: MakeRun) -> None:
    """Nothing of `make run` is left: no listener on its ports, no process in its folder."""
    listening = [port for port in (run.port, run.sandbox_port) if port_open(port)]
    if listening:
        raise run.failed(f"ports {listening} still accept connections after Ctrl-C")
    left = processes_inside(run.folder)
    if left:
        described = "\n".join(f"  {pid}: {cmdline}" for pid, cmdline in sorted(left.items()))
        raise run.failed(f"processes left in {run.folder} after Ctrl-C:\n{described}")


def kill(run: MakeRun) -> None:
    """SIGKILL the group of `make run`, then any process still in its folder: the devserver starts
    each child in a session of its own, which a signal to the group does not reach."""
    if run.process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(run.process.pid, signal.SIGKILL)
        run.process.wait()
    for _ in range(3):
        left = processes_inside(run.folder)
        if not left:
            return
        for pid in left:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(POLL_SECONDS)
