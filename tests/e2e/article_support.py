"""Shared parts of the browser walks of the help article (test_article_browser.py as the owner,
test_staff_browser.py as staff): a smaller demo store, the running stack, and a browser that saves a
screenshot at every step and fails on any console error or failed request.

The demo store is `manage.py seed_demo` itself, over three days with a few sales a day instead of a
week of 30 to 60: the same catalogue of 200 products with its deliberate SKU problems (four without
a SKU, one SKU on two products), three outlets, voids, a refund, deposits, adjustments, transfers
and a stock take, small enough for one worker process to sync in seconds.

The product's pages run as pytest-django's live server in this process; the Accurate sandbox, the
Celery worker and beat are processes of their own (tests/e2e/sync_support.py). What the pages
enqueue (Push products, Sync now, Sync) goes onto the test's own queue in the broker the worker
reads: embedded, the processes share this process's VAR_DIR, as `make run` shares it.
"""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from iseller_accurate.celery import app as celery_app
from outlets.management.commands import seed_demo
from outlets.models import Order, Outlet, Product, Refund, Store
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.sync_support import Processes, embedded, process_env
from tests.mapping.conftest import TEST_KEY
from tests.sandbox_fixture import start_sandbox, stop_sandbox

ACTIVE = ("JKT01", "BDG01")  # the outlets the owner activates; DPS01 stays unmapped
DEMO_DAYS = 3  # the third day has the demo's refunds (seed_demo.REFUND_DAYS)
DEMO_ORDERS_PER_DAY = (4, 6)
DEMO_PASSWORD = seed_demo.DEMO_PASSWORD
TIMEOUT_MS = 20_000


def demo_store_seed(monkeypatch: pytest.MonkeyPatch) -> Store:
    """The demo store, through the command, over DEMO_DAYS days of DEMO_ORDERS_PER_DAY sales."""
    monkeypatch.setattr(seed_demo, "DAYS", DEMO_DAYS)
    monkeypatch.setattr(seed_demo, "ORDERS_PER_DAY", DEMO_ORDERS_PER_DAY)
    call_command("seed_demo", stdout=io.StringIO())
    return Store.objects.get(slug=seed_demo.DEMO_SLUG)


@dataclass(frozen=True)
class Demo:
    """What the seeded store holds, read before the browser opens: what the pages must show."""

    store: str
    zone: ZoneInfo
    outlets: dict[str, tuple[int, str]]  # code → (pk, name)
    products: int  # active products
    sales: dict[str, dict[str, Decimal]]  # code → POS number → total, of the sales not voided
    refunds: dict[str, list[str]]  # code → refund numbers

    def held_sales(self, code: str) -> int:
        return len(self.sales[code]) + len(self.refunds[code])

    def invoices(self) -> dict[str, Decimal]:
        """Accurate's invoice number (outlet code, POS number) → the POS total, of the active outlets."""
        return {f"{code}-{number}": total for code in ACTIVE for number, total in self.sales[code].items()}


def demo_of(store: Store) -> Demo:
    outlets = {o.code: (o.pk, o.name) for o in Outlet.objects.filter(store=store)}
    sales: dict[str, dict[str, Decimal]] = {
        code: dict(
            Order.objects.filter(outlet__store=store, outlet__code=code)
            .exclude(status=Order.Status.VOID)
            .values_list("number", "total")
        )
        for code in outlets
    }
    refunds = {
        code: list(
            Refund.objects.filter(outlet__code=code, outlet__store=store).values_list("number", flat=True)
        )
        for code in outlets
    }
    products = Product.objects.filter(store=store, active=True).count()
    return Demo(store.name, ZoneInfo(store.time_zone), outlets, products, sales, refunds)


@contextmanager
def running_stack(folder: Path, settings: Any) -> Iterator[Processes]:
    """A sandbox the live product talks to, and a queue of the test's own for the worker and beat the
    test starts; everything is stopped at the end, whatever happened."""
    sandbox = start_sandbox(folder)
    processes: Processes | None = None
    default_queue = celery_app.conf.task_default_queue
    try:
        settings.ACCURATE_ACCOUNT_URL = sandbox.url
        settings.ACCURATE_CLIENT_ID = sandbox.client_id
        settings.ACCURATE_CLIENT_SECRET = sandbox.client_secret
        settings.ACCURATE_TOKEN_KEYS = [TEST_KEY]
        # The live server speaks plain HTTP (the main pass runs with DEBUG off).
        settings.SESSION_COOKIE_SECURE = False
        settings.CSRF_COOKIE_SECURE = False
        queue = f"e2e-article-{uuid.uuid4().hex[:12]}"
        celery_app.conf.task_default_queue = queue
        shared: dict[str, str] = {}
        if embedded():
            for sub in ("queue", "processed", "control"):
                (Path(settings.VAR_DIR) / "broker" / sub).mkdir(parents=True, exist_ok=True)
            shared["VAR_DIR"] = str(settings.VAR_DIR)
        processes = Processes(sandbox, folder, process_env(sandbox, queue, folder, **shared), queue)
        yield processes
    finally:
        celery_app.conf.task_default_queue = default_queue
        if processes is not None:
            processes.stop()
        stop_sandbox(sandbox)


@dataclass
class Browser:
    """One page of headless Chromium on the live server. Every failed request, response of 400 or
    more, console error and uncaught page error is recorded; `step` saves a screenshot and fails the
    test on anything recorded since the walk began. Two aborted requests are expected: a download
    (Chromium aborts the navigation, the page stays) and a page's poll cut short by leaving the page."""

    page: Any
    base: str
    folder: Path
    problems: list[str] = field(default_factory=list)
    aborted: list[str] = field(default_factory=list)  # requests Chromium gave up (ERR_ABORTED)
    downloaded: list[str] = field(default_factory=list)
    # The sandbox stands in for Accurate's sign-in pages and has no icon: Chromium's request for it
    # fails there, outside the product.
    missing_elsewhere: set[str] = field(default_factory=set)
    steps: list[str] = field(default_factory=list)

    def watch(self) -> None:
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", self._response)

    def _console(self, message: Any) -> None:
        if message.type == "error" and message.location.get("url") not in self.missing_elsewhere:
            self.problems.append(f"console error at {message.location.get('url')}: {message.text}")

    def _failed(self, request: Any) -> None:
        if request.failure == "net::ERR_ABORTED" and request.resource_type in ("fetch", "xhr"):
            return  # a page's poll cut short by leaving the page
        if request.failure == "net::ERR_ABORTED":
            self.aborted.append(request.url)
        else:
            self.problems.append(f"failed: {request.method} {request.url} {request.failure}")

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            self.problems.append(f"{response.status}: {response.request.method} {response.url}")

    def unexpected(self) -> list[str]:
        return self.problems + [f"aborted: {url}" for url in self.aborted if url not in self.downloaded]

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path)

    def press(self, selector: str) -> None:
        """Click a link or a form's button and wait for the page it loads (after any redirects)."""
        with self.page.expect_navigation():
            self.page.click(selector)

    def step(self, name: str) -> None:
        self.steps.append(name)
        self.page.screenshot(path=self.folder / f"{len(self.steps):02d}-{name}.png", full_page=True)
        assert not self.unexpected(), f"at step {len(self.steps)} ({name}): {self.unexpected()}"

    def download(self, selector: str) -> Path:
        """Click what downloads a file; the file, saved beside the screenshots."""
        with self.page.expect_download() as started:
            self.page.click(selector)
        download = started.value
        path: Path = self.folder / download.suggested_filename
        download.save_as(path)
        self.downloaded.append(download.url)
        return path

    def text(self, selector: str) -> str:
        """The element's text as read, runs of white space as one space."""
        return self.squash(self.page.inner_text(selector))

    @staticmethod
    def squash(text: str) -> str:
        return " ".join(str(text).split())


@contextmanager
def browsing(base: str, folder: Path, sandbox_url: str) -> Iterator[Browser]:
    """Chromium on the live server; the screenshots go into `folder`, or into a folder of that name
    under E2E_SCREENSHOTS when set (pytest keeps only its last three temporary folders)."""
    from playwright.sync_api import sync_playwright

    if os.environ.get("E2E_SCREENSHOTS"):
        folder = Path(os.environ["E2E_SCREENSHOTS"]) / folder.name
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {folder}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = chromium.new_context(locale="en-US", accept_downloads=True)
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            browser = Browser(page, base, folder, missing_elsewhere={f"{sandbox_url}/favicon.ico"})
            browser.watch()
            yield browser
            assert not browser.unexpected(), f"after the last step: {browser.unexpected()}"
        finally:
            chromium.close()


def log_in(
    browser: Browser, language: str, username: str, heading: str, password: str = DEMO_PASSWORD
) -> None:
    """The log-in page in `language`, picked in the top bar as a visitor would (its `heading` says
    so); then signed in (the demo store's password unless another is given), on the dashboard."""
    page = browser.page
    browser.goto("/login/")
    browser.press(f"[data-testid=language-picker] button[value={language}]")
    assert (page.get_attribute("html", "lang"), browser.text("main h1")) == (language, heading)
    browser.step("log-in")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    browser.press("main button[type=submit]")
    assert page.url == browser.base + "/"


def rupiah(amount: Decimal) -> str:
    """Whole rupiah as the pages write them: "Rp 41.800"."""
    assert amount == amount.to_integral_value(), amount
    return "Rp " + f"{int(amount):,}".replace(",", ".")
