"""The activity page and the details page in Bahasa Indonesia, when the merchant picked it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from sync.models import SyncActivity

pytestmark = pytest.mark.django_db


def as_owner_in(tenant, language: str) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(tenant.owner)
    return client


def test_the_activity_page_renders_its_translations(tenant, order_body):
    assert (
        tenant.api().post("/api/v1/outlets/JKT01/orders/", order_body("ORD-1"), format="json").status_code
        == 201
    )
    SyncActivity.objects.update(status="failed", status_reason="Item SKU-9 is not in Accurate.")

    html = as_owner_in(tenant, "id").get("/apps/accurate/activity/").content.decode()

    assert '<html lang="id">' in html
    for indonesian in (
        "Aktivitas sinkronisasi",
        "Filter",
        "Ekspor CSV",
        "Sinkronkan semua yang gagal",
        "Referensi POS",
        "Alasan",
        "Penjualan",
        "Gagal",
    ):
        assert indonesian in html, indonesian
    assert "Sync all failed" not in html


def test_the_details_page_renders_its_translations_and_english_stays_the_default(tenant, order_body):
    tenant.api().post("/api/v1/outlets/JKT01/orders/", order_body("ORD-1"), format="json")
    activity = SyncActivity.objects.get()

    indonesian = as_owner_in(tenant, "id").get(f"/apps/accurate/activity/{activity.pk}/").content.decode()
    english = as_owner_in(tenant, "en").get(f"/apps/accurate/activity/{activity.pk}/").content.decode()

    assert "Menunggu" in indonesian and "Penjualan" in indonesian
    assert "Pending" in english and "Menunggu" not in english
