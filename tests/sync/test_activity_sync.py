"""Sync again from the activity page: owner and staff may, for Failed and Pending rows; another
store's row is a 404 and stays as it was; anonymous visitors go to the login page. The pushes are
enqueued once the transaction commits."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from sync.models import SyncActivity
from tests.sync.activity_rows import URL, at, login, make


@pytest.fixture
def enqueued(monkeypatch: Any) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr("sync.dispatch.pushes_enqueue_for_store", lambda store_id: calls.append(store_id))
    return calls


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
    client, tenant, failed, enqueued, who, django_capture_on_commit_callbacks
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


def test_a_held_pending_row_becomes_due_now(
    client, tenant, order_body, enqueued, django_capture_on_commit_callbacks
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
    client, tenant, outsider, order_body, enqueued, django_capture_on_commit_callbacks
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
    client, tenant, outsider, failed, enqueued, django_capture_on_commit_callbacks
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
