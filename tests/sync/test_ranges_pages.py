"""The owner's page for a date range: a preview with the counts, Confirm, the undo's progress; bad
input is a form error with nothing released or deleted, and another store's outlet is a 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sync.models import SyncActivity
from sync.ranges.undo import RunState, range_undo_run
from tests.sync.range_helpers import documents_synced

RANGE = {"start": "2026-11-20", "end": "2026-11-21", "kinds": ["sales", "refunds", "transfers"]}
PAGE = "/apps/accurate/ranges/"


@pytest.fixture
def owner(tenant: Any) -> Client:
    client = Client()
    client.force_login(tenant.owner)
    return client


def statuses() -> dict[tuple[str, str], tuple[str, Any]]:
    return {(a.kind, a.pos_number): (a.status, a.due_at) for a in SyncActivity.objects.all()}


def test_the_backfill_preview_counts_and_confirm_releases(tenant, connected, accurate_at, order_body, owner):
    documents_synced(tenant, connected, order_body)
    SyncActivity.objects.filter(pos_number="ORD-2").update(status="failed")

    page = owner.get(PAGE, {**RANGE, "action": "backfill"})

    html = page.content.decode()
    assert page.status_code == 200
    assert "1 document between 2026-11-20 and 2026-11-21 will be sent; 4 already in Accurate are left" in html
    sent = owner.post(f"{PAGE}backfill/", {**RANGE, "expected": "1"})
    assert sent.status_code == 302
    row = SyncActivity.objects.get(pos_number="ORD-2")
    assert (row.status, row.due_at is not None) == ("pending", True)


def test_confirm_with_other_figures_than_the_preview_changes_nothing(
    tenant, connected, accurate_at, order_body, owner, django_capture_on_commit_callbacks
):
    documents_synced(tenant, connected, order_body)
    before = statuses()

    with django_capture_on_commit_callbacks() as enqueued:
        answer = owner.post(f"{PAGE}undo/", {**RANGE, "expected": "4"})

    assert answer.status_code == 200
    assert "The figures changed since you looked" in answer.content.decode()
    assert enqueued == []
    assert statuses() == before
    assert accurate_at.inspect()["deleted"] == []


def test_undo_is_confirmed_then_runs_as_a_task_and_shows_its_result(
    tenant, connected, accurate_at, order_body, owner, django_capture_on_commit_callbacks
):
    documents_synced(tenant, connected, order_body)
    accurate_at.faults(refuse_delete={"JKT01-T-1-IN": ""})
    preview = owner.get(PAGE, {**RANGE, "action": "undo"}).content.decode()
    assert (
        "5 POS documents between 2026-11-20 and 2026-11-21 will be taken out of Accurate: 9 documents"
        in preview
    )

    with django_capture_on_commit_callbacks() as enqueued:
        answer = owner.post(f"{PAGE}undo/", {**RANGE, "expected": "5"})

    assert answer.status_code == 302 and len(enqueued) == 1
    progress_url = answer["Location"]
    token = progress_url.split("/")[-2]
    assert "Waiting for a worker to start" in owner.get(progress_url).content.decode()
    state = range_undo_run(
        store_id=tenant.store.pk,
        outlet_id=None,
        start="2026-11-20",
        end="2026-11-21",
        groups=["sales", "refunds", "transfers"],
        token=token,
        lanes=2,
    )
    assert state is RunState.DONE
    shown = owner.get(progress_url).content.decode()
    assert "Done." in shown
    assert (
        "Kept in Accurate: Accurate refused to delete item transfer JKT01-T-1-IN: Data tidak dapat dihapus"
        in shown
    )
    assert "its transfer received T-1 is still there" in shown


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"start": "2026-11-21", "end": "2026-11-20"}, "The end date is before the start date."),
        ({"start": "2026-07-31", "end": "2026-11-01"}, "At most 93 days at once: choose a shorter range."),
        ({"outlet": "999999"}, "Choose one of the store&#x27;s outlets."),
        ({"kinds": []}, "Choose at least one kind of document."),
    ],
)
def test_bad_input_is_a_form_error_and_nothing_is_released_or_deleted(
    tenant, connected, accurate_at, order_body, owner, changes, error
):
    documents_synced(tenant, connected, order_body)
    before = statuses()

    shown = owner.get(PAGE, {**RANGE, "action": "undo", **changes})
    backfill = owner.post(f"{PAGE}backfill/", {**RANGE, "expected": "0", **changes})
    undo = owner.post(f"{PAGE}undo/", {**RANGE, "expected": "5", **changes})

    for answer in (shown, backfill, undo):
        assert answer.status_code == 200
        assert error in answer.content.decode()
        assert 'data-testid="confirm"' not in answer.content.decode()
    assert statuses() == before
    assert accurate_at.inspect()["deleted"] == []


def test_another_stores_outlet_is_a_404(tenant, outsider, owner):
    theirs = str(outsider.outlet.pk)

    assert owner.get(PAGE, {**RANGE, "outlet": theirs, "action": "backfill"}).status_code == 404
    assert owner.post(f"{PAGE}backfill/", {**RANGE, "outlet": theirs, "expected": "0"}).status_code == 404
    assert owner.post(f"{PAGE}undo/", {**RANGE, "outlet": theirs, "expected": "0"}).status_code == 404
    assert owner.get(f"{PAGE}undo/0123456789ab/", {**RANGE, "outlet": theirs}).status_code == 404


def test_the_owner_finds_the_page_from_the_activity_page_and_panel(tenant, connected, owner):
    assert 'data-testid="ranges-link"' in owner.get("/apps/accurate/activity/").content.decode()
    assert 'data-testid="ranges-link"' in owner.get("/apps/accurate/").content.decode()
    staff = Client()
    staff.force_login(tenant.staff)
    assert 'data-testid="ranges-link"' not in staff.get("/apps/accurate/activity/").content.decode()
