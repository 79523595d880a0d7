"""A merchant finds a failed sale on the activity page and syncs it again, in a real browser.

The product runs as a live server in this process; the Accurate sandbox, a Celery worker and beat
run as their own processes (tests/e2e/sync_support.py). A sale of JKT01 sells a product Accurate
does not know, so it fails; a Bali row failed too. In headless Chromium the staff member filters by
Failed and JKT01, opens the sale's details, the item is created in Accurate, Sync is pressed, and
the page (polling every 2 s, no reload) shows it turn Success with its Accurate number.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from outlets.models import Product
from sync.models import SyncActivity
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.sync_support import SyncStack, items_push, order_body, orders_post, sync_stack

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TIMEOUT_MS = 15_000
LANDED_MS = 60_000


@pytest.fixture
def stack(tmp_path: Path, tenant: Any, settings: Any) -> Iterator[SyncStack]:
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    with sync_stack(tmp_path, tenant, settings) as running:
        yield running


def bali_failed(tenant: Any) -> SyncActivity:
    """A Bali sale already Failed (the engine never takes a Failed row by itself)."""
    answer = tenant.api().post("/api/v1/outlets/BALI1/orders/", order_body(90), format="json")
    assert answer.status_code == 201, answer.content
    row = SyncActivity.objects.get(store=tenant.store, outlet=tenant.other_outlet)
    SyncActivity.objects.filter(pk=row.pk).update(status="failed", status_reason="Outlet not mapped.")
    return row


def test_a_failed_sale_is_found_opened_and_synced_again(stack, tenant, live_server):
    from playwright.sync_api import expect, sync_playwright

    ghost = Product.objects.create(
        store=tenant.store, pos_id="P-GHOST", sku="SKU-GHOST", name="Kue", price=15000
    )
    bali_failed(tenant)
    orders_post(tenant, [order_body(1, extra_product="P-GHOST"), order_body(2)])
    stack.worker()
    stack.beat()
    failing = SyncActivity.objects.get(store=tenant.store, pos_number="ORD-00001")
    stack.wait_until(
        "the sale with the unknown SKU failed and the other landed",
        lambda: (
            list(
                SyncActivity.objects.filter(outlet=tenant.outlet)
                .order_by("pos_number")
                .values_list("status", flat=True)
            )
            == ["failed", "success"]
        ),
    )

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(live_server.url + "/login/")
            page.fill("#id_username", "kopi-staff")
            page.fill("#id_password", "pw-staff-123")
            page.press("#id_password", "Enter")  # the top bar has a language form of its own
            page.wait_for_url(live_server.url + "/")

            page.goto(live_server.url + "/apps/accurate/activity/")
            everything = page.locator("[data-activity]").count()
            page.click("[data-testid=filters] summary")
            page.select_option("#id_status", "failed")
            page.select_option("#id_outlet", str(tenant.outlet.pk))
            page.click("[data-testid=apply-filters]")
            page.wait_for_url("**status=failed**")
            filtered_url = page.url
            shown = page.locator("[data-activity]").evaluate_all("rows => rows.map(r => r.dataset.pos)")
            reason_in_list = page.inner_text(f"[data-activity='{failing.pk}'] [data-field=reason]")

            page.click(f"[data-activity='{failing.pk}'] [data-testid=details]")
            page.wait_for_url(f"**/apps/accurate/activity/{failing.pk}/")
            before = page.inner_text("[data-testid=status]")
            reason = page.inner_text("[data-testid=reason]")

            # The merchant adds the item in Accurate, then presses Sync. (Playwright's event loop
            # runs in this thread, where Django refuses database calls: the push gets a thread.)
            with ThreadPoolExecutor(1) as pool:
                pool.submit(items_push, stack.connection, [ghost]).result()
            page.click(f"[data-testid=sync-{failing.pk}]")
            page.wait_for_url(f"**/apps/accurate/activity/{failing.pk}/")
            loads = page.evaluate("performance.getEntriesByType('navigation').length")
            expect(page.locator("[data-testid=status]")).to_have_text("Success", timeout=LANDED_MS)
            number = page.inner_text("[data-testid=accurate-number]")
            button_hidden = page.locator(f"[data-testid=sync-{failing.pk}]").is_hidden()
            still_one_load = page.evaluate("performance.getEntriesByType('navigation').length")
        finally:
            browser.close()

    assert everything == 3
    assert "status=failed" in filtered_url and f"outlet={tenant.outlet.pk}" in filtered_url
    assert shown == ["ORD-00001"]
    assert reason_in_list.startswith("Item SKU-GHOST is not in Accurate.")
    assert (before, reason.startswith("Item SKU-GHOST is not in Accurate.")) == ("Failed", True)
    assert (number, button_hidden, loads, still_one_load) == ("JKT01-ORD-00001", True, 1, 1)
    failing.refresh_from_db()
    assert (failing.status, failing.accurate_number, failing.attempts) == ("success", "JKT01-ORD-00001", 2)
    assert [invoice["number"] for invoice in stack.sandbox.documents("sales-invoice")].count(
        "JKT01-ORD-00001"
    ) == 1
