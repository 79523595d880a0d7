"""Totals read back after a backlog, against the live sandbox answering its saves without totals: during
a backlog no list.do is spent per batch; once nothing is due the last lane reads every total (100 per
list.do), a total that differs sends its row back through the push, which corrects it; nothing is
called right without Accurate's figure."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from mapping.models import Connection
from mapping.services.credentials import accurate_client_for
from outlets.models import Product
from sync import dispatch
from sync.engine import run
from sync.engine.totals_check import totals_check
from sync.models import AccurateBinding, SyncActivity, SyncAttempt
from tests.sync.engine_helpers import make_ready, post, push, release, total

pytestmark = pytest.mark.embedded

COFFEE = {"product": "P1", "quantity": "2", "unit_price": "10000"}
RICE = {"product": "P3", "quantity": "1", "unit_price": "30000"}


def sale(number: str, lines: list[dict[str, str]], tax: str, total_: str) -> dict[str, Any]:
    return {
        "number": number,
        "ordered_at": "2026-11-20T10:15:00+07:00",
        "lines": lines,
        "tax": tax,
        "total": total_,
        "payments": [{"method": "cash", "amount": total_}],
    }


@pytest.fixture
def backlog(tenant: Any, connected: Connection, accurate_at: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Three sales, a batch of three counting as a full one; the sandbox answers saves without totals
    and taxes every line of a taxable invoice (ORD-A's untaxed rice gets PPN: Rp 3.300 more)."""
    make_ready(tenant, connected)
    Product.objects.filter(pk=tenant.products[2].pk).update(taxable=False)
    accurate_at.faults(tax_mode="header", answer_totals=False)
    monkeypatch.setattr(run, "CLAIM_LIMIT", 3)
    post(tenant, "orders/", sale("ORD-A", [COFFEE, RICE], "2200", "52200"))
    post(tenant, "orders/", sale("ORD-B", [COFFEE], "2200", "22200"))
    post(tenant, "orders/", sale("ORD-C", [RICE], "0", "30000"))
    release(tenant)
    cache.clear()
    return tenant


def attempts(number: str) -> list[SyncAttempt]:
    return list(SyncAttempt.objects.filter(activity__pos_number=number).order_by("started_at", "id"))


def test_a_backlog_s_totals_are_read_after_it_and_a_difference_is_corrected(backlog, connected, accurate_at):
    push(connected)

    rows = {row.pos_number: row for row in SyncActivity.objects.all()}
    assert {n: (r.status, r.status_reason) for n, r in rows.items()} == {
        "ORD-A": ("success", ""),
        "ORD-B": ("success", ""),
        "ORD-C": ("success", ""),
    }
    invoices = {doc["number"]: total(doc) for doc in accurate_at.documents("sales-invoice")}
    assert invoices == {
        "JKT01-ORD-A": Decimal("52200"),
        "JKT01-ORD-B": Decimal("22200"),
        "JKT01-ORD-C": Decimal("30000"),
    }
    assert list(AccurateBinding.objects.exclude(unchecked_total=None).values_list("number")) == []
    # The batch's first attempt: saved, the totals left for after the backlog (no list.do of its own).
    first = attempts("ORD-B")[0]
    assert [s["number"] for s in first.sent] == ["JKT01-ORD-B", "JKT01-ORD-B-CASH"]
    assert first.message == (
        "Accurate's answer did not give the total of sales invoice JKT01-ORD-B: it is read back once the "
        "rest of the backlog is in Accurate, and the document is sent again if it differs. "
        "Accurate's answer did not give the total of sales receipt JKT01-ORD-B-CASH: it is read back once "
        "the rest of the backlog is in Accurate, and the document is sent again if it differs."
    )
    assert len(attempts("ORD-B")) == 1
    # Read back after the backlog: both totals on the attempt's answers, as a check at save time puts them.
    assert [(a["number"], a["accurate_total"], a["pos_total"]) for a in first.answered] == [
        ("JKT01-ORD-B", "22200", "22200.00"),
        ("JKT01-ORD-B-CASH", "22200", "22200.00"),
    ]
    # ORD-A's invoice differed when read back: sent back through the push, corrected on its rounding line.
    _first, corrected = attempts("ORD-A")
    assert corrected.sent[0]["number"] == "JKT01-ORD-A"
    assert corrected.sent[0]["payload"]["detailExpense"] == [
        {"accountNo": "6102", "expenseName": "Rounding", "expenseAmount": "-3300.00"}
    ]
    assert corrected.message == (
        "Accurate's total of sales invoice JKT01-ORD-A was Rp 55.500, not the POS total Rp 52.200: sent "
        "again with -Rp 3.300 on its rounding line, it now matches."
    )


def test_reading_back_costs_one_list_per_module_and_hundred_documents(backlog, connected, accurate_at):
    before = accurate_at.inspect()["counters"]
    push(connected)
    after = accurate_at.inspect()["counters"]
    # Two bulk-saves for the backlog and one list.do per module read back after it; then ORD-A's row
    # pushed again: its invoice's and receipt's totals read (two lists), the invoice sent again with
    # the difference (one save) and read again (one list).
    assert after["requests"] - before["requests"] == 2 + 2 + 2 + 1 + 1


def test_a_total_not_found_when_read_back_sends_its_row_back(backlog, connected, accurate_at, monkeypatch):
    monkeypatch.setattr(run, "_after_backlog", lambda *a, **k: run.RunResult(1))
    push(connected)
    assert AccurateBinding.objects.exclude(unchecked_total=None).count() == 6
    binding = AccurateBinding.objects.get(number="JKT01-ORD-C")
    binding.number = "JKT01-ORD-GONE"  # Accurate shows no document of that number
    binding.save()

    read = totals_check(connected, accurate_client_for(connected), until=float("inf"))

    assert (read.done, read.again) == (True, 2)
    rows = {row.pos_number: (row.status, row.status_reason) for row in SyncActivity.objects.all()}
    assert rows == {
        "ORD-A": (
            "pending",
            "Accurate's total of sales invoice JKT01-ORD-A is Rp 55.500, not the POS total Rp 52.200: it "
            "is checked and corrected now.",
        ),
        "ORD-B": ("success", ""),
        "ORD-C": (
            "pending",
            "Accurate did not show the total of sales invoice JKT01-ORD-GONE when it was read back: it is "
            "checked again now.",
        ),
    }
    assert AccurateBinding.objects.exclude(unchecked_total=None).count() == 0


def test_one_lane_reads_at_a_time_and_a_refused_read_waits_for_the_next_push(
    backlog, connected, accurate_at, monkeypatch
):
    monkeypatch.setattr(run, "_after_backlog", lambda *a, **k: run.RunResult(1))
    push(connected)
    client = accurate_client_for(connected)
    cache.add(f"sync:totals-check:{connected.pk}", "another lane", 60)
    assert totals_check(connected, client, until=float("inf")).done is True
    assert AccurateBinding.objects.exclude(unchecked_total=None).count() == 6
    cache.clear()
    accurate_at.faults(fail_next=1)

    read = totals_check(connected, client, until=float("inf"))

    assert (read.done, read.again) == (True, 0)
    assert AccurateBinding.objects.exclude(unchecked_total=None).count() == 6


def test_the_dispatcher_wants_one_lane_for_totals_left_to_read(backlog, connected, monkeypatch):
    monkeypatch.setattr(run, "_after_backlog", lambda *a, **k: run.RunResult(1))
    push(connected)
    now = timezone.now()
    assert dispatch.pushes_wanted(connected, now) == 1
    AccurateBinding.objects.update(unchecked_total=None)
    assert dispatch.pushes_wanted(connected, now) == 0


def test_a_small_batch_is_checked_at_once(tenant, connected, accurate_at):
    make_ready(tenant, connected)
    accurate_at.faults(answer_totals=False)
    post(tenant, "orders/", sale("ORD-B", [COFFEE], "2200", "22200"))
    release(tenant)

    push(connected)

    (attempt,) = attempts("ORD-B")
    assert attempt.message == ""
    assert [(a["number"], a.get("accurate_total")) for a in attempt.answered] == [
        ("JKT01-ORD-B", "22200"),
        ("JKT01-ORD-B-CASH", "22200"),
    ]
    assert AccurateBinding.objects.exclude(unchecked_total=None).count() == 0
