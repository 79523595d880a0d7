"""`make run` end to end: the embedded stack starts, and the owner logs in with a real browser.

It runs what `make run` runs (migrate, seed_demo, the devserver) on a fresh SQLite file and the
filesystem broker, with no PostgreSQL or Redis in the environment, then drives Debian's Chromium.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.e2e

BASE_DIR = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTUP_SECONDS = 60
# Settings the test run sets for PostgreSQL, Redis and production-like HTTPS: the embedded run
# must work without any of them.
NOT_EMBEDDED = (
    "DATABASE_URL",
    "REDIS_URL",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECRET_KEY",
)

SEND_TASK = """
from sync.tasks import requeue_stale_activities
requeue_stale_activities.delay()
"""


@dataclass
class Stack:
    url: str
    sandbox_url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    env: dict[str, str]
    seeded: dict[str, Any]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def embedded_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in NOT_EMBEDDED}
    env.update(DEBUG="1", VAR_DIR=str(var_dir), PYTHONUNBUFFERED="1")
    return env


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done.stdout


# What the owner's store holds in the seeded database, read from it directly: the page must show
# exactly that, whatever demo data seed_demo chooses to make.
SEEDED = """
import json
from outlets.models import Membership
store = Membership.objects.get(user__username="owner").store
outlets = store.outlets.order_by("code").values_list("code", "name")
print(json.dumps({"store": store.name, "outlets": list(outlets)}))
"""


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def wait_until(stack: Stack, what: str, ready: Callable[[], bool]) -> None:
    """Poll `ready` until it holds; fail with the stack's log if it dies or the time runs out."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if ready():
            return
        if stack.process.poll() is not None:
            pytest.fail(f"the devserver exited ({stack.process.returncode}) before {what}:\n{stack.log()}")
        time.sleep(0.5)
    pytest.fail(f"no {what} within {STARTUP_SECONDS} s:\n{stack.log()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    env = embedded_env(tmp_path / "var")
    (tmp_path / "var").mkdir()
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo")
    seeded = json.loads(manage(env, "shell", "-v", "0", "-c", SEEDED).splitlines()[-1])
    port, sandbox_port = free_port(), free_port()
    log_path = tmp_path / "devserver.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "iseller_accurate.devserver",
                "--port",
                str(port),
                "--sandbox-port",
                str(sandbox_port),
            ],
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield Stack(
            f"http://127.0.0.1:{port}", f"http://127.0.0.1:{sandbox_port}", process, log_path, env, seeded
        )
    finally:
        stop(process)


def test_the_owner_logs_in_and_sees_the_demo_store(stack):
    wait_until(stack, "login page", lambda: answers(stack.url + "/login/"))
    wait_until(stack, "ready worker", lambda: "celery@" in stack.log() and " ready." in stack.log())
    wait_until(stack, "started beat", lambda: "beat: Starting..." in stack.log())
    # A task sent from another process and run by the worker: the filesystem broker carries it.
    manage(stack.env, "shell", "-v", "0", "-c", SEND_TASK)
    wait_until(stack, "task run by the worker", lambda: "succeeded in" in stack.log())
    # The Accurate sandbox the demo connects to shows its sign-in page to a known client.
    authorize = (
        "/oauth/authorize?client_id=sandbox-client&response_type=code&scope=item_view&state=s"
        "&redirect_uri=http://127.0.0.1/callback"
    )
    wait_until(stack, "Accurate sandbox", lambda: answers(stack.sandbox_url + authorize))
    wait_until(stack, "banner with the address", lambda: f"open {stack.url}/" in stack.log())
    assert f"the local sandbox at {stack.sandbox_url}/" in stack.log()

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(stack.url + "/")
            assert page.url == stack.url + "/login/?next=/"
            page.fill("#id_username", "owner")
            page.fill("#id_password", "accurate-demo")
            page.click('form[action="/login/"] button[type=submit]')
            page.wait_for_url(stack.url + "/")

            store = page.inner_text("[data-testid=store-name]")
            outlets = [
                [row.locator("td").nth(0).inner_text(), row.locator("td").nth(1).inner_text()]
                for row in page.locator("[data-testid=outlets] tbody tr").all()
            ]
            activities = page.locator("[data-testid=activities] tbody tr").count()
        finally:
            browser.close()

    assert len(stack.seeded["outlets"]) >= 2
    assert store == stack.seeded["store"]
    assert outlets == stack.seeded["outlets"]
    # The demo week has far more than 20 documents: the dashboard shows the latest 20.
    assert activities == 20
