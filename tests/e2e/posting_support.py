"""What the browser walk of the posting modes (test_posting_modes_browser.py) adds to the shared
parts: two days of JKT01's sales sent through the POS API, what they must become in Accurate when
the outlet posts one summary per day (written out from the bodies, not through the mappers), and
what the pages say along the walk in English and in Bahasa Indonesia.

The words are written out, as in tests/e2e/article_words.py (whose entries the walk uses too): an
untranslated or reworded string must fail the walk. The Indonesian is locale/id/LC_MESSAGES/
django.po's; `{…}` marks a value the walk fills in. A sentence reworded while the walk was written
(`CATALOGUED`) is read from the catalogue instead, and must be translated there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone, translation

from mapping.models import SyncSettings
from tests.e2e.article_words import LANGUAGES
from tests.e2e.article_words import words as article_words
from tests.e2e.sync_support import (
    METHOD_CODES,
    Expected,
    Processes,
    expected_per_day,
    order_body,
    orders_post,
)

OUTLET = "JKT01"
OWNER_PASSWORD = "pw-owner-123"  # tests/conftest.py's personas
DAY_BEFORE = "2026-11-19"
LAST_DAY = "2026-11-20"  # the outlet's last day of sales: what the mapping page previews
VOIDED = "ORD-00008"  # voided at the POS before anything was sent: in no summary


@dataclass(frozen=True)
class Seeded:
    """The sales the POS sent, and what they must become in Accurate posted one summary per day."""

    bodies: list[dict[str, Any]]
    kept: list[dict[str, Any]] = field(default_factory=list)  # the bodies of the sales not voided

    def expected(self) -> Expected:
        """Every day's summary invoice with the sum of its sales' POS totals, and a receipt per day
        and payment method with the amounts paid by it."""
        return expected_per_day(self.kept, OUTLET)

    def of_day(self, day: str) -> list[dict[str, Any]]:
        return [body for body in self.kept if body["ordered_at"].startswith(day)]

    def day_total(self, day: str) -> Decimal:
        return sum((Decimal(body["total"]) for body in self.of_day(day)), Decimal(0))

    def receipts(self, day: str) -> dict[str, Decimal]:
        """The day's receipts: Accurate number → the amounts paid by that method, summed."""
        found: dict[str, Decimal] = {}
        for body in self.of_day(day):
            for payment in body["payments"]:
                number = f"{invoice_number(day)}-{METHOD_CODES[payment['method']]}"
                found[number] = found.get(number, Decimal(0)) + Decimal(payment["amount"])
        return found


def summary_number(day: str) -> str:
    """The POS-side number of a day's (first) summary: DAY-20261120."""
    return "DAY-" + day.replace("-", "")


def invoice_number(day: str) -> str:
    return f"{OUTLET}-{summary_number(day)}"


def sales_held(store: Any) -> int:
    """The store's schedule: sales every day at an hour two hours ahead, so the sales the POS sends
    now wait for the owner (the default, on shift close, would send these sales without a shift the
    moment the POS API's kick runs). Returns the hour."""
    hour = (timezone.localtime(timezone.now(), ZoneInfo(store.time_zone)).hour + 2) % 24
    assert SyncSettings.objects.filter(store=store).update(sales_on_shift_close=False, sales_hour=hour) == 1
    return hour


def sales_seed(tenant: Any) -> Seeded:
    """Three sales the day before and six on the last day (two paid partly by QRIS, one voided),
    through the POS API while the outlet still posts one invoice per sale: all held by the schedule."""
    sales_held(tenant.store)
    bodies = []
    for n in range(1, 10):
        body = order_body(n, two_methods=n % 3 == 0)
        day, hour = (DAY_BEFORE, 9 + n) if n <= 3 else (LAST_DAY, 5 + n)
        body["ordered_at"] = f"{day}T{hour:02d}:30:00+07:00"
        bodies.append(body)
    orders_post(tenant, bodies)
    voided = tenant.api().post(
        f"/api/v1/outlets/{OUTLET}/orders/{VOIDED}/void/",
        {"voided_at": f"{LAST_DAY}T21:00:00+07:00"},
        format="json",
    )
    assert voided.status_code == 200, voided.content
    return Seeded(bodies, [body for body in bodies if body["number"] != VOIDED])


KICKED = re.compile(
    r"Task sync\.tasks\.dispatch_store\[([0-9a-f-]+)\] (received|succeeded in [\d.]+s: (\d+))"
)


def kicks_settled(stack: Processes) -> None:
    """Until the worker ran every dispatch the POS API kicked (sync/kick.py: the schedule applied
    `KICK_S` after the sales came), each releasing nothing: a kick running after the owner switched
    to one summary per day would send the summaries before Sync now."""
    worker = next(started for started in stack.started if started.name == "worker")

    def settled() -> bool:
        received, released = set(), {}
        for task, state, count in KICKED.findall(worker.log()):
            if state == "received":
                received.add(task)
            else:
                released[task] = int(count)
        return bool(received) and received <= set(released)

    stack.wait_until("the POS API's kicks dispatched", settled, timeout=30)
    released = [int(count) for _task, _state, count in KICKED.findall(worker.log()) if count]
    assert set(released) == {0}, f"the schedule released sales: {released}"


POSTING_WORDS: dict[str, tuple[str, str]] = {
    # The outlet mapping page
    "posting_mode": ("Posting mode", "Cara posting"),
    "sales_go_as": ("Sales go to Accurate as", "Penjualan dikirim ke Accurate sebagai"),
    "per_day": ("One summary invoice per day", "Satu faktur ringkasan per hari"),
    "posting_help": (
        "A summary is one sales invoice for the shift (sent when it closes) or for the outlet's day (sent "
        "after its midnight), one line per item, with one receipt per payment method. Sales that reach us "
        "after their summary was sent go in a second part with its own number. Switching applies only to "
        "sales not yet sent to Accurate: those already there stay as they are.",
        "Ringkasan adalah satu faktur penjualan untuk shift (dikirim saat shift ditutup) atau untuk hari "
        "outlet (dikirim setelah tengah malam outlet), satu baris per barang, dengan satu penerimaan per "
        "metode pembayaran. Penjualan yang sampai setelah ringkasannya terkirim masuk ke bagian kedua "
        "dengan nomornya sendiri. Perubahan ini hanya berlaku untuk penjualan yang belum terkirim ke "
        "Accurate: yang sudah ada di sana tetap seperti apa adanya.",
    ),
    "sales_summary": ("Sales summary", "Ringkasan penjualan"),
    "sales_invoice": ("Sales invoice", "Faktur penjualan"),
    "sales_receipt": ("Sales receipt", "Penerimaan penjualan"),
    "total": ("Total", "Total"),
    # The activity pages
    "covered": ("{count} sales in this summary", "{count} penjualan dalam ringkasan ini"),
    "in_summary": (
        "This outlet posts its sales as summaries: this sale goes to Accurate in the sales summary "
        "{number}, and its status is the summary's.",
        "Outlet ini memposting penjualannya sebagai ringkasan: penjualan ini masuk ke Accurate dalam "
        "ringkasan penjualan {number}, dan statusnya mengikuti status ringkasan itu.",
    ),
    # Backfill or undo a date range
    "ranges": ("Backfill or undo a date range", "Kirim ulang atau batalkan rentang tanggal"),
    "undo_button": ("Undo…", "Batalkan…"),
    "undo_summary": (
        "{rows} POS document between {start} and {end} will be taken out of Accurate: {documents} "
        "documents there are deleted.",
        "{rows} dokumen POS antara {start} dan {end} akan dikeluarkan dari Accurate: {documents} dokumen "
        "di sana dihapus.",
    ),
    "confirm_undo": ("Confirm: delete from Accurate", "Konfirmasi: hapus dari Accurate"),
    "undo_title": ("Undo a date range", "Batalkan rentang tanggal"),
    "undo_done": ("Done.", "Selesai."),
    "sync_range_again": ("Sync this range again…", "Kirim ulang rentang ini…"),
    "backfill_summary": (
        "{count} document between {start} and {end} will be sent; {landed} already in Accurate are left "
        "as they are.",
        "{count} dokumen antara {start} dan {end} akan dikirim; {landed} yang sudah ada di Accurate "
        "dibiarkan apa adanya.",
    ),
    "confirm_backfill": ("Confirm: sync again", "Konfirmasi: kirim ulang"),
    "backfill_sent": (
        "Sending {count} document to Accurate. Follow it on the activity page.",
        "Mengirim {count} dokumen ke Accurate. Pantau di halaman aktivitas.",
    ),
}


# Sentences reworded while this walk was written, whose Indonesian the catalogue did not have yet:
# the English as the template says it, the Indonesian read from the catalogue (locale/id), and the
# walk checks that it is a translation (`untranslated`).
CATALOGUED: dict[str, str] = {
    "preview_summaries": (
        "This outlet posts its sales, and the refunds given in their shift or day, as summaries. Its last "
        "day would have become the summaries below; the latest documents after them show each document on "
        "its own."
    ),
}


def words(language: str) -> dict[str, str]:
    """The walk's expected texts in `language` ("en" or "id"): the article walk's and these."""
    index = LANGUAGES.index(language)
    with translation.override(language):
        looked_up = {key: translation.gettext(msgid) for key, msgid in CATALOGUED.items()}
    return article_words(language) | {key: pair[index] for key, pair in POSTING_WORDS.items()} | looked_up


def untranslated(language: str, key: str) -> bool:
    """A catalogued sentence the page would show in English although the language is another."""
    return language != LANGUAGES[0] and words(language)[key] == CATALOGUED[key]
