"""Rows due between two beats are dispatched within seconds (sync/kick.py), not at the next beat."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils import timezone

from sync.dispatch import store_dispatch
from sync.models import SyncActivity
from tests.sync.engine_helpers import map_outlet, post

pytestmark = pytest.mark.embedded


@pytest.mark.django_db
def test_a_closed_shift_has_its_sales_dispatched_two_seconds_after_commit(
    tenant, connected, order_body, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.ACCURATE_MAX_IN_FLIGHT = 3
    kicked: list[tuple[tuple[int, ...], float]] = []
    enqueued: list[int] = []
    monkeypatch.setattr(
        "sync.tasks.dispatch_store.apply_async", lambda args, countdown: kicked.append((args, countdown))
    )
    monkeypatch.setattr("sync.tasks.push.delay", lambda connection_id: enqueued.append(connection_id))
    cache.delete(f"sync:kick:{tenant.store.pk}")
    map_outlet(tenant.outlet)
    post(tenant, "shifts/", {"number": "S-1", "cashier": "Sari", "opened_at": "2026-11-20T08:00:00+07:00"})
    with django_capture_on_commit_callbacks(execute=True):
        post(tenant, "orders/", order_body("ORD-1", shift="S-1"))
    assert kicked == [((tenant.store.pk,), 2.0)]  # the sale is held: its kick releases nothing
    assert store_dispatch(store_id=tenant.store.pk, now=timezone.now()) == 0

    cache.delete(f"sync:kick:{tenant.store.pk}")
    with django_capture_on_commit_callbacks(execute=True):
        post(tenant, "shifts/S-1/close/", {"closed_at": "2026-11-20T17:00:00+07:00"}, expect=200)
        post(tenant, "orders/", order_body("ORD-2"))  # a second kick within 2 s: the first covers it
    assert kicked[1:] == [((tenant.store.pk,), 2.0)]

    assert store_dispatch(store_id=tenant.store.pk, now=timezone.now()) == 3  # every lane at once
    assert enqueued == [connected.pk] * 3
    assert SyncActivity.objects.filter(due_at__isnull=True).count() == 0
