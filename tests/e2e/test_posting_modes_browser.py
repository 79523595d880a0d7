"""A newcomer's walk of the posting modes, as the owner in headless Chromium, in English and in
Bahasa Indonesia (issue 16).

The store is connected to the sandbox, JKT01 mapped and active and its products in Accurate
(tests/e2e/sync_support.py); the POS sent three sales the day before and six on the outlet's last day,
one of them voided (tests/e2e/posting_support.py), all held by the schedule. A worker runs from the
start, on the queue the pages enqueue to; no beat, so nothing leaves before the owner says so.

1. JKT01's mapping page: the posting mode switched to one summary per day, the page saying that
   switching applies only to sales not yet sent; saved, its preview shows the last day as one
   summary invoice and a receipt per payment method, with the figures summed here from the bodies.
2. Sync now for JKT01; the activity page until nothing is Pending: one row per day's summary, its
   sales listed on its details page with Accurate's total = the sum of their POS totals, to the
   rupiah; a sale's details link to its summary.
3. The sandbox holds exactly one summary invoice per outlet-day and a receipt per day and method.
4. Undo of the last day through the range pages (form, counts, confirm): its summary and receipts
   leave the sandbox, the day before's stay, the rows are Pending again; Sync this range again
   (count, confirm) brings the summary back exactly once.

Each step asserts what the page says in its language, saves a screenshot into the folder printed at
the start, and fails on any console error, failed request or answer of 400 or more.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from outlets.models import Outlet
from sync.models import SyncActivity
from tests.e2e.article_support import Browser, browsing, log_in, rupiah
from tests.e2e.article_words import LANGUAGES
from tests.e2e.posting_support import (
    DAY_BEFORE,
    LAST_DAY,
    OUTLET,
    OWNER_PASSWORD,
    VOIDED,
    Seeded,
    invoice_number,
    kicks_settled,
    sales_seed,
    summary_number,
    untranslated,
    words,
)
from tests.e2e.range_support import processes_sharing_broker, tasks_to
from tests.e2e.sync_support import SyncStack, assert_exactly, assert_landed_once

pytestmark = [pytest.mark.e2e, pytest.mark.embedded, pytest.mark.django_db(transaction=True)]

LANDED_MS = 60_000


@pytest.fixture
def working(stack: SyncStack, settings: Any) -> Iterator[SyncStack]:
    """The stack with its worker, reading what this process enqueues (the live pages, the POS API);
    the live server speaks plain HTTP (the main pass runs with DEBUG off)."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    with tasks_to(stack):
        processes_sharing_broker(stack, settings, beat=False)
        yield stack


@pytest.fixture
def seeded(working: SyncStack, tenant: Any) -> Seeded:
    """The sales, posted once the worker reads the test's queue: what the POS API enqueues goes
    there, and runs before the walk starts (the rows are held: it releases nothing)."""
    seeded = sales_seed(tenant)
    kicks_settled(working)
    return seeded


# --- 1. the mapping page ---


def docs_shown(scope: Any) -> dict[str, tuple[str, str]]:
    """The preview's documents in `scope`: Accurate number → (its kind as shown, its total)."""
    found = scope.locator("[data-testid=preview-document]").evaluate_all(
        """docs => docs.map(d => [
            d.dataset.number,
            d.querySelector('h4').firstChild.textContent.trim(),
            [...d.querySelectorAll('[data-testid=preview-totals] tr')].pop()?.querySelector('td').innerText,
        ])"""
    )
    return {number: (kind, total) for number, kind, total in found}


def per_day_chosen(browser: Browser, language: str, w: dict[str, str], seeded: Seeded) -> None:
    """1 JKT01's mapping page: one summary per day, what switching changes, saved; the preview shows
    the last day as one summary invoice and a receipt per payment method, with the sums."""
    page = browser.page
    browser.goto("/apps/accurate/")
    browser.press(f"[data-outlet={OUTLET}] a:has-text('{w['map']}')")
    name = browser.text("main h1").removesuffix(f" {OUTLET} ✓")
    posting = page.locator("fieldset", has=page.locator("legend", has_text=w["posting_mode"]))
    assert browser.squash(posting.locator("label").first.inner_text()) == w["sales_go_as"]
    assert browser.squash(posting.locator(".help").inner_text()) == w["posting_help"]
    assert page.locator("[data-testid=preview-summaries]").count() == 0
    posting.get_by_label(w["per_day"], exact=True).check()
    browser.step("posting-mode-per-day")
    browser.press(f"button[value=save]:has-text('{w['save']}')")
    assert browser.text(".messages") == w["mapping_saved"].format(outlet=name)
    assert posting.get_by_label(w["per_day"], exact=True).is_checked()
    assert browser.text("[data-testid=preview] h2") == w["preview"]
    assert not untranslated(language, "preview_summaries"), f"not in the {language} catalogue yet"
    assert browser.text("[data-testid=preview-summaries]") == w["preview_summaries"]
    summaries = page.locator("[data-testid=preview-summary]")
    shown = summaries.evaluate_all("rows => rows.map(r => [r.dataset.kind, r.dataset.pos])")
    assert shown == [["order_summary", summary_number(LAST_DAY)]]
    heading = browser.squash(summaries.locator("summary").inner_text())
    assert heading == f"{w['sales_summary']} {summary_number(LAST_DAY)}"
    invoice = invoice_number(LAST_DAY)
    expected = {invoice: (w["sales_invoice"], rupiah(seeded.day_total(LAST_DAY)))} | {
        number: (w["sales_receipt"], rupiah(amount)) for number, amount in seeded.receipts(LAST_DAY).items()
    }
    assert docs_shown(summaries) == expected
    assert len(expected) == 1 + 3, "one invoice, a receipt for cash, debit card and QRIS"
    browser.step("preview-per-day")


# --- 2. Sync now and the activity pages ---


def sales_synced_now(browser: Browser, w: dict[str, str], seeded: Seeded) -> str:
    """2 Sync now for JKT01: its held sales (the voided one is not), sent. Returns what the page
    said it released."""
    browser.press("main > p > a:has-text('Accurate Online')")
    browser.press(f"[data-testid=sync-now-link] a:has-text('{w['sync_now']}')")
    assert browser.text(f"[data-outlet={OUTLET}] [data-field=held_sales]") == str(len(seeded.kept))
    browser.step("sync-now")
    browser.press(f"[data-outlet={OUTLET}] button:has-text('{w['sync_sales_now']}')")
    browser.step("sync-now-pressed")
    return browser.text(".messages")


def activity_rows(browser: Browser) -> dict[str, tuple[str, str, str]]:
    """The activity list: POS number → (type, status, Accurate number) as shown."""
    rows = browser.page.locator("[data-activity]").evaluate_all(
        """rows => rows.map(r => [
            r.dataset.pos, r.cells[0].innerText.trim(),
            r.querySelector('[data-field=status]').innerText.trim(),
            r.querySelector('[data-field=accurate_number]').innerText.trim(),
        ])"""
    )
    return {pos: (kind, status, number) for pos, kind, status, number in rows}


def activity_settled(browser: Browser, outlet_id: int) -> dict[str, tuple[str, str, str]]:
    """JKT01's activity list, polling in place until nothing is Pending."""
    from playwright.sync_api import expect

    browser.goto(f"/apps/accurate/activity/?outlet={outlet_id}")
    pending = browser.page.locator("[data-activity][data-status=pending]")
    expect(pending).to_have_count(0, timeout=LANDED_MS)
    return activity_rows(browser)


def summaries_listed(browser: Browser, w: dict[str, str], outlet_id: int) -> None:
    """2 The activity list: one row per day's summary, Success with its invoice number; the sales
    they cover are not rows of their own, the one voided before it was sent is Cancelled."""
    rows = activity_settled(browser, outlet_id)
    assert rows == {
        summary_number(day): (w["sales_summary"], w["success"], invoice_number(day))
        for day in (DAY_BEFORE, LAST_DAY)
    } | {VOIDED: (w["sale"], w["cancelled"], "—")}
    browser.step("activity-summaries")


def summary_details(browser: Browser, w: dict[str, str], seeded: Seeded) -> None:
    """2 The last day's summary: the sales it covers with their POS totals, and Accurate's total of
    its invoice and receipts beside the POS's: the sums, to the rupiah."""
    page = browser.page
    number, invoice = summary_number(LAST_DAY), invoice_number(LAST_DAY)
    browser.press(f"[data-activity][data-pos='{number}'] [data-testid=details]")
    assert browser.text("main h1") == f"{w['sales_summary']} {number}"
    assert (browser.text("[data-testid=status]"), browser.text("[data-testid=accurate-number]")) == (
        w["success"],
        invoice,
    )
    sales = seeded.of_day(LAST_DAY)
    assert browser.text("[data-testid=covered] h2") == w["covered"].format(count=len(sales))
    covered = page.locator("[data-testid=covered-sale]").evaluate_all(
        "rows => rows.map(r => [r.cells[0].innerText.trim(), r.cells[2].innerText.trim()])"
    )
    assert sorted(covered) == sorted([body["number"], rupiah(Decimal(body["total"]))] for body in sales)
    checked = page.locator("[data-testid=totals-table] tbody tr").evaluate_all(
        """rows => rows.map(r => [r.dataset.number,
            r.querySelector('[data-field=accurate-total]').innerText.trim(),
            r.querySelector('[data-field=pos-total]').innerText.trim()])"""
    )
    sums = {invoice: seeded.day_total(LAST_DAY)} | seeded.receipts(LAST_DAY)
    assert {n: (accurate, pos) for n, accurate, pos in checked} == {
        n: (rupiah(amount), rupiah(amount)) for n, amount in sums.items()
    }
    browser.step("summary-details")


def sale_in_summary(browser: Browser, w: dict[str, str], seeded: Seeded) -> None:
    """2 A covered sale's details: the summary's status and number, and a link to the summary."""
    page = browser.page
    number = seeded.of_day(LAST_DAY)[0]["number"]
    browser.press(f"[data-testid=covered-sale] a:text-is('{number}')")
    assert browser.text("main h1") == f"{w['sale']} {number}"
    assert (browser.text("[data-testid=status]"), browser.text("[data-testid=accurate-number]")) == (
        w["success"],
        invoice_number(LAST_DAY),
    )
    assert browser.text("[data-testid=in-summary]") == w["in_summary"].format(number=summary_number(LAST_DAY))
    assert page.locator("[data-testid=preview]").count() == 0
    browser.step("sale-in-summary")
    browser.press(f"[data-testid=in-summary] a:text-is('{summary_number(LAST_DAY)}')")
    assert browser.text("main h1") == f"{w['sales_summary']} {summary_number(LAST_DAY)}"


# --- 3. what Accurate holds ---


def in_accurate(stack: SyncStack, seeded: Seeded, *, days: tuple[str, ...] = (DAY_BEFORE, LAST_DAY)) -> None:
    """Exactly the days' summary invoices with the sums of their POS totals and a receipt per day and
    payment method with the amounts paid by it, each once; nothing else."""
    expected = seeded.expected()
    keep = tuple(invoice_number(day) for day in days)
    invoices = {n: total for n, total in expected.invoices.items() if n.startswith(keep)}
    receipts = {n: amount for n, amount in expected.receipts.items() if n.startswith(keep)}
    assert_exactly("sales-invoice", stack.sandbox.documents("sales-invoice"), invoices)
    assert_exactly("sales-receipt", stack.sandbox.documents("sales-receipt"), receipts)


# --- 4. undo, then backfill, the last day ---


def range_chosen(browser: Browser, w: dict[str, str], outlet_id: int) -> None:
    """Activity → Backfill or undo a date range: JKT01, the last day, sales."""
    page = browser.page
    browser.goto("/apps/accurate/activity/")
    browser.press(f"[data-testid=ranges-link]:has-text('{w['ranges']}')")
    assert browser.text("main h1") == w["ranges"]
    page.select_option("#id_outlet", str(outlet_id))
    page.fill("#id_start", LAST_DAY)
    page.fill("#id_end", LAST_DAY)
    page.check("input[name=kinds][value=sales]")
    browser.step("range-form")


def group_counts(browser: Browser, section: str, fields: tuple[str, ...]) -> list[str]:
    row = browser.page.locator(f"[data-testid={section}] tr[data-group=sales]")
    return [row.locator(f"[data-field={name}]").inner_text() for name in fields]


def last_day_undone(browser: Browser, w: dict[str, str], stack: SyncStack, seeded: Seeded) -> str:
    """4 Undo…: the counts (one POS document, its invoice and receipts), confirmed; the progress
    page until done. Returns the progress page's address."""
    from playwright.sync_api import expect

    page = browser.page
    browser.press(f"[data-testid=preview-undo]:has-text('{w['undo_button']}')")
    documents = 1 + len(seeded.receipts(LAST_DAY))
    said = w["undo_summary"].format(rows=1, start=LAST_DAY, end=LAST_DAY, documents=documents)
    assert browser.text("[data-testid=undo-summary]") == said
    assert group_counts(browser, "undo-preview", ("rows", "documents", "kept")) == ["1", str(documents), "0"]
    browser.step("undo-counts")
    browser.press(f"[data-testid=undo-preview] [data-testid=confirm]:has-text('{w['confirm_undo']}')")
    assert browser.text("main h1") == w["undo_title"]
    expect(page.locator("[data-testid=undo-state]")).to_have_text(w["undo_done"], timeout=LANDED_MS)
    counts = [browser.text(f"[data-testid={name}]") for name in ("undone", "kept", "left")]
    assert counts == ["1", "0", "0"]
    browser.step("undo-done")
    in_accurate(stack, seeded, days=(DAY_BEFORE,))
    return str(page.url)


def undone_listed(browser: Browser, w: dict[str, str], seeded: Seeded, outlet_id: int) -> None:
    """4 After the undo: the last day's summary and its sales are Pending, without an Accurate
    number; the day before's stays Success."""
    browser.goto(f"/apps/accurate/activity/?outlet={outlet_id}")
    rows = activity_rows(browser)
    assert rows[summary_number(LAST_DAY)] == (w["sales_summary"], w["pending"], "—")
    assert rows[summary_number(DAY_BEFORE)] == (w["sales_summary"], w["success"], invoice_number(DAY_BEFORE))
    browser.step("activity-undone")
    browser.press(f"[data-activity][data-pos='{summary_number(LAST_DAY)}'] [data-testid=details]")
    sale = seeded.of_day(LAST_DAY)[0]["number"]
    browser.press(f"[data-testid=covered-sale] a:text-is('{sale}')")
    assert (browser.text("[data-testid=status]"), browser.text("[data-testid=accurate-number]")) == (
        w["pending"],
        "—",
    )
    browser.step("sale-undone")


def last_day_backfilled(browser: Browser, w: dict[str, str], progress: str) -> None:
    """4 The progress page's Sync this range again…: the count (the summary), confirmed."""
    browser.goto(progress.removeprefix(browser.base))
    browser.press(f"[data-testid=backfill-link]:has-text('{w['sync_range_again']}')")
    said = w["backfill_summary"].format(count=1, start=LAST_DAY, end=LAST_DAY, landed=0)
    assert browser.text("[data-testid=backfill-summary]") == said
    assert group_counts(browser, "backfill-preview", ("to_send", "landed", "running", "inactive")) == [
        "1",
        "0",
        "0",
        "0",
    ]
    browser.step("backfill-counts")
    browser.press(f"[data-testid=backfill-preview] [data-testid=confirm]:has-text('{w['confirm_backfill']}')")
    assert browser.text(".messages") == w["backfill_sent"].format(count=1)
    browser.step("backfill-confirmed")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_owner_posts_a_summary_per_day_then_undoes_and_backfills_it(
    language, tenant, seeded, working, live_server, tmp_path
):
    w = words(language)
    jakarta = Outlet.objects.get(store=tenant.store, code=OUTLET)
    with browsing(live_server.url, tmp_path / f"posting-{language}", working.sandbox.url) as browser:
        log_in(browser, language, tenant.owner.username, w["log_in"], password=OWNER_PASSWORD)
        per_day_chosen(browser, language, w, seeded)
        released = sales_synced_now(browser, w, seeded)
        summaries_listed(browser, w, jakarta.pk)
        summary_details(browser, w, seeded)
        sale_in_summary(browser, w, seeded)
        in_accurate(working, seeded)
        range_chosen(browser, w, jakarta.pk)
        progress = last_day_undone(browser, w, working, seeded)
        undone_listed(browser, w, seeded, jakarta.pk)
        last_day_backfilled(browser, w, progress)
        rows = activity_settled(browser, jakarta.pk)
        assert rows[summary_number(LAST_DAY)] == (w["sales_summary"], w["success"], invoice_number(LAST_DAY))
        browser.step("backfilled")
        in_accurate(working, seeded)

    counters = assert_landed_once(working, seeded.expected())
    assert counters.get("duplicate_numbers_refused", 0) == 0
    summaries = SyncActivity.objects.filter(kind="order_summary", outlet=jakarta)
    assert sorted(summaries.values_list("pos_number", "status")) == [
        (summary_number(DAY_BEFORE), "success"),
        (summary_number(LAST_DAY), "success"),
    ]
    # The sales were never sent on their own: only the summaries were tried.
    assert not SyncActivity.objects.filter(kind="order", attempts__gt=0).exists()
    # Checked last, so that the whole walk runs first: Sync now says it released as many documents
    # as the page counted held sales (it counts the sales, not the summaries they go in).
    assert released == w["sales_sent"].format(where=jakarta.name, count=len(seeded.kept))
