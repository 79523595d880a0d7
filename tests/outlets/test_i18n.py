"""The back office in Bahasa Indonesia: the merchant picks the language in the top bar (a cookie),
or the browser asks for it; English is the default. The catalogue is complete and compiled."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from outlets.models import ApiKey

pytestmark = pytest.mark.django_db

ORDERS_URL = "/api/v1/outlets/JKT01/orders/"
CATALOGUE = Path(settings.BASE_DIR) / "locale" / "id" / "LC_MESSAGES"


def in_indonesian() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    return client


def test_the_dashboard_is_in_english_by_default(client, tenant, order_body):
    assert tenant.api().post(ORDERS_URL, order_body("ORD-1"), format="json").status_code == 201
    client.force_login(tenant.owner)

    html = client.get("/").content.decode()

    assert '<html lang="en">' in html
    assert "<h1>Dashboard</h1>" in html
    assert "<td>Sale</td>" in html
    assert '<span class="badge pending">Pending</span>' in html


def test_the_dashboard_speaks_indonesian_when_the_language_cookie_says_so(tenant, order_body):
    assert tenant.api().post(ORDERS_URL, order_body("ORD-1"), format="json").status_code == 201
    client = in_indonesian()
    client.force_login(tenant.owner)

    html = client.get("/").content.decode()

    assert '<html lang="id">' in html
    assert "<h1>Dasbor</h1>" in html
    assert "<h2>Dokumen terbaru untuk disinkronkan</h2>" in html
    headers = (
        '<th class="num">Menunggu</th><th class="num">Gagal</th><th class="num">Tersinkron hari ini</th>'
    )
    assert headers in html
    assert "<td>Penjualan</td>" in html
    assert '<span class="badge pending">Menunggu</span>' in html
    assert "<th>Tanggal (Asia/Jakarta)</th>" in html
    assert '<span class="role">Pemilik</span>' in html
    assert ">Keluar</button>" in html
    # Money keeps the rupiah format in both languages.
    assert "Rp " in html


def test_the_browsers_accept_language_picks_indonesian(tenant):
    client = Client(headers={"accept-language": "id-ID,id;q=0.9,en;q=0.8"})
    client.force_login(tenant.owner)

    html = client.get("/").content.decode()

    assert "<h1>Dasbor</h1>" in html


def test_the_cookie_wins_over_the_browser(tenant):
    client = Client(headers={"accept-language": "id"})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(tenant.owner)

    assert "<h1>Dashboard</h1>" in client.get("/").content.decode()


def test_the_login_page_speaks_indonesian_and_offers_the_picker(tenant):
    html = in_indonesian().get("/login/").content.decode()

    assert "<title>Masuk · iSeller</title>" in html
    assert "<h1>Masuk</h1>" in html
    assert ">Nama pengguna</label>" in html
    assert ">Kata sandi</label>" in html
    assert 'action="/i18n/setlang/"' in html
    assert 'name="next" value="/login/"' in html
    assert 'value="en" lang="en"' in html
    assert 'aria-pressed="true">Bahasa Indonesia</button>' in html


def test_a_wrong_password_is_refused_in_indonesian(tenant):
    html = in_indonesian().post("/login/", {"username": "kopi-owner", "password": "wrong"}).content.decode()

    # Django's own message, from its Indonesian catalogue.
    assert "Masukkan nama pengguna" in html
    assert "dan sandi yang benar." in html


def test_the_picker_switches_the_language_and_the_choice_stays(client, tenant):
    client.force_login(tenant.owner)
    assert "<h1>API keys</h1>" in client.get("/api-keys/").content.decode()

    picked = client.post("/i18n/setlang/", {"language": "id", "next": "/api-keys/"})

    assert (picked.status_code, picked["Location"]) == (302, "/api-keys/")
    assert picked.cookies[settings.LANGUAGE_COOKIE_NAME].value == "id"
    assert "<h1>Kunci API</h1>" in client.get("/api-keys/").content.decode()
    assert "<h1>Dasbor</h1>" in client.get("/").content.decode()

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert "<h1>Dashboard</h1>" in client.get("/").content.decode()


def test_the_picker_sends_the_merchant_back_to_the_page_they_were_on(client, tenant):
    client.force_login(tenant.owner)

    html = client.get("/api-keys/").content.decode()

    assert 'name="next" value="/api-keys/"' in html


def test_the_403_page_speaks_indonesian(tenant):
    client = in_indonesian()
    client.force_login(User.objects.create_user(username="drifter", password="pw-drifter-123"))

    response = client.get("/")

    assert response.status_code == 403
    assert "<h1>Tidak diizinkan</h1>" in response.content.decode()
    assert "Akun ini tidak terdaftar di toko mana pun." in response.content.decode()


def test_messages_after_an_action_speak_indonesian(tenant):
    client = in_indonesian()
    client.force_login(tenant.owner)
    key = ApiKey.objects.get(store=tenant.store)

    response = client.post(f"/api-keys/{key.pk}/revoke/", follow=True)

    assert f"Kunci “POS” ({key.prefix}…) sudah dicabut." in response.content.decode()


# --- the catalogue ---


def po_entries(path: Path) -> list[dict[str, str]]:
    """The .po file's entries: flags, msgctxt, msgid, msgid_plural and each msgstr, strings joined."""
    entries: list[dict[str, str]] = []
    entry: dict[str, str] = {}
    key = ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if "msgid" in entry:
                entries.append(entry)
            entry, key = {}, ""
        elif line.startswith("#,"):
            entry["flags"] = line[2:]
        elif match := re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$', line):
            key = match.group(1)
            entry[key] = match.group(2)
        elif line.startswith('"') and key:
            entry[key] += line[1:-1]
    return entries


def unescape(text: str) -> str:
    """The escapes a .po file uses: \\n, \\" and \\\\."""
    return re.sub(r"\\(.)", lambda match: {"n": "\n", "t": "\t"}.get(match.group(1), match.group(1)), text)


def test_every_string_of_the_catalogue_is_translated_and_none_is_fuzzy():
    entries = po_entries(CATALOGUE / "django.po")

    assert len(entries) > 300
    assert [e["msgid"] for e in entries if "fuzzy" in e.get("flags", "")] == []
    untranslated = [
        e["msgid"]
        for e in entries[1:]
        if not all(value for name, value in e.items() if name.startswith("msgstr"))
    ]
    assert untranslated == []


def test_the_compiled_catalogue_matches_the_po_file():
    with (CATALOGUE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)

    stale = []
    for entry in po_entries(CATALOGUE / "django.po")[1:]:
        msgid = unescape(entry["msgid"])
        wanted = unescape(entry.get("msgstr", entry.get("msgstr[0]", "")))
        if "msgctxt" in entry:
            got = catalogue.pgettext(unescape(entry["msgctxt"]), msgid)
        elif "msgid_plural" in entry:
            got = catalogue.ngettext(msgid, unescape(entry["msgid_plural"]), 1)
        else:
            got = catalogue.gettext(msgid)
        if got != wanted:
            stale.append(msgid)
    assert stale == []
