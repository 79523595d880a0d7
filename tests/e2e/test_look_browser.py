"""The shared look, as Debian's Chromium draws it: the favicon loads (no 404 on any page), the Apps tab
is marked on the add-on's pages, number inputs look like the selects beside them, the funnel is drawn,
dates and row buttons stay on one line, and the Push button keeps its distance from the card below."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from sync.models import ProductPush
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS
from tests.mapping.test_pages import addon_for, connection_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BRAND = "rgb(11, 107, 203)"
TIMEOUT_MS = 15_000


@dataclass
class Browsing:
    page: Any
    base: str  # the live server's address
    problems: list[str] = field(default_factory=list)  # failed requests and console errors


@pytest.fixture
def browsing(live_server: Any, tenant: Any, settings: Any, order_body: Any) -> Iterator[Browsing]:
    """The owner logged in, the add-on connected, one sale posted and one push done."""
    from playwright.sync_api import sync_playwright

    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    addon_for(tenant)
    connection = connection_for(tenant)
    ProductPush.objects.create(store=tenant.store, connection=connection, status="done")
    answer = tenant.api().post("/api/v1/outlets/JKT01/orders/", order_body("ORD-1"), format="json")
    assert answer.status_code == 201, answer.content
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        seen = Browsing(page, live_server.url)
        page.on(
            "response", lambda r: seen.problems.append(f"{r.status} {r.url}") if r.status >= 400 else None
        )
        page.on(
            "console", lambda m: seen.problems.append(f"console: {m.text}") if m.type == "error" else None
        )
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", tenant.owner.username)
        page.fill("#id_password", "pw-owner-123")
        page.click("button.primary")
        page.wait_for_url(f"{live_server.url}/")
        yield seen
        browser.close()


def style(page: Any, selector: str, *names: str) -> list[str]:
    return [
        page.eval_on_selector(selector, f"e => getComputedStyle(e).getPropertyValue('{name}')")
        for name in names
    ]


def test_the_pages_look_as_one(browsing):
    page, base = browsing.page, browsing.base
    favicon = page.request.get(f"{base}/favicon.ico")
    assert (favicon.status, favicon.headers["content-type"]) == (200, "image/svg+xml")
    assert style(page, "td.date", "white-space") == ["nowrap"]  # the dashboard's date
    assert style(page, ".mainnav summary", "color") != [BRAND]

    page.goto(f"{base}/apps/accurate/")
    assert style(page, ".mainnav summary", "color", "border-bottom-color") == [BRAND, BRAND]
    looks = ("border-top-color", "border-top-left-radius", "padding-left", "font-size", "background-color")
    hour = style(page, "input[name=transfers_hour]", *looks)
    assert hour == style(page, "select[name=transit_warehouse_name]", *looks)
    assert hour[:3] == ["rgb(225, 229, 235)", "6px", "7.5px"]

    page.goto(f"{base}/apps/accurate/activity/")
    funnel = page.locator(".filters summary svg.icon").bounding_box()
    assert funnel is not None and funnel["width"] == funnel["height"] == 15
    assert style(page, "td[data-field=started]", "white-space") == ["nowrap"]
    assert style(page, "td.actions", "white-space") == ["nowrap"]

    page.goto(f"{base}/apps/accurate/products/push/")
    button = page.locator("[data-testid=push-start]").bounding_box()
    card = page.locator("[data-testid=push-progress]").bounding_box()
    assert button is not None and card is not None
    assert card["y"] - (button["y"] + button["height"]) >= 18

    assert browsing.problems == []
