"""insert_rows and update_rows: plain rows in, model rows out, with defaults and auto times filled in.

Both branch on the database (arrays on PostgreSQL, one statement per row elsewhere): every test here
runs on PostgreSQL and again on SQLite (`make test`'s embedded pass), and expects the same values.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from iseller_accurate.db import insert_rows
from outlets.models import Order, Payment
from sync.models import SyncActivity, SyncAttempt

pytestmark = pytest.mark.embedded


@pytest.mark.django_db
def test_it_inserts_rows_with_their_defaults_and_times(tenant, order_body):
    tenant.api().post("/api/v1/outlets/JKT01/orders/", order_body(), format="json")
    order = Order.objects.get()
    SyncActivity.objects.all().delete()
    before = timezone.now()

    insert_rows(
        SyncActivity,
        [
            {
                "store_id": tenant.store.pk,
                "outlet_id": tenant.outlet.pk,
                "kind": "order",
                "pos_number": 'O\'Brien "1"',
                "order_id": order.pk,
            }
        ],
    )
    insert_rows(Payment, [{"order_id": order.pk, "position": 2, "method": "qris", "amount": Decimal("0.10")}])

    row = SyncActivity.objects.get()
    assert (row.pos_number, row.status, row.attempts, row.status_reason, row.accurate_id) == (
        'O\'Brien "1"',
        "pending",
        0,
        "",
        None,
    )
    assert row.refund_id is None
    assert before <= row.created_at == row.updated_at <= timezone.now()
    assert list(order.payments.values_list("position", "method", "amount", "reference")) == [
        (1, "cash", Decimal("41800.00"), ""),
        (2, "qris", Decimal("0.10"), ""),
    ]


@pytest.mark.django_db
def test_nothing_to_insert_is_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        insert_rows(Payment, [])


@pytest.mark.django_db
def test_it_inserts_json_columns_with_exact_decimals(tenant, order_body):
    tenant.api().post("/api/v1/outlets/JKT01/orders/", order_body(), format="json")
    activity = SyncActivity.objects.get()
    started = timezone.now()

    insert_rows(
        SyncAttempt,
        [
            {
                "activity_id": activity.pk,
                "started_at": started,
                "outcome": "success",
                "sent": [{"number": "JKT01-1", "payload": {"unitPrice": Decimal("12500.50")}}],
                "answered": [],
            }
        ],
    )

    attempt = SyncAttempt.objects.get()
    assert (attempt.sent, attempt.answered, attempt.message) == (
        [{"number": "JKT01-1", "payload": {"unitPrice": "12500.50"}}],
        [],
        "",
    )


@pytest.mark.django_db
def test_update_rows_sets_each_rows_own_values_where_the_claim_still_holds(tenant, order_body):
    from iseller_accurate.db import update_rows

    for number in ("A", "B", "C"):
        tenant.api().post("/api/v1/outlets/JKT01/orders/", order_body(number), format="json")
    a, b, c = SyncActivity.objects.order_by("id")
    SyncActivity.objects.filter(pk__in=[a.pk, b.pk]).update(status="running", attempts=1)

    updated = update_rows(
        SyncActivity,
        [
            {"id": a.pk, "attempts": 1, "status": "success", "accurate_number": "JKT01-A"},
            {"id": b.pk, "attempts": 2, "status": "success", "accurate_number": "JKT01-B"},  # lost claim
            {"id": c.pk, "attempts": 0, "status": "failed", "accurate_number": "JKT01-C"},  # not running
        ],
        match=["id", "attempts"],
        fields=["status", "accurate_number"],
        where={"status": "running"},
    )

    assert updated == 1
    assert list(SyncActivity.objects.order_by("id").values_list("status", "accurate_number")) == [
        ("success", "JKT01-A"),
        ("running", ""),
        ("pending", ""),
    ]


AT = datetime(2026, 11, 20, 3, 15, 30, 250000, tzinfo=UTC)


@pytest.mark.django_db
def test_json_with_decimals_and_datetimes_reads_back_the_same_after_insert_and_update(tenant, order_body):
    from iseller_accurate.db import update_rows

    tenant.api().post("/api/v1/outlets/JKT01/orders/", order_body(), format="json")
    activity = SyncActivity.objects.get()
    sent = [{"payload": {"quantity": Decimal("1.500"), "unitPrice": Decimal("0.10")}, "at": AT}]
    insert_rows(
        SyncAttempt,
        [{"activity_id": activity.pk, "started_at": AT, "outcome": "retry", "sent": sent, "answered": []}],
    )
    attempt = SyncAttempt.objects.get()
    assert (attempt.sent, attempt.answered, attempt.started_at, attempt.duration_ms) == (
        [{"payload": {"quantity": "1.500", "unitPrice": "0.10"}, "at": "2026-11-20T03:15:30.250Z"}],
        [],
        AT,
        0,
    )

    updated = update_rows(
        SyncAttempt,
        [{"id": attempt.pk, "answered": [{"id": 7, "total": Decimal("41800.00"), "at": AT}]}],
        match=["id"],
        fields=["answered"],
    )

    assert updated == 1
    assert SyncAttempt.objects.values_list("answered", flat=True).get() == [
        {"id": 7, "total": "41800.00", "at": "2026-11-20T03:15:30.250Z"}
    ]
