"""The posting mode on the outlet mapping page (chosen, explained, previewed on the last day), and a
sales summary on the activity pages: one row, its sales listed on its page, each sale linking to it."""

from __future__ import annotations

from mapping.models import OutletMapping
from sync.models import SyncActivity
from tests.mapping.test_pages import form_post, outlet_url
from tests.sync.engine_helpers import post
from tests.sync.summary_helpers import sale
from tests.sync.test_preview import mapped, section

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
