"""The beat's resume of product pushes: a batch a dead worker left Running, a push whose task was lost."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from sync.models import ProductPushBatch, SyncActivity
from sync.product_push.services import STALL, STOPPED, product_push_start, product_pushes_resume

TIMEOUT = timedelta(minutes=15)


def test_a_batch_left_running_goes_back_to_pending_and_its_push_is_enqueued_again(tenant, connected):
    push = product_push_start(store=tenant.store, user=tenant.owner)
    an_hour_ago = timezone.now() - timedelta(hours=1)
    ProductPushBatch.objects.update(status="running", updated_at=an_hour_ago)
    SyncActivity.objects.update(status="running")

    assert product_pushes_resume(now=timezone.now(), running_timeout=TIMEOUT) == [push.pk]

    assert ProductPushBatch.objects.get().status == "pending"
    assert list(SyncActivity.objects.values_list("status", "status_reason")) == [("pending", STOPPED)]


def test_a_push_that_did_not_move_is_enqueued_again_and_a_moving_one_is_not(tenant, connected):
    push = product_push_start(store=tenant.store, user=tenant.owner)
    now = timezone.now()

    assert product_pushes_resume(now=now, running_timeout=TIMEOUT) == []
    assert product_pushes_resume(now=now + STALL + timedelta(seconds=1), running_timeout=TIMEOUT) == [push.pk]
