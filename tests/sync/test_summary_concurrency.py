"""Sales posted at the same moment, and a push claiming their summary meanwhile: every sale ends in
exactly one summary, none in two, none lost, and none joins a summary after it was claimed."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection as db_connection
from django.utils import timezone

from sync.engine.claim import activities_claim
from sync.models import SyncActivity
from tests.sync.engine_helpers import map_outlet
from tests.sync.summary_helpers import posting, sale

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 6
BATCHES = 4  # per thread, of 5 sales each


def test_concurrent_sales_and_a_claim_put_each_sale_in_exactly_one_summary(tenant):
    if db_connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: nothing concurrent to check")
    map_outlet(tenant.outlet)
    posting(tenant.outlet, "per_day")
    start = threading.Barrier(THREADS + 1)
    errors: list[BaseException] = []
    claimed_with: dict[int, set[int]] = {}

    def poster(thread: int) -> None:
        try:
            start.wait()
            client = tenant.api()
            for batch in range(BATCHES):
                orders = [sale(f"T{thread}-B{batch}-{n}") for n in range(5)]
                answer = client.post("/api/v1/outlets/JKT01/orders/batch/", {"orders": orders}, format="json")
                assert answer.status_code == 200 and answer.json()["created"] == 5, answer.content
        except BaseException as error:
            errors.append(error)
        finally:
            db_connection.close()

    def claimer() -> None:
        try:
            start.wait()
            while not claimed_with:
                now = timezone.now()
                SyncActivity.objects.filter(kind="order_summary", status="pending").update(due_at=now)
                for summary in activities_claim(store_id=tenant.store.pk, now=now, holder="test"):
                    # What it covers at the claim: what its push would send.
                    claimed_with[summary.pk] = set(
                        SyncActivity.objects.filter(summary=summary).values_list("pk", flat=True)
                    )
        except BaseException as error:
            errors.append(error)
        finally:
            db_connection.close()

    threads = [threading.Thread(target=poster, args=(n,)) for n in range(THREADS)]
    threads.append(threading.Thread(target=claimer))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors

    sales = SyncActivity.objects.filter(kind="order")
    assert sales.count() == THREADS * BATCHES * 5
    assert not sales.filter(summary__isnull=True).exists()  # none lost
    per_summary = Counter(sales.values_list("summary_id", flat=True))
    assert sum(per_summary.values()) == THREADS * BATCHES * 5  # one summary each, by construction
    # Nothing joined a summary after its claim: it still covers what it covered then.
    for summary_id, covered in claimed_with.items():
        assert set(sales.filter(summary_id=summary_id).values_list("pk", flat=True)) == covered
    # Parts are numbered one after the other, one open at most (the sales share one tax mode).
    numbers = sorted(SyncActivity.objects.filter(kind="order_summary").values_list("period_part", flat=True))
    assert numbers == list(range(1, len(numbers) + 1))
    assert SyncActivity.objects.filter(kind="order_summary", status="pending", attempts=0).count() <= 1
