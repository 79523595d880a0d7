"""The status panel on the add-on page (last sync, counts, banner, Show Details) and the chart of
the last 14 days on the activity page, per day of the store's clock.

The panel is about documents: product push batches have a line of their own. Runs on SQLite too
(`embedded`): the Success count branches on the database (a planner estimate on PostgreSQL only).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from mapping.models import AddOn, Connection
from sync.activity import summary
from sync.models import SyncActivity
from sync.outbox import StatusCounts, activity_counts_by_outlet
from tests.sync.activity_rows import URL, at, login, make
from tests.sync.test_sync_health import batch_row

pytestmark = pytest.mark.embedded


def panel_html(client: Any, tenant: Any) -> str:
    AddOn.objects.get_or_create(store=tenant.store)
    response = login(client, tenant.staff).get("/apps/accurate/")
    assert response.status_code == 200
    html: str = response.content.decode()
    start = html.index('data-testid="panel-activity"')
    return html[start : html.index("</section>", start)]


def value(html: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</', html, re.S)
    assert found, testid
    return " ".join(found.group(1).split())


def test_the_panel_counts_and_the_latest_sync(client, tenant, outsider, order_body):
    make(tenant, order_body, "ORD-1", completed=at(20, 9))
    make(tenant, order_body, "ORD-2", completed=at(21, 23, 59))
    make(tenant, order_body, "ORD-3", outlet="BALI1", status="failed", completed=at(21, 8), reason="x")
    make(tenant, order_body, "ORD-4", status="pending", attempts=0)
    make(tenant, order_body, "ORD-5", status="running", started=at(22, 1))
    make(tenant, order_body, "ORD-6", status="cancelled", completed=at(22, 2))
    make(outsider, order_body, "ORD-7", status="failed", completed=at(23, 1))
    html = panel_html(client, tenant)
    assert value(html, "count-success") == "2"
    assert value(html, "count-failed") == "1"
    assert value(html, "count-pending") == "2"
    assert " ".join(
        re.sub(r"<[^>]+>", " ", html.split('data-testid="last-sync">')[1].split("</p>")[0]).split()
    ) == ("Last sync: 2026-11-21 23:59 Success (Asia/Jakarta)")
    assert value(html, "banner-failed").startswith("1 sync failed.")
    assert 'data-testid="banner-reconnect"' not in html
    assert f'href="{URL}" data-testid="show-details"' in html


def test_no_banner_when_nothing_failed_and_the_connection_is_fine(client, tenant, order_body):
    make(tenant, order_body, "ORD-1", completed=at(20, 9))
    html = panel_html(client, tenant)
    assert 'data-testid="sync-banner"' not in html
    assert value(html, "count-failed") == "0"


def test_a_connection_needing_reconnecting_raises_the_banner(client, tenant):
    Connection.objects.create(
        store=tenant.store, status=Connection.Status.NEEDS_RECONNECT, needs_reconnect_since=timezone.now()
    )
    html = panel_html(client, tenant)
    assert 'data-testid="banner-reconnect"' in html
    assert 'data-testid="banner-failed"' not in html
    assert "Nothing has been synced yet." in html
    assert [value(html, f"count-{name}") for name in ("success", "failed", "pending")] == ["0", "0", "0"]


def test_many_successes_are_counted_up_to_the_limit_then_estimated(tenant, order_body, monkeypatch):
    for n in range(4):
        make(tenant, order_body, f"ORD-{n}", completed=at(20, 9))
    batch_row(tenant, "success", completed=at(20, 9))  # not a document: never counted
    monkeypatch.setattr(summary, "SUCCESS_EXACT_UP_TO", 4)
    assert summary.success_count(tenant.store) == summary.Tally(4)
    make(tenant, order_body, "ORD-9", completed=at(20, 9))
    found = summary.success_count(tenant.store)
    if connection.vendor == "postgresql":
        assert found.estimated is True
        assert found.value >= 5  # never below what was counted
    else:
        # No planner estimate (SQLite, the embedded run): the exact count, not a capped "about".
        assert found == summary.Tally(5)


def test_product_pushes_have_their_own_line_and_leave_the_documents_counts_alone(client, tenant, order_body):
    # The issue: six batches pushed a minute ago, the documents all waiting.
    for _ in range(6):
        batch_row(tenant, "success", completed=timezone.now() - timedelta(minutes=1))
    batch_row(tenant, "pending")
    batch_row(tenant, "running")
    batch_row(tenant, "failed", completed=timezone.now())
    for n in range(3):
        make(tenant, order_body, f"ORD-{n}", status="pending", attempts=0)

    html = panel_html(client, tenant)

    assert "Nothing has been synced yet." in html
    assert 'data-testid="last-status"' not in html
    assert [value(html, f"count-{name}") for name in ("success", "failed", "pending")] == ["0", "0", "3"]
    assert 'data-testid="banner-failed"' not in html
    line = html[html.index('data-testid="push-line"') :]
    line = " ".join(re.sub(r"<[^>]+>", " ", line[line.index(">") + 1 : line.index("</p>")]).split())
    assert line == "Products pushed: 2 batches waiting · 1 batch failed · Push products"
    assert 'href="/apps/accurate/products/push/" data-testid="push-link"' in html


def test_the_last_sync_is_the_last_document_not_a_later_product_push(client, tenant, order_body):
    make(tenant, order_body, "ORD-1", status="failed", completed=at(21, 8), reason="x")
    batch_row(tenant, "success", completed=at(21, 9))

    html = panel_html(client, tenant)

    assert value(html, "last-status") == "Failed"
    assert "2026-11-21 08:00" in html
    assert 'data-testid="push-line"' not in html  # nothing waiting or failed among the batches


def test_the_dashboard_counts_todays_syncs_per_outlet_on_the_stores_clock(tenant, order_body):
    now = at(21, 12)
    make(tenant, order_body, "ORD-1", completed=at(21, 0, 1))  # today, just after midnight in Jakarta
    make(tenant, order_body, "ORD-2", completed=at(20, 23, 59))  # yesterday
    make(tenant, order_body, "ORD-3", outlet="BALI1", completed=at(21, 11))
    make(tenant, order_body, "ORD-4", status="failed", completed=at(21, 9), reason="x")
    make(tenant, order_body, "ORD-5", status="running", started=at(21, 11))
    batch_row(tenant, "success", completed=at(21, 10))  # store-level: no outlet

    assert activity_counts_by_outlet(tenant.store, now=now) == {
        tenant.outlet.pk: StatusCounts(pending=1, failed=1, success=1),
        tenant.other_outlet.pk: StatusCounts(success=1),
    }


def test_the_chart_counts_each_local_day(tenant, outsider, order_body):
    now = at(21, 12)
    # 23:59 and 00:01 on Jakarta's clock: two different days (both the 20th in UTC).
    make(tenant, order_body, "ORD-1", created=at(20, 23), completed=at(20, 23, 59))
    make(tenant, order_body, "ORD-2", created=at(20, 23), completed=at(21, 0, 1))
    make(tenant, order_body, "ORD-3", created=at(21, 1), completed=at(21, 1, 5))
    make(tenant, order_body, "ORD-4", status="failed", created=at(21, 2), completed=at(21, 2, 1), reason="x")
    make(tenant, order_body, "ORD-5", created=at(8, 9), completed=at(8, 9, 1))  # first of the 14 days
    make(tenant, order_body, "ORD-6", created=at(7, 9), completed=at(7, 23, 59))  # the day before: out
    make(tenant, order_body, "ORD-7", status="pending", created=at(21, 3), attempts=0)
    make(outsider, order_body, "ORD-8", created=at(21, 3), completed=at(21, 3, 1))
    days = summary.chart_days(tenant.store, now=now)
    assert [(d.day, d.synced, d.failed) for d in days if d.synced or d.failed] == [
        (date(2026, 11, 8), 1, 0),
        (date(2026, 11, 20), 1, 0),
        (date(2026, 11, 21), 2, 1),
    ]
    assert (days[0].day, days[-1].day, len(days)) == (date(2026, 11, 8), date(2026, 11, 21), 14)
    chart = summary.chart(days)
    assert (chart.top, chart.synced, chart.failed) == (3, 4, 1)
    last = chart.bars[-1]
    assert (last.synced_height, last.failed_height, last.failed_y) == (53.3, 26.7, 0.0)


def test_the_activity_page_draws_the_chart_from_the_same_numbers(client, tenant, order_body):
    today = timezone.now().astimezone(at(1, 0).tzinfo)
    make(tenant, order_body, "ORD-1", created=today, completed=today)
    html = login(client, tenant.owner).get(URL).content.decode()
    assert f'data-day="{today.date().isoformat()}" data-synced="1" data-failed="0"' in html
    assert html.count("<g data-day=") == 14
    assert SyncActivity.objects.count() == 1


def test_a_document_waiting_on_a_failed_one_counts_as_failed(client, tenant):
    from tests.sync.test_schedule import refund, sale, transfer, wib

    sold = sale(tenant.outlet, "O-1")
    SyncActivity.objects.filter(pk=sold.pk).update(status="failed", status_reason="x", completed_at=at(20, 9))
    refund(sold, "R-1")
    refund(sold, "R-2")
    sent = transfer(tenant.outlet, tenant.other_outlet, "T-1", "transfer_out", created=wib(20, 9))
    SyncActivity.objects.filter(pk=sent.pk).update(status="failed", completed_at=at(20, 9))
    transfer(tenant.outlet, tenant.other_outlet, "T-1", "transfer_in", created=wib(20, 10))
    landed = sale(tenant.outlet, "O-2")
    SyncActivity.objects.filter(pk=landed.pk).update(status="success", completed_at=at(20, 9))
    refund(landed, "R-3")  # its sale is in Accurate: it goes, not blocked

    html = panel_html(client, tenant)

    assert [value(html, f"count-{name}") for name in ("failed", "pending")] == ["5", "1"]
    assert value(html, "count-blocked") == "(3 wait for a failed document)"
    assert value(html, "banner-failed").startswith("5 syncs failed.")
    # Still Pending rows: they go by themselves once their sale or transfer sent lands.
    assert SyncActivity.objects.filter(status="pending").count() == 4
