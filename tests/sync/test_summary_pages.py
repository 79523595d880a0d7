"""The posting mode on the outlet mapping page (chosen, explained, previewed on the last day: a part
per tax mode, each with its refunds summary), and the summaries on the activity pages: one row, its
sales (refunds) listed on its page, each linking to it, a refunds summary in the words for refunds."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from django.utils import timezone

from mapping.models import OutletMapping
from sync.digest import failure_digest_text
from sync.models import SyncActivity
from tests.mapping.test_pages import form_post, outlet_url
from tests.sync.engine_helpers import post
from tests.sync.summary_helpers import sale
from tests.sync.test_preview import mapped, section, text

__all__ = ["mapped"]


def test_the_owner_chooses_one_summary_per_day_and_the_page_previews_the_last_day(client, mapped):
    client.force_login(mapped.owner)
    page = client.get(outlet_url(mapped.outlet)).content.decode()
    assert "Switching applies only to sales not yet sent to Accurate" in page

    client.post(outlet_url(mapped.outlet), form_post(posting_mode="per_day"), follow=True)
    assert OutletMapping.objects.get(outlet=mapped.outlet).posting_mode == "per_day"
    post(mapped, "orders/", sale("ORD-1"))
    post(mapped, "orders/", sale("ORD-2", ordered_at="2026-11-20T18:00:00+07:00"))
    post(mapped, "orders/", sale("ORD-0", ordered_at="2026-11-19T18:00:00+07:00"))  # the day before

    html = section(client.get(outlet_url(mapped.outlet)).content.decode(), "preview")
    assert 'data-testid="preview-summary" data-pos="DAY-20261120"' in html
    assert 'data-number="JKT01-DAY-20261120"' in html
    assert "iSeller JKT01 sales summary DAY-20261120 (2 sales)" in html
    assert 'data-number="JKT01-DAY-20261120-CASH"' in html


def test_the_activity_list_shows_the_summary_once_and_its_page_lists_its_sales(client, mapped):
    OutletMapping.objects.filter(outlet=mapped.outlet).update(posting_mode="per_day", active=True)
    post(mapped, "orders/", sale("ORD-1"))
    post(mapped, "orders/", sale("ORD-2"))
    summary = SyncActivity.objects.get(kind="order_summary")
    one = SyncActivity.objects.get(kind="order", pos_number="ORD-1")
    client.force_login(mapped.owner)

    listed = client.get("/apps/accurate/activity/").content.decode()
    assert "DAY-20261120" in listed and "ORD-1" not in listed
    assert "ORD-1" in client.get("/apps/accurate/activity/?q=ORD-1").content.decode()

    page = client.get(f"/apps/accurate/activity/{summary.pk}/").content.decode()
    assert "2 sales in this summary" in page
    assert f'href="/apps/accurate/activity/{one.pk}/"' in page
    sale_page = client.get(f"/apps/accurate/activity/{one.pk}/").content.decode()
    assert f'href="/apps/accurate/activity/{summary.pk}/"' in sale_page


def shown(html: str) -> str:
    """The page's words, entities read back."""
    return unescape(text(html))


def refund(number: str, order: str, refunded_at: str) -> dict[str, Any]:
    return {
        "number": number,
        "order": order,
        "refunded_at": refunded_at,
        "total": "10000",
        "lines": [{"product": "P1", "quantity": "1", "unit_price": "10000"}],
    }


def test_a_refunds_summary_lists_its_refunds_and_each_refund_links_to_it(client, mapped):
    OutletMapping.objects.filter(outlet=mapped.outlet).update(posting_mode="per_day", active=True)
    post(mapped, "orders/", sale("ORD-1"))
    post(mapped, "orders/", sale("ORD-2"))
    post(mapped, "refunds/", refund("R-1", "ORD-1", "2026-11-20T15:00:00+07:00"))
    post(mapped, "refunds/", refund("R-2", "ORD-2", "2026-11-20T16:30:00+07:00"))
    sales = SyncActivity.objects.get(kind="order_summary")
    returns = SyncActivity.objects.get(kind="refund_summary")
    one, two = SyncActivity.objects.filter(kind="refund").order_by("pos_number")
    client.force_login(mapped.owner)

    page = shown(client.get(f"/apps/accurate/activity/{returns.pk}/").content.decode())
    assert "Refunds summary DAY-20261120-RET" in page
    assert "2 refunds in this summary" in page and "sales in this summary" not in page
    assert "R-1 ORD-1 2026-11-20 15:00 Rp 10.000 R-2 ORD-2 2026-11-20 16:30 Rp 10.000" in page
    assert (
        "These refunds go to Accurate as one sales return against the invoice of the sales summary "
        "DAY-20261120 , once that invoice is there."  # (the link's tag taken out before the comma)
    ) in page
    html = client.get(f"/apps/accurate/activity/{returns.pk}/").content.decode()
    assert html.count('data-testid="covered-refund"') == 2
    for linked in (one, two, sales):
        assert f'href="/apps/accurate/activity/{linked.pk}/"' in html

    refund_page = client.get(f"/apps/accurate/activity/{one.pk}/").content.decode()
    assert f'href="/apps/accurate/activity/{returns.pk}/"' in refund_page
    assert "this refund goes to Accurate in the refunds summary" in shown(refund_page)
    assert "this sale goes" not in refund_page

    # The list shows the refunds summary once, saying what it waits for in its own words.
    listed = client.get("/apps/accurate/activity/").content.decode()
    row = re.search(rf'<tr data-activity="{returns.pk}".*?</tr>', listed, re.S)
    assert row is not None
    assert shown(row.group(0)).startswith("Refunds summary DAY-20261120-RET")
    assert (
        "Waiting for the schedule: these refunds go once the outlet's day is over, or press Sync now."
    ) in shown(row.group(0))
    assert "R-1" not in listed


def test_a_refunds_summary_waits_for_its_sales_summary_in_its_own_words(client, mapped):
    OutletMapping.objects.filter(outlet=mapped.outlet).update(posting_mode="per_day", active=True)
    post(mapped, "orders/", sale("ORD-1"))
    post(mapped, "refunds/", refund("R-1", "ORD-1", "2026-11-20T15:00:00+07:00"))
    returns = SyncActivity.objects.get(kind="refund_summary")
    SyncActivity.objects.filter(kind="refund_summary").update(due_at=timezone.now())
    client.force_login(mapped.owner)

    reason = '<dd data-field="reason" data-testid="reason">{}</dd>'
    page = client.get(f"/apps/accurate/activity/{returns.pk}/").content.decode()
    assert reason.format("Waiting for its sales summary to be in Accurate first.") in page

    SyncActivity.objects.filter(kind="order_summary").update(status="failed", status_reason="Map QRIS.")
    page = client.get(f"/apps/accurate/activity/{returns.pk}/").content.decode()
    assert (
        reason.format(
            "Waiting for its sales summary DAY-20261120, which failed: Map QRIS. Sync that one again; this "
            "one follows by itself."
        )
        in page
    )
    answer = client.post(f"/apps/accurate/activity/{returns.pk}/sync/", follow=True).content.decode()
    assert (
        "Queued: it goes to Accurate once its sales summary is there. If that one failed, sync it too."
        in answer
    )

    blocked = SyncActivity.objects.filter(pk=returns.pk).select_related("outlet")
    body = failure_digest_text(mapped.store, [], 1, list(blocked))
    assert (
        "- Refunds summary DAY-20261120-RET (JKT01): waits for its sales summary, which failed; it goes by "
        "itself once that is in Accurate."
    ) in body.splitlines()


def test_the_preview_of_the_last_day_shows_a_part_per_tax_mode_and_its_refunds_summary(client, mapped):
    OutletMapping.objects.filter(outlet=mapped.outlet).update(posting_mode="per_day")
    post(mapped, "orders/", sale("ORD-1"))
    inside = sale("ORD-2", tax="3765.77", tax_inclusive=True, total="38000")
    inside["payments"] = [{"method": "cash", "amount": "38000"}]
    post(mapped, "orders/", inside)
    post(mapped, "refunds/", refund("R-1", "ORD-1", "2026-11-20T15:00:00+07:00"))
    client.force_login(mapped.owner)

    html = section(client.get(outlet_url(mapped.outlet)).content.decode(), "preview")

    shown = re.findall(r'data-testid="preview-summary" data-pos="([^"]+)" data-kind="([^"]+)"', html)
    assert shown == [
        ("DAY-20261120", "order_summary"),
        ("DAY-20261120-RET", "refund_summary"),
        ("DAY-20261120-2", "order_summary"),
    ]
    labels = re.findall(r'<summary>([^<]+)<span class="code">([^<]+)</span></summary>', html)
    assert [(label.strip(), number) for label, number in labels] == [
        ("Sales summary", "DAY-20261120"),
        ("Refunds summary", "DAY-20261120-RET"),
        ("Sales summary", "DAY-20261120-2"),
    ]
    assert "This outlet posts its sales, and the refunds given in their shift or day, as summaries." in text(
        html
    )
    assert "iSeller JKT01 sales summary DAY-20261120 (1 sales)" in html
    assert "iSeller JKT01 sales summary DAY-20261120-2 (1 sales)" in html
    assert "iSeller JKT01 refunds summary DAY-20261120-RET (1 refunds)" in html
    for number in ("JKT01-DAY-20261120-RET", "JKT01-DAY-20261120-RET-CASH", "JKT01-DAY-20261120-2-CASH"):
        assert f'data-number="{number}"' in html
    assert "It is sent once sales invoice JKT01-DAY-20261120 is in Accurate." in text(html)
