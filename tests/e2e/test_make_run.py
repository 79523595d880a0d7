"""`make run` as a new user runs it, walked end to end in a real browser, then stopped with Ctrl-C.

A fresh copy of the project (tracked and new files, no `.venv`, no `var/`) runs `make run` in a
shell without our settings or virtual environment: it builds its own `.venv` from requirements.txt
only, which proves the runtime imports nothing from the dev requirements. Headless Chromium then
does what a merchant does with the demo store, in the order of the add-on page: log in, activate the
add-on, connect to the Accurate sandbox, map and activate JKT01 and BDG01, fix the catalogue's SKUs on
the SKU problems page (Push products is disabled until then), push the products, and press Sync now.
Every sale of both outlets must end Success, as many sales invoices as the outlets have sales must be
in the sandbox, and Ctrl-C must leave no process and no open port behind.

The outlets are active before the products are in Accurate, as a merchant following the page does:
the next beat sends their sales (the demo's shifts are closed) and those fail for the missing items
until the push ends, which sends them again by itself.
"""

from __future__ import annotations

import math
import signal
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.make_run import (
    MakeRun,
    MakeRunFailed,
    check_stopped,
    fresh_copy,
    interrupt,
    kill,
    start,
    wait_for_banner,
)

pytestmark = [pytest.mark.e2e, pytest.mark.make_run]

TIMEOUT_MS = 30_000
PUSH_MS = 180_000
SALES_SECONDS = 300.0
POLL_SECONDS = 3.0
HTTP_TIMEOUT = 30
OWNER, DEMO_PASSWORD = "owner", "accurate-demo"
SANDBOX_EMAIL, SANDBOX_PASSWORD = "merchant@sandbox.example", "sandbox"
DATABASE, DATABASE_ID = "Kopi Nusantara", "101"
OUTLETS = ("JKT01", "BDG01")


@dataclass(frozen=True)
class Demo:
    """What seed_demo wrote, read from the copy's SQLite file: what the pages must show."""

    store: str
    outlets: list[list[str]]  # [code, name], by code
    products: int  # active products: what a push sends once their SKUs are fixed
    sales: int  # orders of JKT01 and BDG01 that were not voided: one sales invoice each


DEMO_QUERIES = {
    "store": "SELECT s.name FROM outlets_store s WHERE s.slug = 'demo'",
    "outlets": "SELECT o.code, o.name FROM outlets_outlet o JOIN outlets_store s ON s.id = o.store_id "
    "WHERE s.slug = 'demo' ORDER BY o.code",
    "products": "SELECT COUNT(*) FROM outlets_product p JOIN outlets_store s ON s.id = p.store_id "
    "WHERE s.slug = 'demo' AND p.active",
    "sales": "SELECT COUNT(*) FROM outlets_order r JOIN outlets_outlet o ON o.id = r.outlet_id "
    f"WHERE o.code IN {OUTLETS!r} AND r.status != 'void'",
}


def demo_in(database: Path) -> Demo:
    """Read-only, so the running stack's own connections are never disturbed."""
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)) as db:
        rows = {name: db.execute(query).fetchall() for name, query in DEMO_QUERIES.items()}
    return Demo(
        store=rows["store"][0][0],
        outlets=[list(row) for row in rows["outlets"]],
        products=rows["products"][0][0],
        sales=rows["sales"][0][0],
    )


@pytest.fixture
def running(tmp_path: Path) -> Iterator[MakeRun]:
    """`make run` in a fresh copy; whatever happens, nothing of it outlives the test."""
    run = start(fresh_copy(tmp_path / "copy"), tmp_path / "make-run.log")
    try:
        yield run
    finally:
        kill(run)


@contextmanager
def with_log(run: MakeRun) -> Iterator[None]:
    """Any failure of the walk comes with the tail of `make run`'s log, where its cause usually is."""
    try:
        yield
    except MakeRunFailed:
        raise
    except Exception as error:
        raise run.failed(f"{type(error).__name__}: {error}") from error


def log_in(page: Any, url: str) -> None:
    page.goto(url + "/")
    page.wait_for_url(url + "/login/?next=/")
    page.fill("#id_username", OWNER)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click('form[action="/login/"] button[type=submit]')
    page.wait_for_url(url + "/")


def dashboard(page: Any) -> tuple[str, list[list[str]], int]:
    """The store's name, its outlets (code, name) and how many latest documents are listed."""
    store = page.inner_text("[data-testid=store-name]")
    rows = page.locator("[data-testid=outlets] tbody tr").all()
    outlets = [[row.locator("td").nth(i).inner_text() for i in (0, 1)] for row in rows]
    return store, outlets, page.locator("[data-testid=activities] tbody tr").count()


def connect(page: Any, url: str) -> str:
    """Apps → All apps → Activate; Connect → the sandbox's login and consent → the database."""
    page.click("summary:has-text('Apps')")
    page.click("text=All apps")
    page.click("button:has-text('Activate')")
    page.wait_for_url(url + "/apps/accurate/")
    page.click("button:has-text('Connect to Accurate')")
    page.fill("input[name=email]", SANDBOX_EMAIL)
    page.fill("input[name=password]", SANDBOX_PASSWORD)
    page.click("button:has-text('Login')")
    page.click("button:has-text('Give Access')")
    page.wait_for_url(url + "/apps/accurate/")
    picker = page.locator("[data-testid=database-picker]")
    picker.get_by_label(DATABASE, exact=True).check()
    picker.locator("button[type=submit]").click()
    return str(page.inner_text("[data-testid=connected-as]"))


def pos_ids(page: Any, group: str) -> list[str]:
    rows = page.locator(f"[data-testid=group-{group}] tbody tr")
    return list(rows.evaluate_all("rows => rows.map(row => row.dataset.posId)"))


def fix_skus_on_the_page(page: Any, url: str) -> list[str]:
    """On the details page, every product without a SKU gets one typed in its row, and the first
    of the two sharing a SKU keeps it (the other gets it with -2). Returns the products changed."""
    page.goto(url + "/apps/accurate/products/problems/")
    missing, shared = pos_ids(page, "no_sku"), pos_ids(page, "duplicate")
    for pos_id in missing:
        row = page.locator(f"[data-testid=group-no_sku] tr[data-pos-id='{pos_id}']")
        row.locator("input[name=sku]").fill(f"FIX-{pos_id}")
        with page.expect_navigation():
            row.locator("button:has-text('Save SKU')").click()
    with page.expect_navigation():
        page.locator(f"[data-testid=group-duplicate] tr[data-pos-id='{shared[0]}']").locator(
            "button:has-text('Keep this SKU')"
        ).click()
    page.locator("[data-testid=no-problems]").wait_for()
    return missing + shared[1:]


def push_products(page: Any, url: str) -> dict[str, str]:
    """Push products and wait until the page (polling, no reload) says done; the progress figures."""
    page.goto(url + "/apps/accurate/")
    page.click("[data-testid=push-products] a")
    page.click("[data-testid=push-start]")
    progress = page.locator("[data-testid=push-progress]")
    progress.locator("[data-field=status]", has_text="done").wait_for(timeout=PUSH_MS)
    fields = ("batches_done", "batches_total", "created", "existing", "failed")
    return {name: progress.locator(f"[data-field={name}]").inner_text() for name in fields}


def push_refused(page: Any, url: str) -> str:
    """While SKUs need fixing the push page's button is disabled, with the reason beside it."""
    page.goto(url + "/apps/accurate/products/push/")
    assert page.locator("[data-testid=push-start]").is_disabled()
    return str(page.inner_text("[data-testid=push-blocked]"))


@dataclass(frozen=True)
class Place:
    """Where an outlet's documents go in Accurate: existing ones, or new ones created from the page."""

    branch: str
    warehouse: str
    new: bool = False


def map_and_activate(page: Any, url: str, code: str, place: Place, *, fee: bool) -> bool:
    """Map `code` to `place`, the accounts as the page pre-fills them (iSellerPay into the sandbox's
    clearing account 1103, its MDR fee to the expense 6101), then Save and activate, confirming the
    extra fee when `fee`. True once the add-on page shows the outlet's green check."""
    page.goto(url + "/apps/accurate/")
    page.click(f"[data-outlet={code}] >> text=Map")
    if place.new:
        page.fill("#id_new_branch", place.branch)
        page.fill("#id_new_warehouse", place.warehouse)
    else:
        page.select_option("#id_branch_name", place.branch)
        page.select_option("#id_warehouse_name", place.warehouse)
    assert page.locator("[data-testid=fee]").count() == int(fee), f"the fee box of {code}"
    if fee:
        page.check("#id_confirm_fee")
    page.click("button:has-text('Save and activate')")
    page.wait_for_url(url + "/apps/accurate/")
    return bool(page.locator(f"[data-outlet={code}] [data-testid=active-check]").count() == 1)


def sync_sales_now(page: Any, url: str) -> str:
    page.goto(url + "/apps/accurate/sync-now/")
    page.click("[data-outlet=all] button:has-text('Sync sales now')")
    page.wait_for_url(url + "/apps/accurate/sync-now/")
    return str(page.inner_text(".messages"))


def outlet_ids(page: Any, url: str) -> dict[str, str]:
    """Outlet code → the value the activity page's outlet filter takes (its pk)."""
    page.goto(url + "/apps/accurate/activity/")
    options = page.locator("#id_outlet option").evaluate_all(
        "options => options.map(option => [option.textContent.split(' · ')[0].trim(), option.value])"
    )
    return {code: value for code, value in options if code}


def waiting_sales(page: Any, url: str, outlet: str) -> set[tuple[str, str, str]]:
    """(status, attempts, reason) of the sales on the first page of an outlet's activity list."""
    page.goto(f"{url}/apps/accurate/activity/?kind=order&outlet={outlet}")
    page.wait_for_selector("[data-testid=activities], [data-testid=no-activities]")
    return {
        (cell(row, "status"), cell(row, "attempts"), cell(row, "reason"))
        for row in page.locator("[data-testid=activities] tbody tr").all()
    }


def cell(row: Any, name: str) -> str:
    return str(row.locator(f"[data-field={name}]").inner_text()).strip()


def sales_listed(page: Any, url: str, outlet: str, status: str) -> list[tuple[str, str]]:
    """(POS number, reason) of each sale on the first page of the activity list with these filters."""
    page.goto(f"{url}/apps/accurate/activity/?kind=order&outlet={outlet}&status={status}")
    page.wait_for_selector("[data-testid=activities], [data-testid=no-activities]")
    rows = page.locator("[data-testid=activities] tbody tr").all()
    return [(row.get_attribute("data-pos"), row.locator("[data-field=reason]").inner_text()) for row in rows]


def described(failed: dict[str, list[tuple[str, str]]], shown: int = 5) -> str:
    """The first few failed sales of each outlet with the reason the activity page gives."""
    lines = []
    for code, rows in failed.items():
        lines += [f"  {code} {number}: {reason}" for number, reason in rows[:shown]]
        if len(rows) > shown:
            lines.append(f"  {code}: … and {len(rows) - shown} more on the first page")
    return "\n".join(lines)


def wait_until_sales_landed(page: Any, url: str) -> dict[str, int]:
    """Reload the filtered activity pages until no sale of the outlets is Pending; then none may be
    Failed (fail with the reasons the page gives). Returns the Success rows on each outlet's first
    page."""
    ids = outlet_ids(page, url)
    assert set(OUTLETS) <= set(ids), ids
    deadline = time.monotonic() + SALES_SECONDS
    while True:
        pending = {code: len(sales_listed(page, url, ids[code], "pending")) for code in OUTLETS}
        if not any(pending.values()):
            break
        if time.monotonic() > deadline:
            raise AssertionError(f"sales still Pending after {SALES_SECONDS:.0f} s: {pending}")
        time.sleep(POLL_SECONDS)
    failed = {code: sales_listed(page, url, ids[code], "failed") for code in OUTLETS}
    if any(failed.values()):
        raise AssertionError("sales failed:\n" + described(failed))
    return {code: len(sales_listed(page, url, ids[code], "success")) for code in OUTLETS}


def sandbox_documents(run: MakeRun) -> dict[str, int]:
    answer = requests.get(f"{run.sandbox_url}/_sandbox/inspect", timeout=HTTP_TIMEOUT)
    answer.raise_for_status()
    return dict(answer.json()["documents"].get(DATABASE_ID, {}))


@dataclass(frozen=True)
class Walked:
    """What the merchant saw on the way, asserted once the browser is closed."""

    store: str
    outlets: list[list[str]]
    latest: int
    connected_as: str
    sku_counts: list[str]
    refused: str
    fixed: list[str]
    clean: int
    pushed: dict[str, str]
    active: list[bool]
    places: list[list[str]]
    monthly_fee: str
    sent: str
    landed: dict[str, int]
    waiting: set[tuple[str, str, str]]


def walk(page: Any, url: str) -> Walked:
    """The merchant's way from the login to every sale of JKT01 and BDG01 in Accurate."""
    log_in(page, url)
    store, outlets, latest = dashboard(page)
    connected_as = connect(page, url)
    active = [
        map_and_activate(page, url, "JKT01", Place("Pusat", "Gudang Utama"), fee=False),
        map_and_activate(page, url, "BDG01", Place("Cabang Bandung", "Gudang Bandung", new=True), fee=True),
    ]
    places = [page.locator(f"[data-outlet={code}] td").all_inner_texts()[2:4] for code in OUTLETS]
    monthly_fee = page.inner_text("[data-testid=monthly-fee]")
    sku_counts = [page.inner_text(f"[data-testid=count-{name}]") for name in ("no-sku", "duplicate")]
    refused = push_refused(page, url)
    fixed = fix_skus_on_the_page(page, url)
    page.goto(url + "/apps/accurate/")
    clean = page.locator("[data-testid=sku-clean]").count()
    pushed = push_products(page, url)
    sent = sync_sales_now(page, url)
    landed = wait_until_sales_landed(page, url)
    waiting = waiting_sales(page, url, outlet_ids(page, url)["DPS01"])
    return Walked(
        store,
        outlets,
        latest,
        connected_as,
        sku_counts,
        refused,
        fixed,
        clean,
        pushed,
        active,
        places,
        monthly_fee,
        sent,
        landed,
        waiting,
    )


def test_a_new_user_runs_make_run_syncs_the_demo_sales_and_stops_it_with_ctrl_c(running):
    from playwright.sync_api import sync_playwright

    run = running
    seconds = wait_for_banner(run)
    print(f"\nmake run: banner after {seconds:.1f} s, its fresh .venv included")
    with with_log(run):
        venv = run.folder / ".venv"
        installed = [(venv / name).exists() for name in (".installed-requirements", "bin/pytest")]
        log = run.log()
        started = [line in log for line in (" ready.", "beat: Starting...", "Accurate sandbox listening on")]
        demo = demo_in(run.folder / "var" / "db.sqlite3")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                page.set_default_timeout(TIMEOUT_MS)
                seen = walk(page, run.url)
            finally:
                browser.close()
        documents = sandbox_documents(run)

        assert installed == [True, False], "make run's .venv has requirements.txt only"
        assert started == [True, True, True]
        assert f"the local sandbox at {run.sandbox_url}/" in log
        assert (seen.store, seen.outlets) == (demo.store, demo.outlets)
        # The demo week has far more than 20 documents: the dashboard shows the latest 20.
        assert seen.latest == 20
        assert seen.connected_as.startswith(f"Connected as {SANDBOX_EMAIL} to database “{DATABASE}” since ")
        # The demo's deliberate flaws: four products without SKU, one SKU on two products.
        assert seen.sku_counts == ["4", "2"]
        assert seen.refused.startswith("Fix the SKUs first: 4 products have no SKU, 2 products share a SKU")
        assert (len(seen.fixed), seen.clean) == (5, 1)
        batches = str(math.ceil(demo.products / 100))
        assert seen.pushed == {
            "batches_done": batches,
            "batches_total": batches,
            "created": str(demo.products),
            "existing": "0",
            "failed": "0",
        }
        assert seen.active == [True, True]
        assert seen.places == [["Pusat", "Gudang Utama"], ["Cabang Bandung", "Gudang Bandung"]]
        assert seen.monthly_fee == "Rp 99.000"
        # Released by the button, or by a beat just before it: either way "of all outlets".
        assert "of all outlets" in seen.sent, seen.sent
        assert all(seen.landed.values()), seen.landed
        assert demo.sales > 0
        assert documents.get("sales-invoice") == demo.sales, documents
        # DPS01 was never mapped: its sales wait for it, untried, and say so.
        assert seen.waiting == {
            (
                "Pending",
                "0",
                "Waiting for outlet DPS01 to be activated in Accurate (Apps → Accurate → Outlet mapping).",
            )
        }

        interrupted = time.monotonic()
        code = interrupt(run)
        print(f"make run: stopped {time.monotonic() - interrupted:.1f} s after Ctrl-C")
        # make waits for the devserver to stop its children, then dies of the SIGINT itself.
        assert code == -signal.SIGINT, code
        check_stopped(run)
