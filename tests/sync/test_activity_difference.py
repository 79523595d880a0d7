"""A sale in Accurate with another total than the POS's shows everywhere a status shows: the list's
badge and filter, the details page with both totals, the polled statuses, the CSV export, the status
panel and the chart; it can be synced again by hand, and the owner's digest can read it."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from sync.activity import summary
from sync.models import SyncActivity, SyncAttempt
from sync.selectors import differences_since
from tests.sync.activity_rows import URL, at, login, make, shown
from tests.sync.test_activity_export import content
from tests.sync.test_activity_panel import panel_html, value
from tests.sync.test_activity_sync import said
from tests.sync.test_activity_sync import sendable as sendable  # a fixture
from tests.sync.test_sync_health import activate, connect

# Runs on SQLite too (`embedded`): the chart groups by the store's day, which branches on the database.
pytestmark = pytest.mark.embedded

REASON = (
    "Accurate's total Rp 42.600 differs from the POS total Rp 41.800 by Rp 800: sales invoice "
    "JKT01-ORD-D1. Set the rounding difference account in Apps → Accurate → Outlet mapping, then sync "
    "it again to correct it."
)


@pytest.fixture
def different(tenant: Any, order_body: Any) -> SyncActivity:
    row = make(
        tenant,
        order_body,
        "ORD-D1",
        status="difference",
        created=at(21, 10),
        started=at(21, 10, 1),
        completed=at(21, 10, 2),
        accurate_number="JKT01-ORD-D1",
        reason=REASON,
    )
    entry = {"module": "sales-invoice", "number": "JKT01-ORD-D1", "ok": True, "id": 71, "messages": []}
    receipt = {"module": "sales-receipt", "number": "JKT01-ORD-D1-CASH", "ok": True, "id": 72, "messages": []}
    SyncAttempt.objects.create(
        activity=row,
        started_at=at(21, 10, 1),
        outcome="success",
        message=REASON,
        answered=[
            {**entry, "accurate_total": "42600", "pos_total": "41800.00"},
            {**receipt, "accurate_total": "41800", "pos_total": "41800.00"},
        ],
    )
    return row


def test_the_list_shows_its_badge_and_reason_and_filters_by_it(client, tenant, order_body, different):
    make(tenant, order_body, "ORD-S1", created=at(21, 9), completed=at(21, 9, 1))
    page = login(client, tenant.staff)

    html = page.get(URL).content.decode()
    row = html[html.index('data-pos="ORD-D1"') : html.index("</tr>", html.index('data-pos="ORD-D1"'))]

    assert 'data-status="difference"' in html
    assert '<span class="badge difference" data-field="status">Synced with a difference</span>' in row
    assert f'<td class="reason" data-field="reason">{REASON}</td>' in row.replace("&#x27;", "'")
    assert 'data-field="action" hidden' not in row  # it can be synced again
    assert '<option value="difference">Synced with a difference</option>' in html
    assert shown(page.get(f"{URL}?status=difference")) == ["ORD-D1"]
    assert shown(page.get(f"{URL}?status=success")) == ["ORD-S1"]


def test_the_details_show_accurates_total_beside_the_pos_total(client, tenant, different):
    html = login(client, tenant.owner).get(f"{URL}{different.pk}/").content.decode()

    table = html[
        html.index('data-testid="totals-table"') : html.index("</table>", html.index("totals-table"))
    ]
    rows = re.split(r"<tr[^>]*>", table)[2:]  # after the header's
    cells = [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]
    assert cells == [
        "Sales invoice JKT01-ORD-D1 Rp 42.600 Rp 41.800 Rp 800",
        "Sales receipt JKT01-ORD-D1-CASH Rp 41.800 Rp 41.800 —",
    ]
    assert '<tr data-number="JKT01-ORD-D1" class="differs">' in table
    assert 'data-testid="status">Synced with a difference</span>' in html


def test_the_polled_status_says_synced_with_a_difference(client, tenant, different):
    answer = login(client, tenant.staff).get(f"{URL}statuses/?ids={different.pk}").json()

    assert answer == {
        "rows": [
            {
                "id": different.pk,
                "status": "difference",
                "label": "Synced with a difference",
                "started": "2026-11-21 10:01",
                "completed": "2026-11-21 10:02",
                "attempts": 1,
                "accurate_number": "JKT01-ORD-D1",
                "reason": REASON,
            }
        ]
    }


def test_the_export_has_its_status_and_reason(client, tenant, different):
    response = login(client, tenant.staff).get(f"{URL}export.csv")

    [header, row] = list(csv.reader(io.StringIO(content(response))))
    assert dict(zip(header, row, strict=True)) == {
        "Type": "Sale",
        "POS reference": "ORD-D1",
        "Outlet code": "JKT01",
        "Outlet": "Jakarta Pusat",
        "Accurate number": "JKT01-ORD-D1",
        "Status": "Synced with a difference",
        "Started": "2026-11-21 10:01:00",
        "Completed": "2026-11-21 10:02:00",
        "Attempts": "1",
        "Amount": "41800.00",
        "Reason": REASON,
    }


def test_the_panel_counts_it_and_says_so(client, tenant, order_body, different):
    make(tenant, order_body, "ORD-S1", completed=at(21, 9))

    html = panel_html(client, tenant)

    assert (value(html, "count-success"), value(html, "count-difference")) == ("1", "1")
    assert value(html, "count-failed") == "0"
    assert value(html, "banner-difference") == (
        "1 document is in Accurate with another total than the POS. Open its details to see both totals."
    )
    assert value(html, "last-status") == "Synced with a difference"


def test_the_chart_stacks_it_between_synced_and_failed(tenant, order_body, different):
    make(tenant, order_body, "ORD-S1", completed=at(21, 9))
    make(tenant, order_body, "ORD-F1", status="failed", completed=at(21, 11), reason="x")

    days = summary.chart_days(tenant.store, now=at(21, 12))
    chart = summary.chart(days)

    assert (days[-1].synced, days[-1].different, days[-1].failed) == (1, 1, 1)
    assert (chart.top, chart.synced, chart.different, chart.failed) == (3, 1, 1, 1)
    last = chart.bars[-1]
    assert (last.synced_y, last.different_y, last.different_height, last.failed_y) == (53.3, 26.7, 26.7, 0.0)


def test_a_member_syncs_it_again_to_have_its_total_checked_once_more(
    client, tenant, sendable, different, monkeypatch, django_capture_on_commit_callbacks
):
    enqueued: list[int] = []
    monkeypatch.setattr("sync.dispatch.pushes_enqueue_for_store", enqueued.append)

    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, tenant.staff).post(f"{URL}{different.pk}/sync/")

    different.refresh_from_db()
    assert (different.status, different.status_reason, different.completed_at) == ("pending", "", None)
    assert different.due_at is not None and different.due_at <= timezone.now()
    assert enqueued == [tenant.store.pk]
    assert said(response) == [("success", "Sending it to Accurate again.")]


def test_the_digest_can_read_the_differences_of_a_period(tenant, outsider, order_body, different):
    make(tenant, order_body, "ORD-D0", status="difference", completed=at(20, 10), reason=REASON)
    make(tenant, order_body, "ORD-F1", status="failed", completed=at(21, 11), reason="x")
    make(outsider, order_body, "ORD-D9", status="difference", completed=at(21, 11), reason=REASON)

    found = differences_since(tenant.store, at(21, 0))
    until = differences_since(tenant.store, at(20, 0), until=at(21, 0))

    assert [(row.pos_number, row.outlet_id, row.status_reason) for row in found] == [
        ("ORD-D1", tenant.outlet.pk, REASON)
    ]
    assert [row.pos_number for row in until] == ["ORD-D0"]


def test_a_sale_with_a_difference_is_in_accurate_for_a_void_and_a_change(tenant, order_body, different):
    connect(tenant)
    activate(tenant.outlet)
    api = tenant.api()

    changed = api.put("/api/v1/outlets/JKT01/orders/ORD-D1/", order_body("ORD-D1", note="x"), format="json")
    voided = api.post(
        "/api/v1/outlets/JKT01/orders/ORD-D1/void/", {"voided_at": "2026-11-22T09:00:00+07:00"}, format="json"
    )

    assert changed.status_code == 409
    assert "already in Accurate as invoice 'JKT01-ORD-D1'" in changed.json()["message"]
    assert voided.status_code == 200
    assert list(SyncActivity.objects.filter(order__number="ORD-D1").values_list("kind", "status")) == [
        ("order", "difference"),
        ("order_void", "pending"),
    ]


def test_a_refunds_money_out_is_named_among_the_totals_checked():
    from sync.activity.totals import totals_checked

    attempt = SyncAttempt(
        answered=[
            {
                "module": "sales-return",
                "number": "JKT01-R-1",
                "accurate_total": "10000",
                "pos_total": "10000",
            },
            {
                "module": "other-payment",
                "number": "JKT01-R-1-OUT",
                "accurate_total": "9999",
                "pos_total": "10000",
            },
        ]
    )

    checked = [(str(c.label), c.number, c.differs, c.difference) for c in totals_checked([attempt])]

    assert checked == [
        ("Sales return", "JKT01-R-1", False, Decimal(0)),
        ("Other payment", "JKT01-R-1-OUT", True, Decimal(-1)),
    ]
