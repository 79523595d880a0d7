"""The Accurate add-on's pages in Bahasa Indonesia: panels, form labels, refusals and problems."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from mapping.services.outlets import payment_label
from outlets.models import PaymentMethod
from tests.mapping.test_pages import ADDON, addon_for, connection_for, form_post, outlet_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(tenant, monkeypatch):
    """The add-on active and connected with its lists kept; activation reads no fresh lists."""
    monkeypatch.setattr("mapping.services.outlet_submit.accurate_lists_refresh", lambda *, connection: None)
    addon_for(tenant)
    connection_for(tenant)
    return tenant


def indonesian_client(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    client.force_login(user)
    return client


def test_the_addon_page_speaks_indonesian(tenant):
    addon_for(tenant)

    html = indonesian_client(tenant.owner).get(ADDON).content.decode()

    assert '<button type="submit" class="primary">Hubungkan ke Accurate</button>' in html
    assert '<h2><span class="step">2</span> Pemetaan outlet</h2>' in html
    assert '<h2><span class="step">3</span> Pemetaan produk</h2>' in html
    assert '<h2><span class="step">4</span> Jadwal sinkronisasi</h2>' in html
    assert "<legend>Pemindahan barang</legend>" in html
    assert '<label for="id_walk_in_customer_no">Pelanggan umum</label>' in html
    assert '<label for="id_transit_warehouse_name">Gudang transit</label>' in html
    assert '<span class="help">.00 (0 sampai 23)</span>' in html
    assert 'zona waktu <strong data-testid="schedule-zone">Asia/Jakarta</strong>' in html


def test_the_outlet_table_heads_its_state_column_status(ready):
    html = indonesian_client(ready.owner).get(ADDON).content.decode()

    assert "<th>Kode</th><th>Outlet</th><th>Cabang</th><th>Gudang</th><th>Status</th>" in html
    assert "Keadaan" not in html


def test_the_addon_page_is_english_without_a_choice(client, tenant):
    addon_for(tenant)
    client.force_login(tenant.owner)

    html = client.get(ADDON).content.decode()

    assert '<button type="submit" class="primary">Connect to Accurate</button>' in html
    assert '<label for="id_walk_in_customer_no">Walk-in customer</label>' in html


def test_a_refused_schedule_says_why_in_indonesian(tenant):
    addon_for(tenant)
    client = indonesian_client(tenant.owner)
    save = "/apps/accurate/schedule/"

    not_a_number = client.post(save, {"transfers_hour": "x", "sales_hour": "21", "tax_rate": "11"})
    out_of_range = client.post(save, {"transfers_hour": "5", "sales_hour": "24", "tax_rate": "11"})

    assert (
        '<div class="error" data-error="transfers_hour">Isi jam bulat, 0 sampai 23.</div>'
    ) in not_a_number.content.decode()
    assert (
        '<div class="error" data-error="sales_hour">'
        "Pilih jam kirim penjualan sebagai jam bulat dari 0 sampai 23.</div>"
    ) in out_of_range.content.decode()


def test_the_outlet_page_names_its_problems_in_indonesian(ready):
    client = indonesian_client(ready.owner)

    response = client.post(outlet_url(ready.outlet), form_post(action="activate", tax_account_no=""))

    html = response.content.decode()
    assert "<strong>Outlet ini belum dapat diaktifkan:</strong>" in html
    assert '<div class="error" data-problem="tax_account_no">Pilih akun pajak.</div>' in html
    assert "<legend>Akun pembayaran</legend>" in html
    assert ">Akun tunai</label>" in html  # sentence case, the method's name inside the label
    assert ">Simpan dan aktifkan</button>" in html


def test_a_saved_mapping_is_announced_in_indonesian(ready):
    client = indonesian_client(ready.owner)

    response = client.post(outlet_url(ready.outlet), form_post(), follow=True)

    assert "Pemetaan Jakarta Pusat sudah disimpan." in response.content.decode()


@pytest.mark.parametrize(
    ("language", "labels"),
    [
        (
            "en",
            [
                "Cash account",
                "Debit card account",
                "Credit card account",
                "QRIS account",
                "E-wallet account",
                "Bank transfer account",
                "iSellerPay clearing account",
            ],
        ),
        (
            "id",
            [
                "Akun tunai",
                "Akun kartu debit",
                "Akun kartu kredit",
                "Akun QRIS",
                "Akun dompet digital",
                "Akun transfer bank",
                "Akun kliring iSellerPay",
            ],
        ),
    ],
)
def test_each_payment_methods_account_is_labelled_in_sentence_case(language, labels):
    with translation.override(language):
        assert [payment_label(method) for method in PaymentMethod.values] == labels
