"""Apps → Accurate → Reconciliation: outlet × day with both sides' figures in rupiah, a day's
differences linking to both sides, Check now for owner and staff (queued, its task enqueued with the
id after commit), another store's outlet a 404; and the differences the owner's digest can list."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from mapping.models import AddOn
from sync.models import SyncActivity
from sync.reconcile.figures import Doc, compare
from sync.reconcile.models import Reconciliation, ReconciliationDifference
from sync.reconcile.selectors import reconciliation_differences_since
from sync.reconcile.services import difference_row
from tests.sync.activity_rows import login, order
from tests.sync.test_sync_health import activate, connect

URL = "/apps/accurate/reconciliation/"
JKT = ZoneInfo("Asia/Jakarta")


def yesterday() -> date:
    return timezone.now().astimezone(JKT).date() - timedelta(days=1)


@pytest.fixture
def ready(tenant: Any) -> Any:
    """Connected (no tokens: nothing here calls Accurate), both outlets active; the add-on activated
    by tests/sync/conftest.py."""
    connect(tenant)
    activate(tenant.outlet, tenant.other_outlet)
    return tenant


@pytest.fixture
def enqueued(monkeypatch: Any) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr("sync.reconcile.services.enqueue", calls.append)
    return calls


def checked(tenant: Any, order_body: Any, day: date) -> Reconciliation:
    """JKT01's day checked: ORD-1 (41,800) missing in Accurate, a deposit keyed in with its prefix."""
    activity = order(tenant, order_body("ORD-1"))
    pos = [
        Doc(
            "sales-invoice",
            "JKT01-ORD-1",
            "sale",
            amount=Decimal("41800"),
            pos_number="ORD-1",
            activity_id=activity.pk,
        ),
        Doc("sales-invoice", "JKT01-ORD-2", "sale", amount=Decimal("20000"), pos_number="ORD-2"),
    ]
    ours = [Doc("sales-invoice", "JKT01-ORD-2", "sale", amount=Decimal("20000"), accurate_id=77)]
    only = [Doc("other-deposit", "JKT01-KAS-9", "deposit", amount=Decimal("1000"), accurate_id=78)]
    outcome = compare(pos, ours, only)
    row = Reconciliation.objects.create(
        store=tenant.store,
        outlet=tenant.outlet,
        day=day,
        status="differences",
        requested_at=timezone.now(),
        checked_at=timezone.now(),
        requests=6,
        pos_figures=outcome.pos.as_json(),
        accurate_figures=outcome.accurate.as_json(),
        differences_count=1,
        accurate_only_count=1,
    )
    found = [*outcome.differences, *outcome.accurate_only]
    ReconciliationDifference.objects.bulk_create(difference_row(row.pk, n, d) for n, d in enumerate(found, 1))
    return row


def said(response: Any) -> list[tuple[str, str]]:
    return [(message.level_tag, str(message)) for message in get_messages(response.wsgi_request)]


def cell(html: str, outlet: str, day: date, field: str) -> str:
    row = re.search(rf'<tr data-outlet="{outlet}" data-day="{day.isoformat()}"[^>]*>(.*?)</tr>', html, re.S)
    assert row, (outlet, day)
    found = re.search(rf'data-field="{field}"[^>]*>(.*?)</td>', row.group(0), re.S)
    assert found, field
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def test_the_page_shows_each_active_outlets_last_14_days_with_both_sides_in_rupiah(client, ready, order_body):
    day = yesterday()
    checked(ready, order_body, day)

    html = login(client, ready.staff).get(URL).content.decode()

    assert html.count("<tr data-outlet=") == 2 * 14
    assert cell(html, "JKT01", day, "status") == "Differences"
    assert cell(html, "JKT01", day, "sales") == "Rp 61.800 / Rp 20.000"
    assert cell(html, "JKT01", day, "differences") == "1 (+1 in Accurate only)"
    assert cell(html, "BALI1", day, "status") == "Not checked"
    assert 'data-testid="check-JKT01-' in html


def test_a_days_details_list_each_difference_with_links_to_both_sides(client, ready, order_body):
    day = yesterday()
    row = checked(ready, order_body, day)
    activity = SyncActivity.objects.get(pos_number="ORD-1")

    html = login(client, ready.owner).get(f"{URL}{ready.outlet.pk}/{day.isoformat()}/").content.decode()

    differences = html[html.index('data-testid="differences"') : html.index('data-testid="accurate-only"')]
    assert 'data-kind="missing_in_accurate" data-number="JKT01-ORD-1"' in differences
    assert f'href="/apps/accurate/activity/{activity.pk}/"' in differences
    assert "Rp 41.800" in differences
    assert 'data-number="JKT01-KAS-9"' in html[html.index('data-testid="accurate-only"') :]
    assert re.search(r'data-testid="requests">\s*6\s*<', html)
    assert row.differences.count() == 2


@pytest.mark.parametrize("who", ["owner", "staff"])
def test_check_now_queues_the_day_and_enqueues_its_id_after_commit(
    client, ready, enqueued, who, django_capture_on_commit_callbacks
):
    day = yesterday()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, getattr(ready, who)).post(f"{URL}{ready.outlet.pk}/{day.isoformat()}/check/")

    row = Reconciliation.objects.get()
    assert (row.outlet, row.day, row.status, row.requested_by) == (
        ready.outlet,
        day,
        "checking",
        getattr(ready, who),
    )
    assert enqueued == [row.pk]
    assert response.status_code == 302
    assert response["Location"] == f"{URL}{ready.outlet.pk}/{day.isoformat()}/"
    assert said(response) == [
        (
            "success",
            f"Checking Jakarta Pusat on {day.isoformat()} against Accurate: "
            "the result appears here in a moment.",
        )
    ]


def test_check_now_twice_queues_once_and_says_so(client, ready, enqueued, django_capture_on_commit_callbacks):
    url = f"{URL}{ready.outlet.pk}/{yesterday().isoformat()}/check/"
    login(client, ready.owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
        second = client.post(url)

    assert len(enqueued) == 1
    assert said(second)[-1] == ("error", "This day is being checked already.")


def test_check_now_is_refused_for_an_outlet_not_active_or_a_store_not_connected(client, tenant, enqueued):
    connect(tenant)
    activate(tenant.outlet)
    login(client, tenant.owner)
    day = yesterday().isoformat()

    inactive = client.post(f"{URL}{tenant.other_outlet.pk}/{day}/check/")
    tenant.store.accurate_connection.__class__.objects.update(status="needs_reconnect")
    unconnected = client.post(f"{URL}{tenant.outlet.pk}/{day}/check/")

    assert said(inactive) == [
        ("error", "This outlet is not active in Accurate: activate it in Outlet mapping first.")
    ]
    assert said(unconnected)[-1:] == [
        ("error", "The store is not connected to Accurate: connect it first (Apps → Accurate).")
    ]
    assert (Reconciliation.objects.count(), enqueued) == (0, [])


def test_another_stores_outlet_is_a_404_and_nothing_is_queued(client, ready, outsider, order_body, enqueued):
    connect(outsider)
    activate(outsider.outlet)
    day = yesterday()
    theirs = checked(outsider, order_body, day)
    login(client, ready.owner)

    assert client.get(f"{URL}{outsider.outlet.pk}/{day.isoformat()}/").status_code == 404
    assert client.post(f"{URL}{outsider.outlet.pk}/{day.isoformat()}/check/").status_code == 404
    assert client.get(f"{URL}{ready.outlet.pk}/not-a-day/").status_code == 404
    assert "JKT01-KAS-9" not in client.get(URL).content.decode()
    theirs.refresh_from_db()
    assert (theirs.status, enqueued) == ("differences", [])


def test_visitors_log_in_first_and_the_add_on_must_be_active(client, tenant):
    AddOn.objects.filter(store=tenant.store).delete()
    assert client.get(URL)["Location"].startswith("/login/")
    assert login(client, tenant.owner).get(URL)["Location"] == "/apps/"


def test_the_add_on_pages_activity_panel_links_to_the_page(client, ready):
    html = login(client, ready.staff).get("/apps/accurate/").content.decode()

    assert f'href="{URL}" data-testid="reconciliation-link"' in html


def test_the_digest_gets_the_differences_of_checks_ended_since_without_those_in_accurate_only(
    ready, outsider, order_body
):
    since = timezone.now()
    row = checked(ready, order_body, yesterday())
    checked(outsider, order_body, yesterday())
    Reconciliation.objects.filter(pk=row.pk).update(checked_at=since - timedelta(minutes=1))

    assert reconciliation_differences_since(ready.store, since) == []
    Reconciliation.objects.filter(pk=row.pk).update(checked_at=since)
    found = reconciliation_differences_since(ready.store, since)
    assert [(d.kind, d.number, d.reconciliation.outlet.code) for d in found] == [
        ("missing_in_accurate", "JKT01-ORD-1", "JKT01")
    ]


def test_a_failed_check_says_why_and_when_it_is_tried_again(client, ready):
    day = yesterday()
    Reconciliation.objects.create(
        store=ready.store,
        outlet=ready.outlet,
        day=day,
        status="failed",
        requested_at=timezone.now(),
        checked_at=timezone.now(),
        error="Accurate could not be reached; the sync will try again.",
        retry_at=timezone.now() + timedelta(minutes=5),
        requests=3,
    )
    login(client, ready.owner)

    listed = client.get(URL).content.decode()
    details = client.get(f"{URL}{ready.outlet.pk}/{day.isoformat()}/").content.decode()

    assert cell(listed, "JKT01", day, "status") == "Check failed"
    assert cell(listed, "JKT01", day, "error") == "Accurate could not be reached; the sync will try again."
    assert 'data-testid="error">Accurate could not be reached; the sync will try again. Next try: ' in details
    assert 'data-testid="figures"' not in details and 'data-testid="differences"' not in details


def test_a_day_being_checked_offers_no_button_and_reloads_until_done(client, ready):
    day = yesterday()
    Reconciliation.objects.create(
        store=ready.store, outlet=ready.outlet, day=day, status="checking", requested_at=timezone.now()
    )
    login(client, ready.staff)

    listed = client.get(URL).content.decode()
    details = client.get(f"{URL}{ready.outlet.pk}/{day.isoformat()}/").content.decode()

    assert cell(listed, "JKT01", day, "status") == "Checking"
    assert f'data-testid="check-JKT01-{day.isoformat()}"' not in listed
    assert 'data-testid="check-now"' not in details
    reload = '<script src="/static/js/reload-soon.js" data-reload-ms="3000" defer></script>'
    assert reload in listed and reload in details
    # Once, at the end of the page: never in its <title>.
    assert listed.count(reload) == 1 and details.count(reload) == 1
    assert "<script" not in listed.split("</title>")[0]
