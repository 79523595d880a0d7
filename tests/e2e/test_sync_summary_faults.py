"""End to end, posting one summary per day: a real worker against the sandbox while Accurate drops
answers after saving, answers 503, or the worker is killed mid-batch. Every day's summary invoice
and its receipts land exactly once, each with the sum of that day's POS totals to the rupiah."""

from __future__ import annotations

import pytest

from mapping.models import OutletMapping
from sync.models import SyncActivity
from tests.e2e.sync_support import (
    SyncStack,
    assert_landed_once,
    expected_per_day,
    order_body,
    orders_post,
)

pytestmark = [pytest.mark.e2e, pytest.mark.embedded, pytest.mark.django_db(transaction=True)]

ORDERS = 240
DAYS = 20  # 12 sales a day: 20 summaries, each an invoice and a receipt per method


def bodies() -> list[dict]:
    found = []
    for n in range(1, ORDERS + 1):
        body = order_body(n, two_methods=n % 3 == 0)
        body["ordered_at"] = f"2026-11-{n % DAYS + 1:02d}T10:15:00+07:00"
        found.append(body)
    return found


def per_day() -> list[dict]:
    """JKT01 posts one summary per day; the sales to post."""
    OutletMapping.objects.filter(outlet__code="JKT01").update(posting_mode="per_day")
    return bodies()


def summaries_settled() -> int:
    return SyncActivity.objects.filter(kind="order_summary").count()


@pytest.mark.parametrize(
    "faults",
    [{"drop_rate": 0.3, "drop_next": 1}, {"fail_rate": 0.3, "fail_next": 1}],
    ids=["dropped-after-saving", "answered-503"],
)
def test_daily_summaries_land_once_with_exact_totals_under_faulty_answers(stack, tenant, faults):
    posted = per_day()
    orders_post(tenant, posted)
    assert summaries_settled() == DAYS
    stack.sandbox.faults(**faults)
    stack.worker()
    stack.beat()

    stack.wait_settled(ORDERS + DAYS, hurry=True)

    assert_landed_once(stack, expected_per_day(posted))
    assert set(SyncActivity.objects.values_list("status", flat=True)) == {"success"}
    # The sales were never sent on their own: only the summaries were tried.
    assert not SyncActivity.objects.filter(kind="order", attempts__gt=0).exists()
    assert SyncActivity.objects.filter(kind="order_summary", attempts__gte=2).exists()


def invoices_in_accurate(stack: SyncStack) -> int:
    return int(stack.sandbox.inspect()["documents"].get("101", {}).get("sales-invoice", 0))


def test_a_worker_killed_while_sending_summaries_leaves_nothing_missing_and_nothing_twice(stack, tenant):
    posted = per_day()
    orders_post(tenant, posted)
    stack.sandbox.faults(latency_ms=1500)
    doomed = stack.worker("doomed", concurrency=2)
    stack.beat()

    stack.wait_until("a first summary in Accurate", lambda: invoices_in_accurate(stack) >= 1)
    stack.kill(doomed)
    held = set(SyncActivity.objects.filter(status="running").values_list("pk", flat=True))
    assert held, "the kill came too late: no batch was in flight"
    stack.sandbox.faults(latency_ms=0)

    stack.worker("survivor")
    stack.wait_settled(ORDERS + DAYS)

    counters = assert_landed_once(stack, expected_per_day(posted))
    assert counters["duplicate_numbers_refused"] == 0
    assert set(SyncActivity.objects.values_list("status", flat=True)) == {"success"}
