"""The help article, walked as the owner in headless Chromium, in English and in Bahasa Indonesia.

From the demo store (tests/e2e/article_support.py: seed_demo over three days, its SKU problems
kept) on the running stack: log in after picking the language in the top bar; Apps → activate the
add-on; 1 Connect through the sandbox's sign-in and consent, pick the database; 2 map JKT01 with its
pre-filled accounts, read the preview of its latest sales as Accurate invoices, activate it, then
BDG01, whose extra fee is asked for first without an error and then confirmed; 3 the SKU counts,
Export and Push disabled with the reason, every SKU fixed on the problems page (a SKU given, a
shared one kept), then the Excel export and Push products until done; 4 sales every day at an hour
still to come, saved; 5 a held sale's details with what it will be sent as, Sync now, the activity
page until the sales are Success, its filters, a sale's details with what was sent and the attempts,
and the sandbox holding exactly those invoices with the POS totals.

Each step asserts what the page says in its language (tests/e2e/article_words.py), saves a
screenshot into the folder printed at the start, and fails on any console error or failed request.

The beat starts once the schedule is saved: until then nothing releases the sales, so Sync now
releases exactly the sales the page counted as held (with the beat running from the start, the
default schedule would send them the moment their outlet is active, before the products are in
Accurate). The worker runs from the start: Push products needs it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.e2e.article_steps import (
    add_on,
    connect,
    map_bandung,
    map_jakarta,
    products_exported_and_pushed,
    sku_problems_fixed,
)
from tests.e2e.article_support import (
    ACTIVE,
    Browser,
    Demo,
    browsing,
    demo_of,
    demo_store_seed,
    log_in,
    running_stack,
    rupiah,
)
from tests.e2e.article_words import LANGUAGES, words
from tests.e2e.sync_support import Processes, assert_exactly

pytestmark = [pytest.mark.e2e, pytest.mark.embedded, pytest.mark.django_db(transaction=True)]

LANDED_MS = 90_000


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> Demo:
    return demo_of(demo_store_seed(monkeypatch))


@pytest.fixture
def stack(tmp_path: Path, settings: Any, demo: Demo) -> Iterator[Processes]:
    with running_stack(tmp_path, settings) as processes:
        processes.worker()
        yield processes


def schedule_saved(browser: Browser, w: dict[str, str], demo: Demo) -> int:
    """4 Synchronization schedule: sales every day at an hour still two hours ahead (so none is due
    before Sync now), the suggested walk-in customer and transit warehouse, saved. Returns the hour."""
    page = browser.page
    browser.press("main > p > a:has-text('Accurate Online')")
    assert browser.text("[data-testid=schedule-unsaved]") == w["schedule_unsaved"]
    suggested = [
        page.input_value(f"#id_{name}") for name in ("walk_in_customer_no", "transit_warehouse_name")
    ]
    assert suggested == ["C-WALKIN", "Transit"]
    hour = (timezone.localtime(timezone.now(), demo.zone).hour + 2) % 24
    page.uncheck("#id_sales_on_shift_close")
    page.fill("#id_sales_hour", str(hour))
    browser.press(f"[data-testid=schedule-form] button:has-text('{w['save_schedule']}')")
    assert page.url == browser.base + "/apps/accurate/#schedule"
    assert browser.text(".messages") == w["schedule_saved"]
    assert page.locator("[data-testid=schedule-unsaved]").count() == 0
    saved = (page.is_checked("#id_sales_on_shift_close"), page.input_value("#id_sales_hour"))
    assert saved == (False, str(hour))
    browser.step("schedule-saved")
    return hour


def invoice_total(scope: Any, number: str) -> str:
    """The total a preview shows for the invoice `number`: its totals table's last line."""
    invoice = scope.locator(f"[data-testid=preview-document][data-number='{number}']")
    return str(invoice.locator("[data-testid=preview-totals] tr").last.locator("td").inner_text())


def held_sale_previewed(browser: Browser, w: dict[str, str], demo: Demo, hour: int) -> None:
    """5, before Sync now: panel 5's Show Details; a held sale says why it waits, and its details
    page what it will be sent as."""
    page = browser.page
    number = max(demo.sales["JKT01"])
    browser.press(f"[data-testid=show-details]:has-text('{w['show_all']}')")
    assert browser.text("main h1") == w["activity_title"]
    reason = browser.text(f"[data-activity][data-pos='{number}'] [data-field=reason]")
    assert reason == w["held_reason"].format(hour=f"{hour:02d}")
    browser.press(f"[data-activity][data-pos='{number}'] [data-testid=details]")
    assert browser.text("[data-testid=preview] h2") == w["will_be_sent"]
    preview = page.locator("[data-testid=preview]")
    assert invoice_total(preview, f"JKT01-{number}") == rupiah(demo.sales["JKT01"][number])
    assert browser.text("[data-testid=attempts]") == f"{w['attempts']} {w['not_tried']}"
    browser.step("held-sale-details")


def sales_sent_now(browser: Browser, w: dict[str, str], demo: Demo, hour: int) -> None:
    """5 Sync now (panel 4's link): the held sales per outlet, then sent for all outlets at once."""
    browser.goto("/apps/accurate/")
    browser.press(f"[data-testid=sync-now-link] a:has-text('{w['sync_now']}')")
    assert browser.text("[data-testid=schedule-summary]") == w["sync_now_summary"].format(hour=f"{hour:02d}")
    held = {code: browser.text(f"[data-outlet={code}] [data-field=held_sales]") for code in (*ACTIVE, "all")}
    total = sum(demo.held_sales(code) for code in ACTIVE)
    assert held == {code: str(demo.held_sales(code)) for code in ACTIVE} | {"all": str(total)}
    assert browser.text("[data-outlet=DPS01] td.actions") == w["not_active"]
    browser.step("sync-now")
    browser.press(f"[data-outlet=all] button:has-text('{w['sync_sales_now']}')")
    assert browser.text(".messages") == w["sales_sent"].format(where=w["all_outlets"], count=total)
    browser.step("sync-now-pressed")


def sales_landed(browser: Browser, w: dict[str, str], demo: Demo) -> None:
    """5 The activity list of each outlet's sales, polling in place until none is Pending: every sale
    Success, the sale voided before it synced Cancelled."""
    from playwright.sync_api import expect

    page = browser.page
    for code in ACTIVE:
        browser.goto(f"/apps/accurate/activity/?kind=order&outlet={demo.outlets[code][0]}")
        expect(page.locator("[data-activity][data-status=pending]")).to_have_count(0, timeout=LANDED_MS)
        rows = page.locator("[data-activity]").evaluate_all(
            "rows => rows.map(r => [r.dataset.pos, r.querySelector('[data-field=status]').textContent])"
        )
        landed = {pos for pos, status in rows if status == w["success"]}
        assert landed == set(demo.sales[code]), code
        assert {status for pos, status in rows if pos not in landed} == {w["cancelled"]}, code
    browser.step("sales-landed")


def filtered(browser: Browser, w: dict[str, str], *, outlet: int, start: date, end: date) -> list[list[str]]:
    """The activity list filtered as a merchant does it (the funnel: Success, the outlet, sales, the
    days): [POS number, Accurate number] of each row shown."""
    page = browser.page
    page.click("[data-testid=filters] summary")
    page.select_option("#id_status", "success")
    page.select_option("#id_outlet", str(outlet))
    page.select_option("#id_kind", "order")
    page.fill("#id_start", start.isoformat())
    page.fill("#id_end", end.isoformat())
    browser.press(f"[data-testid=apply-filters]:has-text('{w['apply']}')")
    numbers = (
        "rows => rows.map(r => [r.dataset.pos, r.querySelector('[data-field=accurate_number]').innerText])"
    )
    return list(page.locator("[data-activity]").evaluate_all(numbers))


def sale_details(browser: Browser, w: dict[str, str], demo: Demo, number: str) -> None:
    """5 A landed sale's details: Success, its Accurate number, Accurate's total beside the POS's for the
    invoice, and its one attempt with what was sent and what Accurate answered."""
    page = browser.page
    invoice, total = f"JKT01-{number}", rupiah(demo.sales["JKT01"][number])
    browser.press(f"[data-activity][data-pos='{number}'] [data-testid=details]")
    landed = (browser.text("[data-testid=status]"), browser.text("[data-testid=accurate-number]"))
    assert landed == (w["success"], invoice)
    checked = page.locator(f"[data-testid=totals-table] tr[data-number='{invoice}']")
    assert [checked.locator(f"[data-field={f}]").inner_text() for f in ("accurate-total", "pos-total")] == [
        total
    ] * 2
    assert page.locator("[data-testid=preview]").count() == 0
    attempt = page.locator("[data-testid=attempt]")
    assert attempt.count() == 1 and browser.squash(attempt.locator(".badge").inner_text()) == w["success"]
    attempt.locator(f"summary:has-text('{w['sent']}')").click()
    attempt.locator(f"summary:has-text('{w['answered']}')").click()
    for shown in ("sent", "answered"):
        assert f'"number": "{invoice}"' in attempt.locator(f"[data-testid={shown}]").inner_text(), shown
    browser.step("sale-details")


def activity_filtered(browser: Browser, w: dict[str, str], demo: Demo) -> None:
    """5 JKT01's sales that landed today, one's details; no sale landed yesterday."""
    today = timezone.localdate(timezone=demo.zone)
    jakarta = demo.outlets["JKT01"][0]
    browser.goto("/apps/accurate/activity/")
    rows = filtered(browser, w, outlet=jakarta, start=today, end=today)
    assert sorted(rows) == sorted([number, f"JKT01-{number}"] for number in demo.sales["JKT01"])
    browser.step("activity-filtered")
    sale_details(browser, w, demo, max(demo.sales["JKT01"]))
    browser.goto("/apps/accurate/activity/")
    yesterday = today - timedelta(days=1)
    assert filtered(browser, w, outlet=jakarta, start=yesterday, end=yesterday) == []
    assert browser.text("[data-testid=no-activities]") == w["no_match"]
    browser.step("activity-nothing-yesterday")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_owner_follows_the_article_until_the_sales_are_in_accurate(
    language, demo, stack, live_server, tmp_path
):
    w = words(language)
    with browsing(live_server.url, tmp_path / f"article-{language}", stack.sandbox.url) as browser:
        log_in(browser, language, "owner", w["log_in"])
        assert (browser.text("main h1"), browser.text("[data-testid=store-name]")) == (
            w["dashboard"],
            demo.store,
        )
        codes = browser.page.locator("[data-testid=outlets] tbody td.code").all_inner_texts()
        assert codes == sorted(demo.outlets)
        browser.step("dashboard")
        add_on(browser, w, demo)
        connect(browser, w)
        map_jakarta(browser, w, demo)
        map_bandung(browser, w, demo)
        new_skus = sku_problems_fixed(browser, w)
        products_exported_and_pushed(browser, w, demo, new_skus)
        hour = schedule_saved(browser, w, demo)
        stack.beat()
        held_sale_previewed(browser, w, demo, hour)
        sales_sent_now(browser, w, demo, hour)
        sales_landed(browser, w, demo)
        activity_filtered(browser, w, demo)
        browser.goto("/apps/accurate/")
        assert browser.text("[data-testid=count-failed]") == "0"
        browser.step("status-panel")

    assert_exactly("sales-invoice", stack.sandbox.documents("sales-invoice"), demo.invoices())
