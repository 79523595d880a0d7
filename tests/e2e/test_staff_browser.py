"""What a staff member can and cannot do, in headless Chromium, on the demo store as the owner left
it: connected to the sandbox, JKT01 active, two of its sales failed, the SKU problems not fixed yet.

Staff see the add-on page, every outlet's mapping with its preview, the SKU problems, the push page,
the API keys, the activity list and a row's details; they export the activity CSV and press Sync,
Sync all failed and Sync now (these send what the POS recorded and change no setting). Connecting,
mapping, fixing SKUs, exporting and pushing products, the schedule and the API keys are the owner's:
their controls are absent or disabled on the pages, and a POST straight to each of those addresses
from the staff member's own session, with a valid CSRF token, answers 403 and changes nothing
(tests/test_staff_rights.py checks the same rights with Django's test client).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore

from mapping.models import AddOn, Connection, OutletMapping, ProductExport, SyncSettings
from mapping.products.checks import sku_problem_counts
from mapping.services.connection import database_choose
from outlets.models import ApiKey, Membership, Product
from outlets.services.stores import api_key_create
from sync.models import ProductPush, SyncActivity
from tests.e2e.article_support import Browser, Demo, browsing, demo_of, demo_store_seed, log_in, running_stack
from tests.e2e.article_words import LANGUAGES, words
from tests.e2e.sync_support import Processes
from tests.mapping.conftest import DB_ID, authorize, callback
from tests.sync.engine_helpers import map_outlet

pytestmark = [pytest.mark.e2e, pytest.mark.embedded, pytest.mark.django_db(transaction=True)]


@dataclass(frozen=True)
class OwnerLeft:
    """The demo store as the owner left it, and the ids the addresses below take."""

    demo: Demo
    failed: tuple[int, int]  # two JKT01 sales' rows, Failed
    rows: int  # every activity row of the store: the CSV's lines
    jakarta: int  # JKT01's pk
    product: int  # a product without a SKU
    key: int  # the store's API key


@pytest.fixture
def stack(tmp_path: Path, settings: Any) -> Iterator[Processes]:
    # No worker: the presses only have to be accepted; tasks they enqueue stay on the test's queue.
    with running_stack(tmp_path, settings) as processes:
        yield processes


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch, stack: Processes) -> OwnerLeft:
    demo = demo_of(demo_store_seed(monkeypatch))
    owner = Membership.objects.get(user__username="owner")
    session = SessionStore()
    connection = callback(
        SimpleNamespace(store=owner.store, owner=owner.user),
        session,
        authorize(stack.sandbox, session, owner.store),
    )
    database_choose(connection=connection, database_id=DB_ID)
    jakarta = demo.outlets["JKT01"][0]
    map_outlet(owner.store.outlets.get(pk=jakarta))
    failed = list(
        SyncActivity.objects.filter(outlet_id=jakarta, kind="order")
        .order_by("-pos_number")[:2]
        .values_list("pk", flat=True)
    )
    SyncActivity.objects.filter(pk__in=failed).update(
        status="failed", status_reason="Item KOP-0001 is not in Accurate."
    )
    key, _ = api_key_create(store=owner.store, name="POS")
    product = Product.objects.filter(store=owner.store, sku="").order_by("pk")[0]
    return OwnerLeft(
        demo,
        (failed[0], failed[1]),
        SyncActivity.objects.filter(store=owner.store).count(),
        jakarta,
        product.pk,
        key.pk,
    )


def owner_only(store: OwnerLeft) -> list[tuple[str, str]]:
    """Every address that changes a setting: the owner's (tests/test_staff_rights.py's list, and the
    SKU fixes of the problems page)."""
    outlet, product, key = store.jakarta, store.product, store.key
    return [
        ("POST", "/apps/accurate/activate/"),
        ("POST", "/apps/accurate/connect/"),
        ("GET", "/apps/accurate/callback/"),
        ("POST", "/apps/accurate/database/"),
        ("POST", "/apps/accurate/disconnect/"),
        ("POST", "/apps/accurate/refresh/"),
        ("POST", f"/apps/accurate/outlets/{outlet}/"),
        ("POST", f"/apps/accurate/outlets/{outlet}/deactivate/"),
        ("POST", "/apps/accurate/schedule/"),
        ("POST", f"/apps/accurate/products/{product}/sku/"),
        ("POST", f"/apps/accurate/products/{product}/sku/keep/"),
        ("POST", "/apps/accurate/products/export/"),
        ("POST", "/apps/accurate/products/push/start/"),
        ("POST", "/api-keys/create/"),
        ("POST", f"/api-keys/{key}/revoke/"),
    ]


def settings_seen_not_changed(browser: Browser, w: dict[str, str], store: OwnerLeft) -> None:
    """The add-on page, an outlet's mapping, the SKU problems, the push page and the API keys: all
    shown, no control that changes anything."""
    page = browser.page
    page.click(f".mainnav summary:has-text('{w['apps']}')")
    browser.press("[data-testid=apps-accurate]")
    assert browser.text("[data-testid=connected-as]").startswith(w["connected_as"])
    forms = ("disconnect", "refresh", "connect", "schedule")
    assert [page.locator(f"form[action*='/{name}/']").count() for name in forms] == [0, 0, 0, 1]
    assert page.locator("form[action*='/deactivate/'], [data-testid=export-form]").count() == 0
    assert browser.text("[data-outlet=JKT01] td.actions") == w["view"]
    assert browser.text("[data-testid=panel-products] p.muted:not([data-testid])") == w["owner_exports"]
    assert page.locator("[data-testid=push-products-blocked]").is_disabled()
    schedule = page.locator("[data-testid=schedule-form]")
    assert schedule.locator("fieldset").evaluate_all("sets => sets.map(s => s.disabled)") == [True] * 3
    assert schedule.locator("button").count() == 0
    assert browser.text("[data-testid=schedule-form] p.muted") == w["owner_schedules"]
    assert browser.text("[data-testid=banner-failed]") == w["failed_banner"]
    browser.step("addon")
    browser.press(f"[data-outlet=JKT01] a:has-text('{w['view']}')")
    mapping = page.locator("[data-testid=mapping-form]")
    assert set(mapping.locator("fieldset").evaluate_all("sets => sets.map(s => s.disabled)")) == {True}
    assert (
        mapping.locator("button").count() == 0 and page.locator("form[action*='/deactivate/']").count() == 0
    )
    assert browser.text("[data-testid=preview] h2") == w["preview"]
    browser.step("outlet-mapping")
    browser.goto("/apps/accurate/products/problems/")
    assert browser.text("[data-testid=owner-fixes]") == w["owner_fixes"]
    assert page.locator("main form").count() == 0
    browser.step("sku-problems")
    browser.goto("/apps/accurate/products/push/")
    assert page.locator("[data-testid=push-start]").count() == 0
    said = page.locator("main p.muted", has_text=w["owner_pushes"]).all_inner_texts()
    assert [browser.squash(text) for text in said] == [w["owner_pushes"]]
    browser.step("push")
    browser.press(f".mainnav a:has-text('{w['api_keys']}')")
    assert page.locator("main form").count() == 0
    assert page.locator("[data-testid=api-keys] tbody tr").count() == 1
    browser.step("api-keys")


def documents_sent_again(browser: Browser, w: dict[str, str], store: OwnerLeft) -> None:
    """The activity list: the CSV, Sync on a failed row, Sync all failed, a row's details, Sync now."""
    page = browser.page
    first, second = store.failed
    browser.goto("/apps/accurate/")
    browser.press(f"[data-testid=show-details]:has-text('{w['show_all']}')")
    csv_file = browser.download(f"[data-testid=export]:has-text('{w['export_csv']}')")
    exported = list(csv.reader(csv_file.read_text(encoding="utf-8-sig").splitlines()))
    assert (exported[0][1], len(exported) - 1) == (w["pos_reference"], store.rows)
    assert page.locator("[data-testid=sync-all-failed]").is_enabled()
    browser.press(f"[data-testid=sync-{first}]:has-text('{w['sync']}')")
    assert browser.text(".messages") == w["sending_again"]
    browser.step("activity-sync-one")
    browser.press(f"[data-testid=sync-all-failed]:has-text('{w['sync_all_failed']}')")
    assert browser.text(".messages") == w["sent_failed_again"]
    assert page.locator("[data-testid=sync-all-failed]").is_disabled()
    browser.step("activity-sync-all-failed")
    browser.press(f"[data-activity='{second}'] [data-testid=details]")
    assert browser.text("[data-testid=status]") == w["pending"]
    assert browser.text("[data-testid=preview] h2") == w["will_be_sent"]
    browser.step("activity-details")
    browser.goto("/apps/accurate/")
    browser.press(f"[data-testid=sync-now-link] a:has-text('{w['sync_now']}')")
    browser.press(f"[data-outlet=JKT01] button:has-text('{w['sync_sales_now']}')")
    name = store.demo.outlets["JKT01"][1]
    held = store.demo.held_sales("JKT01") - len(store.failed)
    assert browser.text(".messages") == w["sales_sent"].format(where=name, count=held)
    browser.step("sync-now")


def owner_only_refused(browser: Browser, store: OwnerLeft) -> dict[tuple[str, str], int]:
    """Each owner-only address, straight from the staff member's session with its CSRF token; and,
    to show the token is good, an address staff may post to."""
    request = browser.page.request
    token = next(c["value"] for c in browser.page.context.cookies() if c["name"] == "csrftoken")
    headers = {"X-CSRFToken": token, "Referer": browser.base + "/"}
    allowed = request.post(
        f"{browser.base}/apps/accurate/sync-now/transfers/", headers=headers, max_redirects=0
    )
    assert allowed.status == 302, allowed.status
    answers = {}
    for method, path in owner_only(store):
        if method == "GET":
            answer = request.get(browser.base + path, max_redirects=0)
        else:
            answer = request.post(
                browser.base + path, headers=headers, form={"sku": "STAFF-1"}, max_redirects=0
            )
        assert "CSRF" not in answer.text(), path
        answers[(method, path)] = answer.status
    return answers


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_see_everything_send_documents_again_and_change_no_setting(
    language, store, stack, live_server, tmp_path
):
    w = words(language)
    with browsing(live_server.url, tmp_path / f"staff-{language}", stack.sandbox.url) as browser:
        log_in(browser, language, "staff", w["log_in"])
        assert browser.text(".topbar .role") == w["staff"]
        browser.step("dashboard")
        settings_seen_not_changed(browser, w, store)
        documents_sent_again(browser, w, store)
        refused = owner_only_refused(browser, store)

    assert refused == dict.fromkeys(owner_only(store), 403)
    connection = Connection.objects.get()
    assert (connection.status, connection.database_id) == (Connection.Status.CONNECTED, DB_ID)
    assert list(OutletMapping.objects.values_list("outlet_id", "active")) == [(store.jakarta, True)]
    assert not (
        SyncSettings.objects.exists() or ProductPush.objects.exists() or ProductExport.objects.exists()
    )
    counts = sku_problem_counts(connection.store)
    assert (counts.no_sku, counts.duplicate, counts.too_long) == (4, 2, 0)
    assert list(ApiKey.objects.values_list("pk", "revoked_at")) == [(store.key, None)]
    assert AddOn.objects.count() == 1
    assert set(SyncActivity.objects.filter(pk__in=store.failed).values_list("status", flat=True)) == {
        "pending"
    }
