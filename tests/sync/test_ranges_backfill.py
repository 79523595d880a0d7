"""Backfill against the live sandbox: the preview counts what goes and what stays, the release makes
held and Failed rows of the range due, and what Accurate already has is never sent again."""

from __future__ import annotations

import pytest
from django.utils import timezone

from sync.models import SyncActivity
from sync.ranges.backfill import backfill_preview, range_backfill
from sync.ranges.selection import range_rows
from tests.sync.engine_helpers import make_ready, post, push
from tests.sync.range_helpers import chosen, push_all, rows

pytestmark = pytest.mark.embedded

BAD_LINE = {"product": "P3", "quantity": "1", "unit_price": "30000"}
ADJUSTMENT = {
    "number": "A-1",
    "adjusted_at": "2026-11-20T08:00:00+07:00",
    "reason": "Rusak",
    "lines": [{"product": "P1", "quantity": "-2", "unit_cost": "4000"}],
}


def a_store_with_every_state(tenant, connected, order_body):
    """ORD-1 in Accurate, ORD-5 Failed (an item Accurate lacks), ORD-2 held, all on 20 November;
    ORD-3 held on the 23rd; the adjustment A-1 of the 20th in Accurate."""
    make_ready(tenant, connected)
    tenant.products[2].__class__.objects.filter(pk=tenant.products[2].pk).update(sku="SKU-NEW")
    post(tenant, "orders/", order_body("ORD-1"))
    one_item = {"tax": "0", "total": "30000", "payments": [{"method": "cash", "amount": "30000"}]}
    post(tenant, "orders/", order_body("ORD-5", lines=[BAD_LINE], **one_item))
    post(tenant, "adjustments/", ADJUSTMENT)
    push_all(tenant, connected)
    post(tenant, "orders/", order_body("ORD-2"))
    post(tenant, "orders/", order_body("ORD-3", ordered_at="2026-11-23T10:00:00+07:00"))


def test_the_preview_counts_what_goes_and_what_stays(tenant, connected, accurate_at, order_body):
    a_store_with_every_state(tenant, connected, order_body)

    preview = backfill_preview(chosen(tenant, "sales", "adjustments", "refunds", end="2026-11-20"))

    assert {g: (c.to_send, c.landed, c.running, c.inactive) for g, c in preview.groups.items()} == {
        "sales": (2, 1, 0, 0),
        "adjustments": (0, 1, 0, 0),
        "refunds": (0, 0, 0, 0),
    }
    assert (preview.to_send, preview.landed) == (2, 2)


def test_backfill_releases_held_and_failed_rows_of_the_range_only(tenant, connected, accurate_at, order_body):
    a_store_with_every_state(tenant, connected, order_body)
    landed = rows()[("order", "ORD-1")]
    now = timezone.now()

    released = range_backfill(chosen=chosen(tenant, "sales", end="2026-11-20"), now=now)

    assert released == 2
    found = rows()
    assert (found[("order", "ORD-2")].status, found[("order", "ORD-2")].due_at) == ("pending", now)
    ord5 = found[("order", "ORD-5")]
    assert (ord5.status, ord5.due_at, ord5.status_reason, ord5.completed_at) == ("pending", now, "", None)
    assert (found[("order", "ORD-3")].status, found[("order", "ORD-3")].due_at) == ("pending", None)
    assert (found[("order", "ORD-1")].status, found[("order", "ORD-1")].updated_at) == (
        "success",
        landed.updated_at,
    )


def test_backfill_never_posts_again_what_accurate_has(tenant, connected, accurate_at, order_body):
    make_ready(tenant, connected)
    post(tenant, "orders/", order_body("ORD-1"))
    post(tenant, "orders/", order_body("ORD-2", payments=[{"method": "qris", "amount": "41800"}]))
    push_all(tenant, connected)
    post(tenant, "orders/", order_body("ORD-6"))  # held, same day
    before = accurate_at.inspect()
    ids = {doc["number"]: doc["id"] for doc in accurate_at.documents("sales-invoice")}

    assert range_backfill(chosen=chosen(tenant, "sales"), now=timezone.now()) == 1
    push(connected)

    after = accurate_at.inspect()
    assert after["documents"]["101"]["sales-invoice"] == before["documents"]["101"]["sales-invoice"] + 1 == 3
    assert after["documents"]["101"]["sales-receipt"] == before["documents"]["101"]["sales-receipt"] + 1 == 3
    # Only ORD-6's invoice and receipt were saved; the others kept their ids.
    assert after["counters"]["records_saved"] - before["counters"]["records_saved"] == 2
    assert after["counters"].get("duplicate_numbers_refused", 0) == 0
    now_ids = {doc["number"]: doc["id"] for doc in accurate_at.documents("sales-invoice")}
    assert {n: i for n, i in now_ids.items() if n in ids} == ids
    assert set(SyncActivity.objects.values_list("status", flat=True)) == {"success"}


def test_a_day_is_the_outlets_own_day(tenant, connected, accurate_at):
    """A transfer received in Bali at 00:30 WITA on the 21st is the 21st there (23:30 in Jakarta)."""
    make_ready(tenant, connected, items=False)
    post(
        tenant,
        "transfers/",
        {
            "number": "T-9",
            "to_outlet": "BALI1",
            "sent_at": "2026-11-20T08:00:00+07:00",
            "lines": [{"product": "P1", "quantity": "1"}],
        },
    )
    post(tenant, "transfers/T-9/receive/", {"received_at": "2026-11-21T00:30:00+08:00"}, expect=200)

    on_the_20th = range_rows(chosen(tenant, "transfers", start="2026-11-20", end="2026-11-20"))
    on_the_21st = range_rows(chosen(tenant, "transfers", start="2026-11-21", end="2026-11-21"))

    assert sorted(on_the_20th.values_list("kind", flat=True)) == ["transfer_out"]
    assert sorted(on_the_21st.values_list("kind", flat=True)) == ["transfer_in"]
