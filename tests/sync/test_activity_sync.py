"""Sync again from the activity page: owner and staff may, for Failed and Pending rows; another
store's row is a 404 and stays as it was; anonymous visitors go to the login page. The pushes are
enqueued once the transaction commits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from sync.models import SyncActivity
from tests.sync.activity_rows import URL, at, login, make
from tests.sync.test_schedule import refund, sale, transfer, void, wib
from tests.sync.test_sync_health import activate, batch_row, connect, due


@pytest.fixture
def enqueued(monkeypatch: Any) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr("sync.dispatch.pushes_enqueue_for_store", lambda store_id: calls.append(store_id))
    return calls


@pytest.fixture
def sendable(tenant: Any) -> Any:
    """The store connected and both outlets active in Accurate: a Sync can go."""
    connect(tenant)
    activate(tenant.outlet, tenant.other_outlet)
    return tenant


@pytest.fixture
def failed(tenant: Any, order_body: Any) -> SyncActivity:
    return make(
        tenant,
        order_body,
        "ORD-F1",
        status="failed",
        created=at(21, 10),
        started=at(21, 10, 1),
        completed=at(21, 10, 2),
        reason="Item SKU-9 is not in Accurate.",
        attempts=2,
    )


def said(response: Any) -> list[tuple[str, str]]:
    """The messages the request left for the next page: (level, text)."""
    return [(message.level_tag, str(message)) for message in get_messages(response.wsgi_request)]


def state(activity: SyncActivity) -> tuple[Any, ...]:
    activity.refresh_from_db()
    return (
        activity.status,
        activity.started_at,
        activity.completed_at,
        activity.status_reason,
        activity.attempts,
    )


@pytest.mark.parametrize("who", ["owner", "staff"])
def test_a_member_syncs_a_failed_row_again(
    client, tenant, sendable, failed, enqueued, who, django_capture_on_commit_callbacks
):
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, getattr(tenant, who)).post(
            f"{URL}{failed.pk}/sync/", {"next": f"{URL}?status=failed"}
        )
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?status=failed"
    assert state(failed) == ("pending", None, None, "", 2)
    assert failed.due_at is not None and before <= failed.due_at <= timezone.now()
    assert enqueued == [tenant.store.pk]
    assert said(response) == [("success", "Sending it to Accurate again.")]


def test_a_held_pending_row_becomes_due_now(
    client, tenant, sendable, order_body, enqueued, django_capture_on_commit_callbacks
):
    held = make(tenant, order_body, "ORD-H", status="pending", attempts=0)
    assert held.due_at is None
    with django_capture_on_commit_callbacks(execute=True):
        login(client, tenant.staff).post(f"{URL}{held.pk}/sync/")
    held.refresh_from_db()
    assert (held.status, held.due_at is not None) == ("pending", True)
    assert enqueued == [tenant.store.pk]


def test_a_successful_row_is_left_alone(
    client, tenant, order_body, enqueued, django_capture_on_commit_callbacks
):
    done = make(tenant, order_body, "ORD-OK", started=at(21, 9), completed=at(21, 9, 1))
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, tenant.owner).post(f"{URL}{done.pk}/sync/")
    assert response.status_code == 302
    assert state(done) == ("success", at(21, 9), at(21, 9, 1), "", 1)
    assert enqueued == []
    assert said(response) == [("info", "It is already in Accurate; nothing was changed.")]


def test_another_stores_row_is_a_404_and_unchanged(
    client, tenant, outsider, failed, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, outsider.owner).post(f"{URL}{failed.pk}/sync/")
    assert response.status_code == 404
    assert state(failed) == ("failed", at(21, 10, 1), at(21, 10, 2), "Item SKU-9 is not in Accurate.", 2)
    assert enqueued == []
    assert login(client, outsider.staff).get(f"{URL}{failed.pk}/").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, failed, enqueued):
    for response in (
        client.post(f"{URL}{failed.pk}/sync/"),
        client.post(f"{URL}sync-failed/"),
        client.get(URL),
        client.get(f"{URL}{failed.pk}/"),
        client.get(f"{URL}statuses/?ids={failed.pk}"),
        client.get(f"{URL}export.csv"),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")
    assert state(failed)[0] == "failed"
    assert enqueued == []


def test_the_sync_of_a_get_is_refused(client, tenant, failed):
    assert login(client, tenant.owner).get(f"{URL}{failed.pk}/sync/").status_code == 405
    assert state(failed)[0] == "failed"


def test_a_next_elsewhere_is_ignored(client, tenant, failed, enqueued):
    response = login(client, tenant.owner).post(f"{URL}{failed.pk}/sync/", {"next": "https://evil.example/"})
    assert response["Location"] == f"{URL}{failed.pk}/"


def test_sync_all_failed_takes_what_the_filters_show(
    client, tenant, sendable, outsider, order_body, enqueued, django_capture_on_commit_callbacks
):
    jkt = [make(tenant, order_body, f"ORD-J{n}", status="failed", completed=at(21, 10)) for n in range(3)]
    bali = make(tenant, order_body, "ORD-B1", outlet="BALI1", status="failed", completed=at(21, 10))
    theirs = make(outsider, order_body, "ORD-J9", status="failed", completed=at(21, 10))
    ok = make(tenant, order_body, "ORD-OK", completed=at(21, 9))
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, tenant.staff).post(f"{URL}sync-failed/?outlet={tenant.outlet.pk}&older=1-1")
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?outlet={tenant.outlet.pk}"
    assert [state(row)[0] for row in jkt] == ["pending", "pending", "pending"]
    assert (state(bali)[0], state(theirs)[0], state(ok)[0]) == ("failed", "failed", "success")
    assert enqueued == [tenant.store.pk]


def test_sync_all_failed_with_an_invalid_filter_sends_nothing(
    client, tenant, sendable, outsider, failed, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(client, tenant.owner).post(f"{URL}sync-failed/?outlet={outsider.outlet.pk}")
    assert state(failed)[0] == "failed"
    assert enqueued == []


def test_the_statuses_answer_only_for_the_stores_rows(client, tenant, outsider, order_body, failed):
    theirs = make(outsider, order_body, "ORD-X", status="running", started=at(21, 10))
    SyncActivity.objects.filter(pk=failed.pk).update(accurate_number="JKT01-ORD-F1")
    response = login(client, tenant.owner).get(f"{URL}statuses/?ids={failed.pk},{theirs.pk},abc")
    assert response.json() == {
        "rows": [
            {
                "id": failed.pk,
                "status": "failed",
                "label": "Failed",
                "started": "2026-11-21 10:01",
                "completed": "2026-11-21 10:02",
                "attempts": 2,
                "accurate_number": "JKT01-ORD-F1",
                "reason": "Item SKU-9 is not in Accurate.",
            }
        ]
    }
    response = login(client, outsider.owner).get(f"{URL}statuses/?ids={failed.pk},{theirs.pk}")
    assert [(row["id"], row["status"], row["label"]) for row in response.json()["rows"]] == [
        (theirs.pk, "pending", "Pending")
    ]


# --- a Sync that cannot go says why, and changes nothing ---

FAILED_STATE = ("failed", at(21, 10, 1), at(21, 10, 2), "Item SKU-9 is not in Accurate.", 2)
NOT_CONNECTED = (
    "The store is not connected to Accurate: the owner connects it on the Accurate page (Apps → Accurate), "
    "then sync it again. Nothing was changed."
)


@pytest.mark.parametrize("status", [None, "disconnected", "choosing_database"])
def test_a_store_that_is_not_connected_is_told_to_connect_first(
    client, tenant, failed, enqueued, status, django_capture_on_commit_callbacks
):
    if status is not None:
        connect(tenant, status)
    activate(tenant.outlet)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, tenant.staff).post(f"{URL}{failed.pk}/sync/")
    assert said(response) == [("error", NOT_CONNECTED)]
    assert state(failed) == FAILED_STATE
    assert enqueued == []


def test_a_store_that_needs_reconnecting_is_told_so(client, tenant, failed, enqueued):
    connect(tenant, "needs_reconnect")
    activate(tenant.outlet)
    response = login(client, tenant.owner).post(f"{URL}{failed.pk}/sync/")
    assert said(response) == [
        (
            "error",
            "Accurate needs the store to reconnect first: the owner presses Reconnect on the Accurate page "
            "(Apps → Accurate), then sync it again. Nothing was changed.",
        )
    ]
    assert state(failed) == FAILED_STATE


def test_a_row_of_an_outlet_not_active_in_accurate_is_refused(client, tenant, order_body, enqueued):
    connect(tenant)
    activate(tenant.outlet)
    bali = make(tenant, order_body, "ORD-B", outlet="BALI1", status="failed", completed=at(21, 9), reason="x")
    response = login(client, tenant.owner).post(f"{URL}{bali.pk}/sync/")
    assert said(response) == [
        (
            "error",
            "Outlet BALI1 is not active in Accurate, so nothing of it can be sent: activate it in Apps → "
            "Accurate → Outlet mapping first. Nothing was changed.",
        )
    ]
    assert state(bali) == ("failed", None, at(21, 9), "x", 1)
    assert enqueued == []


def test_a_transfer_received_whose_sending_outlet_is_not_active_is_refused(client, tenant, enqueued):
    connect(tenant)
    activate(tenant.other_outlet)  # BALI1 receives; JKT01 sent it and is not active
    received = transfer(tenant.outlet, tenant.other_outlet, "T-1", "transfer_in", created=wib(20, 9))
    response = login(client, tenant.owner).post(f"{URL}{received.pk}/sync/")
    assert said(response) == [
        (
            "error",
            "Outlet JKT01 is not active in Accurate, so nothing of it can be sent: activate it in Apps → "
            "Accurate → Outlet mapping first. Nothing was changed.",
        )
    ]
    received.refresh_from_db()
    assert (received.status, received.due_at) == ("pending", None)


def test_a_running_row_says_it_is_being_sent(client, tenant, sendable, order_body, enqueued):
    running = make(tenant, order_body, "ORD-R", status="running", started=at(21, 10))
    response = login(client, tenant.owner).post(f"{URL}{running.pk}/sync/")
    assert said(response) == [
        ("info", "It is being sent to Accurate right now: wait a moment, its status updates here.")
    ]
    assert state(running) == ("running", at(21, 10), None, "", 1)
    assert enqueued == []


def test_a_product_push_batch_is_sent_again_with_push_products(client, tenant, sendable, enqueued):
    batch = batch_row(tenant, "failed", completed=at(21, 9))
    response = login(client, tenant.owner).post(f"{URL}{batch.pk}/sync/")
    assert said(response) == [("error", "Products are sent again with “Push products”.")]
    batch.refresh_from_db()
    assert batch.status == "failed"


def test_a_refund_whose_sale_is_not_in_accurate_is_queued_behind_it(
    client, tenant, sendable, enqueued, django_capture_on_commit_callbacks
):
    sold = sale(tenant.outlet, "O-1")
    SyncActivity.objects.filter(pk=sold.pk).update(status="failed", completed_at=at(21, 9))
    returned = refund(sold, "R-1")
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, tenant.staff).post(f"{URL}{returned.pk}/sync/")
    assert said(response) == [
        ("success", "Queued: it goes to Accurate once its sale is there. If the sale failed, sync it too.")
    ]
    returned.refresh_from_db()
    assert (returned.status, returned.due_at is not None) == ("pending", True)
    assert enqueued == [tenant.store.pk]


def test_a_void_whose_sale_landed_is_simply_sent_again(client, tenant, sendable, enqueued):
    sold = sale(tenant.outlet, "O-1")
    SyncActivity.objects.filter(pk=sold.pk).update(status="success", completed_at=at(21, 9))
    voided = void(SyncActivity.objects.get(pk=sold.pk))
    response = login(client, tenant.staff).post(f"{URL}{voided.pk}/sync/")
    assert said(response) == [("success", "Sending it to Accurate again.")]


def test_a_transfer_received_is_queued_behind_its_transfer_sent(client, tenant, sendable, enqueued):
    transfer(tenant.outlet, tenant.other_outlet, "T-1", "transfer_out", created=wib(20, 9))
    received = transfer(tenant.outlet, tenant.other_outlet, "T-1", "transfer_in", created=wib(20, 10))
    response = login(client, tenant.owner).post(f"{URL}{received.pk}/sync/")
    assert said(response) == [
        (
            "success",
            "Queued: it goes to Accurate once its transfer sent is there. If that one failed, sync it too.",
        )
    ]
    received.refresh_from_db()
    assert received.due_at is not None


def test_while_syncing_has_stopped_the_message_says_it_goes_once_the_worker_runs(
    client, tenant, sendable, order_body, failed, enqueued
):
    due(tenant, order_body, "ORD-STUCK", ago=timedelta(hours=1))
    response = login(client, tenant.owner).post(f"{URL}{failed.pk}/sync/")
    assert said(response) == [
        (
            "success",
            "Sending it to Accurate again. Syncing has stopped, though: it goes once the background worker "
            "runs again.",
        )
    ]
    assert state(failed)[0] == "pending"


# --- Sync all failed ---


def test_sync_all_failed_with_nothing_failed_says_there_is_nothing_to_send(
    client, tenant, sendable, order_body, enqueued, django_capture_on_commit_callbacks
):
    make(tenant, order_body, "ORD-OK", completed=at(21, 9))
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, tenant.owner).post(f"{URL}sync-failed/")
    assert said(response) == [("info", "Nothing has failed: there is nothing to send again.")]
    assert enqueued == []


def test_sync_all_failed_with_nothing_failed_among_the_filtered_rows_says_so_of_those(
    client, tenant, sendable, order_body, enqueued, django_capture_on_commit_callbacks
):
    make(tenant, order_body, "ORD-F", outlet="BALI1", status="failed", completed=at(21, 9))
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, tenant.owner).post(
            f"{URL}sync-failed/?outlet={tenant.outlet.pk}&status=&kind="
        )
    assert said(response) == [
        (
            "info",
            "Nothing among the syncs these filters show has failed: there is nothing to send again.",
        )
    ]
    assert response["Location"] == f"{URL}?outlet={tenant.outlet.pk}&status=&kind="
    assert enqueued == []


def sync_all_failed_button(client: Any, query: str = "") -> str:
    html: str = client.get(f"{URL}{query}").content.decode()
    start = html.index("<button", html.index('action="/apps/accurate/activity/sync-failed/'))
    return html[start : html.index(">", start) + 1]


def test_sync_all_failed_is_disabled_while_nothing_it_would_send_has_failed(client, tenant, order_body):
    make(tenant, order_body, "ORD-OK", completed=at(21, 9))
    make(tenant, order_body, "ORD-F", outlet="BALI1", status="failed", completed=at(21, 9))
    member = login(client, tenant.staff)

    assert sync_all_failed_button(member) == '<button type="submit" data-testid="sync-all-failed">'
    assert sync_all_failed_button(member, f"?outlet={tenant.outlet.pk}") == (
        '<button type="submit" data-testid="sync-all-failed" disabled title="Nothing among the syncs these '
        'filters show has failed: there is nothing to send again.">'
    )
    SyncActivity.objects.filter(pos_number="ORD-F").update(status="success")
    assert sync_all_failed_button(member) == (
        '<button type="submit" data-testid="sync-all-failed" disabled title="Nothing has failed: there is '
        'nothing to send again.">'
    )


def test_sync_all_failed_leaves_the_rows_of_outlets_not_active_and_says_so(
    client, tenant, order_body, enqueued, django_capture_on_commit_callbacks
):
    connect(tenant)
    activate(tenant.outlet)
    jkt = [make(tenant, order_body, f"ORD-J{n}", status="failed", completed=at(21, 10)) for n in range(2)]
    bali = make(tenant, order_body, "ORD-B1", outlet="BALI1", status="failed", completed=at(21, 10))
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, tenant.owner).post(f"{URL}sync-failed/")
    assert said(response) == [
        (
            "success",
            "Sending 2 failed syncs to Accurate again. 1 failed sync was left as it is: its outlet is not "
            "active in Accurate. Activate it in Apps → Accurate → Outlet mapping first.",
        )
    ]
    assert [state(row)[0] for row in jkt] == ["pending", "pending"]
    assert state(bali)[0] == "failed"
    assert enqueued == [tenant.store.pk]


def test_sync_all_failed_when_every_failed_row_waits_for_its_outlet_sends_nothing(
    client, tenant, order_body, enqueued, django_capture_on_commit_callbacks
):
    connect(tenant)
    activate(tenant.outlet)
    bali = [make(tenant, order_body, f"ORD-B{n}", outlet="BALI1", status="failed") for n in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, tenant.owner).post(f"{URL}sync-failed/")
    assert said(response) == [
        (
            "error",
            "2 failed syncs were left as they are: their outlets are not active in Accurate. "
            "Activate them in Apps → Accurate → Outlet mapping first.",
        )
    ]
    assert [state(row)[0] for row in bali] == ["failed", "failed"]
    assert enqueued == []


def test_sync_all_failed_in_a_store_that_is_not_connected_is_refused(
    client, tenant, failed, enqueued, django_capture_on_commit_callbacks
):
    activate(tenant.outlet)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, tenant.owner).post(f"{URL}sync-failed/")
    assert said(response) == [("error", NOT_CONNECTED)]
    assert state(failed) == FAILED_STATE
    assert enqueued == []


def test_sync_all_failed_while_syncing_has_stopped_says_they_go_once_the_worker_runs(
    client, tenant, sendable, order_body, enqueued
):
    for n in range(2):
        make(tenant, order_body, f"ORD-F{n}", status="failed", completed=at(21, 10))
    due(tenant, order_body, "ORD-STUCK", ago=timedelta(hours=1))
    response = login(client, tenant.owner).post(f"{URL}sync-failed/")
    assert said(response) == [
        (
            "success",
            "Sending 2 failed syncs to Accurate again. Syncing has stopped, though: they go once the "
            "background worker runs again.",
        )
    ]
