"""A merchant connects a store to Accurate in a real browser and maps an outlet until its green check.

The product runs as a live server in this process, the Accurate sandbox as its own process, and
Debian's Chromium drives both: Connect, the sandbox's login and consent, the database, the mapping.
"""

from __future__ import annotations

from typing import Any

import pytest

from mapping.models import Connection, OutletMapping
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS
from tests.mapping.conftest import TEST_KEY
from tests.sandbox_fixture import EMAIL, PASSWORD

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 15_000


@pytest.fixture
def product(settings: Any, sandbox: Any, live_server: Any) -> Any:
    """The live product pointed at the sandbox, over plain HTTP on the loopback."""
    settings.ACCURATE_ACCOUNT_URL = sandbox.url
    settings.ACCURATE_CLIENT_ID = sandbox.client_id
    settings.ACCURATE_CLIENT_SECRET = sandbox.client_secret
    settings.ACCURATE_TOKEN_KEYS = [TEST_KEY]
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    return live_server


def test_the_owner_connects_picks_a_database_and_activates_an_outlet(transactional_db, tenant, product):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(product.url + "/login/")
            page.fill("#id_username", "kopi-owner")
            page.fill("#id_password", "pw-owner-123")
            page.click('form[action="/login/"] button[type=submit]')
            page.wait_for_url(product.url + "/")

            # Apps → activate the add-on; it now has its own entry in the Apps menu.
            page.click("summary:has-text('Apps')")
            page.click("text=All apps")
            page.click("button:has-text('Activate')")
            page.wait_for_url(product.url + "/apps/accurate/")
            assert page.locator("[data-testid=apps-accurate]").count() == 1

            # Connect → the sandbox's sign-in and consent → back on the add-on page.
            page.click("button:has-text('Connect to Accurate')")
            page.fill("input[name=email]", EMAIL)
            page.fill("input[name=password]", PASSWORD)
            page.click("button:has-text('Login')")
            page.click("button:has-text('Give Access')")
            page.wait_for_url(product.url + "/apps/accurate/")

            picker = page.locator("[data-testid=database-picker]")
            databases = picker.locator("label.choice").all_inner_texts()
            picker.locator("input[name=database_id]").first.check()
            picker.locator("button[type=submit]").click()
            connected_as = page.inner_text("[data-testid=connected-as]")

            # Map the first outlet: the accounts come pre-filled, branch and warehouse are chosen.
            page.click("[data-outlet=BALI1] >> text=Map")
            page.select_option("#id_branch_name", "Cabang Bali")
            page.select_option("#id_warehouse_name", "Gudang Bali")
            cash = page.input_value("#id_payment_cash")
            page.click("button:has-text('Save and activate')")
            page.wait_for_url(product.url + "/apps/accurate/")
            checks = page.locator("[data-outlet=BALI1] [data-testid=active-check]").count()
            other_checks = page.locator("[data-outlet=JKT01] [data-testid=active-check]").count()
        finally:
            browser.close()

    assert [" ".join(text.split()) for text in databases] == [
        "Kopi Nusantara",
        "Kopi Nusantara (Trial) trial",
    ]
    assert connected_as.startswith(f"Connected as {EMAIL} to database “Kopi Nusantara” since ")
    assert cash == "1101"
    assert (checks, other_checks) == (1, 0)
    connection = Connection.objects.get(store=tenant.store)
    assert (connection.status, connection.database_id) == (Connection.Status.CONNECTED, 101)
    mapping = OutletMapping.objects.get(outlet=tenant.other_outlet)
    assert (mapping.active, mapping.branch_name, mapping.warehouse_name) == (
        True,
        "Cabang Bali",
        "Gudang Bali",
    )
    assert mapping.payment_accounts.get(method="cash").account_no == "1101"
