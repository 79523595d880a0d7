"""The activity page and the details page in Bahasa Indonesia, when the merchant picked it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from sync.models import SyncActivity

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def language_kept() -> Iterator[None]:
    """A request in Indonesian leaves its language active in this thread: put back the one before."""
    with translation.override(translation.get_language()):
        yield


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


def test_why_a_row_waits_and_why_a_sync_was_refused_are_in_indonesian(tenant, order_body):
    tenant.api().post("/api/v1/outlets/JKT01/orders/", order_body("ORD-1"), format="json")
    activity = SyncActivity.objects.get()
    SyncActivity.objects.update(status="failed", status_reason="x")
    client = as_owner_in(tenant, "id")

    refused = client.post(f"/apps/accurate/activity/{activity.pk}/sync/", follow=True).content.decode()
    SyncActivity.objects.update(status="pending", status_reason="")
    listed = client.get("/apps/accurate/activity/").content.decode()

    assert (
        "Toko belum terhubung ke Accurate: pemilik toko menghubungkannya di halaman Accurate (Aplikasi → "
        "Accurate), lalu sinkronkan lagi. Tidak ada yang diubah."
    ) in refused
    assert "Menunggu toko dihubungkan ke Accurate (Aplikasi → Accurate → Hubungkan ke Accurate)." in listed


def test_a_sales_status_and_a_deposits_kind_are_in_indonesian_on_its_details_page(tenant, order_body):
    api = tenant.api()
    api.post("/api/v1/outlets/JKT01/orders/", order_body("ORD-1"), format="json")
    for number, kind in (("DP-1", "cash_in"), ("DP-2", "customer_deposit")):
        body = {
            "number": number,
            "kind": kind,
            "received_at": "2026-11-20T07:05:00+07:00",
            "amount": "100000",
            "payment_method": "cash",
        }
        assert api.post("/api/v1/outlets/JKT01/deposits/", body, format="json").status_code == 201
    client = as_owner_in(tenant, "id")

    def details(number: str) -> str:
        activity = SyncActivity.objects.get(pos_number=number)
        return client.get(f"/apps/accurate/activity/{activity.pk}/").content.decode()

    sale, cash_in, customer_deposit = details("ORD-1"), details("DP-1"), details("DP-2")
    assert "<dt>Status</dt><dd>Selesai</dd>" in sale
    assert "<h2>Setoran DP-1</h2>" in cash_in
    assert "<dt>Jenis</dt><dd>Kas masuk</dd>" in cash_in
    assert "<dt>Jenis</dt><dd>Uang muka pelanggan</dd>" in customer_deposit
    assert "Uang Muka" not in cash_in


def test_the_activity_list_names_kinds_in_sentence_case(tenant, order_body):
    tenant.api().post("/api/v1/outlets/JKT01/orders/", order_body("ORD-1"), format="json")

    html = as_owner_in(tenant, "id").get("/apps/accurate/activity/").content.decode()

    for kind in (
        "Retur penjualan",
        "Pemindahan barang keluar",
        "Penyesuaian persediaan",
        "Stok opname",
        "Setoran",
    ):
        assert f">{kind}</option>" in html, kind
    assert "<th>Jenis</th>" in html
