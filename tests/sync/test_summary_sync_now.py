""" "Sync now" with an outlet posting one summary per day: it counts the sales it releases, as the page
counts the held ones, and makes due only their summaries (the sales go with them, never alone)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from sync.models import SyncActivity
from sync.schedule import activities_release
from sync.selectors import SALES_KINDS, outbox_queue_by_outlet
from tests.sync.engine_helpers import make_ready, post
from tests.sync.summary_helpers import posting, sale, summaries

pytestmark = pytest.mark.embedded


def test_sync_now_releases_a_days_summary_and_says_how_many_sales_go_with_it(tenant, connected):
    make_ready(tenant, connected)
    posting(tenant.outlet, "per_day")
    for number, day in (("ORD-1", 19), ("ORD-2", 20), ("ORD-3", 20)):
        post(tenant, "orders/", sale(number, ordered_at=f"2026-11-{day}T10:15:00+07:00"))
    post(tenant, "orders/", sale("ORD-9"), outlet="BALI1")  # per sale at the other outlet
    held = outbox_queue_by_outlet(tenant.store)
    assert (held[tenant.outlet.pk].held_sales, held[tenant.other_outlet.pk].held_sales) == (3, 1)
    now = timezone.now()

    released = activities_release(store=tenant.store, kinds=SALES_KINDS, now=now)

    assert released == 3 + 1
    rows = SyncActivity.objects.filter(store=tenant.store)
    assert sorted(rows.filter(due_at=now).values_list("pos_number", flat=True)) == [
        "DAY-20261119",
        "DAY-20261120",
        "ORD-9",
    ]
    assert [s.pos_number for s in summaries(tenant.store)] == ["DAY-20261119", "DAY-20261120"]
    assert list(rows.filter(summary__isnull=False, due_at__isnull=False)) == []
