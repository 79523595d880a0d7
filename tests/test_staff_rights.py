"""What a staff member may do, page by page and button by button, and the words that tell them.

Staff see every page but the date range one, export the activity CSV, send documents to Accurate
again (Sync, Sync all failed, Sync now) and check days against Accurate (Check now): these send what
the POS recorded and change no setting. Connecting, mapping outlets, the schedule, exporting and
pushing products, backfilling or undoing a date range (it deletes from Accurate) and the API keys are
the owner's (403). `make run`'s banner says exactly that.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from iseller_accurate.devserver import banner
from mapping.models import Connection
from outlets.models import ApiKey
from sync.models import SyncActivity
from tests.mapping.test_pages import addon_for, connection_for

pytestmark = pytest.mark.django_db

DAY = "2026-11-20"


@pytest.fixture
def staff(tenant: Any, order_body: Any) -> Client:
    """A staff member of a connected store with one outlet document to sync."""
    addon_for(tenant)
    connection_for(tenant, status=Connection.Status.CONNECTED)
    assert (
        tenant.api().post("/api/v1/outlets/JKT01/orders/", order_body("ORD-1"), format="json").status_code
        == 201
    )
    client = Client()
    client.force_login(tenant.staff)
    return client


def answers(client: Client, requests: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    return {(method, url): getattr(client, method.lower())(url).status_code for method, url in requests}


def test_staff_see_every_page_and_send_documents_again(staff, tenant):
    outlet = tenant.outlet.pk
    activity = SyncActivity.objects.get(store=tenant.store).pk
    may = [
        ("GET", "/"),
        ("GET", "/api-keys/"),
        ("GET", "/apps/"),
        ("GET", "/apps/accurate/"),
        ("GET", f"/apps/accurate/outlets/{outlet}/"),
        ("GET", "/apps/accurate/products/problems/"),
        ("GET", "/apps/accurate/products/push/"),
        ("GET", "/apps/accurate/activity/"),
        ("GET", f"/apps/accurate/activity/{activity}/"),
        ("GET", "/apps/accurate/activity/export.csv"),
        ("GET", "/apps/accurate/reconciliation/"),
        ("GET", f"/apps/accurate/reconciliation/{outlet}/{DAY}/"),
        ("GET", "/apps/accurate/sync-now/"),
        # The buttons: each answers by going back to its page with what it did.
        ("POST", f"/apps/accurate/activity/{activity}/sync/"),
        ("POST", "/apps/accurate/activity/sync-failed/"),
        ("POST", "/apps/accurate/sync-now/sales/"),
        ("POST", f"/apps/accurate/sync-now/transfers/{outlet}/"),
        ("POST", f"/apps/accurate/reconciliation/{outlet}/{DAY}/check/"),
    ]

    got = answers(staff, may)

    assert got == {request: 302 if request[0] == "POST" else 200 for request in may}


def test_staff_cannot_connect_map_schedule_export_push_or_manage_keys(staff, tenant):
    outlet = tenant.outlet.pk
    key = ApiKey.objects.get(store=tenant.store).pk
    may_not = [
        ("POST", "/apps/accurate/activate/"),
        ("POST", "/apps/accurate/connect/"),
        ("GET", "/apps/accurate/callback/"),
        ("POST", "/apps/accurate/database/"),
        ("POST", "/apps/accurate/disconnect/"),
        ("POST", "/apps/accurate/refresh/"),
        ("POST", f"/apps/accurate/outlets/{outlet}/"),
        ("POST", f"/apps/accurate/outlets/{outlet}/deactivate/"),
        ("POST", "/apps/accurate/schedule/"),
        ("POST", "/apps/accurate/products/export/"),
        ("POST", "/apps/accurate/products/push/start/"),
        # Backfill or undo a date range: the page, its two confirmations and an undo's progress.
        ("GET", "/apps/accurate/ranges/"),
        ("GET", "/apps/accurate/ranges/?action=undo&start=2026-11-20&end=2026-11-20&kinds=sales"),
        ("POST", "/apps/accurate/ranges/backfill/"),
        ("POST", "/apps/accurate/ranges/undo/"),
        ("GET", "/apps/accurate/ranges/undo/0123456789ab/"),
        ("POST", "/api-keys/create/"),
        ("POST", f"/api-keys/{key}/revoke/"),
    ]

    got = answers(staff, may_not)

    assert got == dict.fromkeys(may_not, 403)
    assert Connection.objects.get(store=tenant.store).status == Connection.Status.CONNECTED
    assert ApiKey.objects.get(pk=key).revoked_at is None


def test_make_runs_banner_tells_staff_exactly_that():
    lines = banner(8000, 8001)
    start = next(n for n, line in enumerate(lines) if line.startswith("    staff  / accurate-demo  "))
    said = " ".join(" ".join(lines[start : lines.index("", start)]).split())  # unwrapped

    assert said == (
        "staff / accurate-demo staff member: sees every page and exports the activity CSV; sends "
        "documents again (Sync, Sync all failed, Sync now) and checks days against Accurate (Check now). "
        "Only the owner connects, maps outlets, saves the schedule, exports or pushes products and manages "
        "API keys."
    )
    assert "read-only" not in "\n".join(lines)
