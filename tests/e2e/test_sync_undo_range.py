"""End to end: a day of sales in Accurate, undone from the owner's page by a real worker — one
deletion refused on purpose — then sent again with Backfill: every invoice and receipt exactly once
with the POS's amounts, the same numbers as before."""

from __future__ import annotations

import pytest
from django.test import Client

from sync.models import SyncActivity
from tests.e2e.range_support import processes_sharing_broker, tasks_to
from tests.e2e.sync_support import assert_landed_once, expected_of, order_body, orders_post

pytestmark = [pytest.mark.e2e, pytest.mark.embedded, pytest.mark.django_db(transaction=True)]

ORDERS = 30
DAY = {"start": "2026-11-20", "end": "2026-11-20", "kinds": ["sales"]}
REFUSED = "JKT01-ORD-00007"  # paid by debit card: its receipt goes, its invoice stays


def test_a_day_undone_by_a_worker_then_backfilled_lands_once(stack, tenant, settings):
    bodies = [order_body(n, two_methods=n % 3 == 0) for n in range(1, ORDERS + 1)]
    orders_post(tenant, bodies)
    owner = Client()
    owner.force_login(tenant.owner)
    with tasks_to(stack):
        processes_sharing_broker(stack, settings)
        stack.wait_settled(ORDERS)
        stack.sandbox.faults(refuse_delete={REFUSED: "Periode sudah ditutup"})

        answer = owner.post("/apps/accurate/ranges/undo/", {**DAY, "expected": str(ORDERS)})
        assert answer.status_code == 302, answer.content.decode()[-2000:]
        progress = answer["Location"]
        stack.wait_until("the undo done", lambda: "Done." in owner.get(progress).content.decode(), timeout=60)

        assert [d["number"] for d in stack.sandbox.documents("sales-invoice")] == [REFUSED]
        assert stack.sandbox.documents("sales-receipt") == []
        rows = SyncActivity.objects.all()
        assert sorted(rows.values_list("status", flat=True).distinct()) == ["failed", "pending"]
        assert rows.get(status="failed").pos_number == "ORD-00007"
        assert rows.filter(status="pending", due_at__isnull=True).count() == ORDERS - 1
        assert "Periode sudah ditutup" in owner.get(progress).content.decode()

        stack.sandbox.faults(refuse_delete={})
        sent = owner.post("/apps/accurate/ranges/backfill/", {**DAY, "expected": str(ORDERS)})
        assert sent.status_code == 302
        # Embedded, the filesystem broker hands one message a second to the one-process worker, and
        # pushes queued while the undo held a lane are worked through first.
        stack.wait_settled(ORDERS, timeout=100)

    assert set(SyncActivity.objects.values_list("status", flat=True)) == {"success"}
    counters = assert_landed_once(stack, expected_of(bodies))
    assert counters.get("duplicate_numbers_refused", 0) == 0
