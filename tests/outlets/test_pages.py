"""The back office pages: login, the dashboard, and API keys (owner manages, staff only looks)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework.test import APIClient

from outlets.models import ApiKey
from outlets.models.stores import api_key_hash
from outlets.services.stores import outlet_create
from sync.models import SyncActivity

pytestmark = pytest.mark.django_db

ORDERS_URL = "/api/v1/outlets/JKT01/orders/"


def key_of(raw: str) -> ApiKey:
    return ApiKey.objects.get(key_hash=api_key_hash(raw))


def api_with(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_the_login_page_renders(client):
    response = client.get("/login/")

    assert response.status_code == 200
    assert response.templates[0].name == "registration/login.html"
    assert b'name="username"' in response.content
    assert b'name="password"' in response.content


def test_the_owner_logs_in_with_the_form_and_lands_on_the_dashboard(client, tenant):
    response = client.post("/login/", {"username": "kopi-owner", "password": "pw-owner-123"})

    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.get("/").status_code == 200


def test_the_dashboard_requires_login(client, tenant):
    response = client.get("/")

    assert (response.status_code, response["Location"]) == (302, "/login/?next=/")


def test_a_user_without_a_store_gets_403(client, tenant):
    client.force_login(User.objects.create_user(username="drifter", password="pw-drifter-123"))

    assert client.get("/").status_code == 403
    assert client.get("/api-keys/").status_code == 403


def test_logging_out_is_a_post(client, tenant):
    client.force_login(tenant.owner)

    response = client.post("/logout/")

    assert (response.status_code, response["Location"]) == (302, "/login/")
    assert client.get("/").status_code == 302


def test_the_owner_sees_own_outlets_with_order_and_sync_counts(client, tenant, outsider, order_body):
    api = tenant.api()
    for number in ("ORD-1", "ORD-2", "ORD-3", "ORD-4"):
        assert api.post(ORDERS_URL, order_body(number), format="json").status_code == 201
    SyncActivity.objects.filter(pos_number="ORD-1").update(status="failed")
    SyncActivity.objects.filter(pos_number="ORD-2").update(status="success", completed_at=timezone.now())
    # Synced before the store's midnight: not in today's count.
    yesterday = timezone.now() - timedelta(days=1, hours=1)
    SyncActivity.objects.filter(pos_number="ORD-4").update(status="success", completed_at=yesterday)
    outlet_create(store=outsider.store, code="BDG01", name="Roti Bandung")
    assert outsider.api().post(ORDERS_URL, order_body("ROTI-1"), format="json").status_code == 201
    client.force_login(tenant.owner)

    response = client.get("/")

    assert response.status_code == 200
    rows = [
        (
            row.outlet.code,
            row.outlet.name,
            row.orders,
            row.sales,
            row.sync.pending,
            row.sync.failed,
            row.sync.success,
        )
        for row in response.context["rows"]
    ]
    assert rows == [
        ("BALI1", "Denpasar", 0, Decimal("0"), 0, 0, 0),
        ("JKT01", "Jakarta Pusat", 4, Decimal("167200.00"), 1, 1, 1),
    ]
    html = response.content.decode()
    assert "Toko Kopi" in html
    assert "Rp 167.200" in html
    assert "Asia/Makassar" in html
    assert "Roti Bandung" not in html
    assert "Toko Roti" not in html


def test_the_dashboard_lists_the_latest_20_outbox_rows_with_their_documents_time_in_the_stores_zone(
    client, tenant, outsider, order_body
):
    api = tenant.api()
    for i in range(1, 23):
        # 02:i UTC is 09:i in Jakarta (the store's zone): the page shows the merchant's time.
        body = order_body(f"ORD-{i:02}", ordered_at=f"2026-11-20T02:{i:02}:00Z")
        assert api.post(ORDERS_URL, body, format="json").status_code == 201
    assert outsider.api().post(ORDERS_URL, order_body("ROTI-1"), format="json").status_code == 201
    # When the row was written is not when the sale happened: the page shows the sale's time.
    SyncActivity.objects.filter(pos_number="ORD-22").update(
        created_at=datetime(2030, 1, 1, 3, 15, tzinfo=UTC)
    )
    client.force_login(tenant.owner)

    response = client.get("/")

    shown = [
        (
            row.activity.kind,
            row.activity.pos_number,
            row.activity.outlet.code,
            row.activity.status,
            row.happened_at,
        )
        for row in response.context["activities"]
    ]
    assert shown == [
        ("order", f"ORD-{i:02}", "JKT01", "pending", datetime(2026, 11, 20, 2, i, tzinfo=UTC))
        for i in range(22, 2, -1)
    ]
    html = response.content.decode()
    assert "<th>Date (Asia/Jakarta)</th>" in html
    assert '<td class="date" data-field="happened">2026-11-20 09:22</td>' in html
    assert "2030-01-01" not in html
    assert "ROTI-1" not in html


def test_documents_posted_together_are_listed_by_when_they_happened(client, tenant, order_body):
    # An offline POS catching up: yesterday's late sale arrives after today's first one.
    api = tenant.api()
    for number, ordered_at in (
        ("ORD-A", "2026-11-21T08:00:00+07:00"),
        ("ORD-B", "2026-11-20T21:30:00+07:00"),
    ):
        assert (
            api.post(ORDERS_URL, order_body(number, ordered_at=ordered_at), format="json").status_code == 201
        )
    body = {
        "number": "DP-1",
        "kind": "cash_in",
        "received_at": "2026-11-21T07:05:00+07:00",
        "amount": "100000",
        "payment_method": "cash",
    }
    assert api.post("/api/v1/outlets/JKT01/deposits/", body, format="json").status_code == 201
    client.force_login(tenant.owner)

    html = client.get("/").content.decode()

    latest = html[html.index('data-testid="activities"') :]
    rows = re.findall(r'<td class="code">([^<]+)</td>.*?data-field="happened">([^<]+)</td>', latest, re.S)
    assert rows == [
        ("ORD-A", "2026-11-21 08:00"),
        ("DP-1", "2026-11-21 07:05"),
        ("ORD-B", "2026-11-20 21:30"),
    ]


def test_staff_can_view_the_dashboard_and_the_keys_without_managing_them(client, tenant):
    client.force_login(tenant.staff)

    dashboard = client.get("/")
    keys = client.get("/api-keys/")

    assert dashboard.status_code == 200
    assert [row.outlet.code for row in dashboard.context["rows"]] == ["BALI1", "JKT01"]
    assert keys.status_code == 200
    assert [key.name for key in keys.context["keys"]] == ["POS"]
    assert b"Create key" not in keys.content
    assert b"/revoke/" not in keys.content


def test_the_keys_page_lists_only_the_stores_keys(client, tenant, outsider):
    client.force_login(tenant.owner)

    response = client.get("/api-keys/")

    ours = key_of(tenant.api_key)
    assert [key.pk for key in response.context["keys"]] == [ours.pk]
    assert b"Create key" in response.content
    assert f'action="/api-keys/{ours.pk}/revoke/"'.encode() in response.content


def test_the_owner_creates_a_key_shown_once_and_stored_only_as_a_hash(client, tenant):
    client.force_login(tenant.owner)

    response = client.post("/api-keys/create/", {"name": "Kasir 2"})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    raw = response.context["raw_key"]
    assert raw.startswith("isk_")
    assert raw in response.content.decode()
    assert b"Copy this key now" in response.content
    key = ApiKey.objects.get(store=tenant.store, name="Kasir 2")
    assert (key.key_hash, key.prefix, key.created_by, key.revoked_at) == (
        api_key_hash(raw),
        raw[:10],
        tenant.owner,
        None,
    )
    assert raw not in client.get("/api-keys/").content.decode()
    outlets = api_with(raw).get("/api/v1/outlets/")
    assert outlets.status_code == 200
    assert [o["code"] for o in outlets.json()["outlets"]] == ["BALI1", "JKT01"]


def test_a_key_needs_a_name(client, tenant):
    client.force_login(tenant.owner)

    response = client.post("/api-keys/create/", {"name": "  "})

    assert response.status_code == 200
    assert response.context["form"].errors == {"name": ["This field is required."]}
    assert list(ApiKey.objects.filter(store=tenant.store).values_list("name", flat=True)) == ["POS"]


def test_staff_cannot_create_a_key(client, tenant):
    client.force_login(tenant.staff)

    response = client.post("/api-keys/create/", {"name": "Sneaky"})

    assert response.status_code == 403
    assert list(ApiKey.objects.filter(store=tenant.store).values_list("name", flat=True)) == ["POS"]


def test_staff_cannot_revoke_a_key(client, tenant):
    client.force_login(tenant.staff)
    key = key_of(tenant.api_key)

    response = client.post(f"/api-keys/{key.pk}/revoke/")

    assert response.status_code == 403
    key.refresh_from_db()
    assert key.revoked_at is None


def test_revoking_another_stores_key_is_404(client, tenant, outsider):
    client.force_login(tenant.owner)
    theirs = key_of(outsider.api_key)

    response = client.post(f"/api-keys/{theirs.pk}/revoke/")

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert outsider.api().get("/api/v1/outlets/").status_code == 200


def test_revoking_by_get_is_not_allowed(client, tenant):
    client.force_login(tenant.owner)
    key = key_of(tenant.api_key)

    assert client.get(f"/api-keys/{key.pk}/revoke/").status_code == 405
    key.refresh_from_db()
    assert key.revoked_at is None


def test_a_revoked_key_is_refused_by_the_api(client, tenant):
    client.force_login(tenant.owner)
    key = key_of(tenant.api_key)
    assert tenant.api().get("/api/v1/outlets/").status_code == 200

    response = client.post(f"/api-keys/{key.pk}/revoke/")

    assert (response.status_code, response["Location"]) == (302, "/api-keys/")
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert tenant.api().get("/api/v1/outlets/").status_code == 401
