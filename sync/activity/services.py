"""Sync again from the activity page: one row, or every Failed row the filters show.

A row goes back to Pending, due now, and the pushes are enqueued once the transaction commits; the
engine then claims it like any other. Both are conditional set-based updates on the row's status, so
a row a worker holds (Running) or one that landed meanwhile is left alone.

Product push batches are not sent again here: their products go again with the next "Push
products" (items Accurate already has are counted as already there), which the page links to.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from outlets.models import Store
from sync.models import SyncActivity

from . import selectors

Status = SyncActivity.Status
Kind = SyncActivity.Kind


class RetryRefused(Exception):
    """Why a row cannot be synced again from here, in merchant words."""


def _requeue(rows: QuerySet[SyncActivity], store: Store) -> int:
    now = timezone.now()
    # A new start: the engine stamps started_at at the next claim, and its give-up clock (a day of
    # retryable errors) counts from there, not from the first try weeks ago.
    count = rows.update(
        status=Status.PENDING,
        due_at=now,
        started_at=None,
        completed_at=None,
        status_reason="",
        updated_at=now,
    )
    if count:
        # Imported here: the dispatcher loads the engine.
        from sync.dispatch import pushes_enqueue_for_store

        store_id = store.pk
        transaction.on_commit(lambda: pushes_enqueue_for_store(store_id))
    return count


def activity_retry(*, store: Store, activity_id: int) -> bool:
    """Send one Failed or Pending row of the store again, now. Returns False when it was neither any
    more (it landed, or a worker holds it). Http404 for another store's row; RetryRefused for a
    product push batch."""
    activity = selectors.activity_for_store(store, activity_id)
    if activity.kind == Kind.PRODUCT_PUSH:
        raise RetryRefused("Products are sent again with “Push products”.")
    rows = SyncActivity.objects.filter(pk=activity.pk, store=store, status__in=selectors.RETRYABLE)
    with transaction.atomic():
        return _requeue(rows, store) == 1


def activities_retry_failed(*, store: Store, filtered_queryset: QuerySet[SyncActivity]) -> int:
    """Send again every Failed row of the store among `filtered_queryset` (what the page's filters
    show, on every page). Product push batches are left out. Returns how many."""
    ids = filtered_queryset.filter(store=store, status=Status.FAILED).exclude(kind=Kind.PRODUCT_PUSH)
    rows = SyncActivity.objects.filter(pk__in=ids.values("pk"), store=store, status=Status.FAILED)
    with transaction.atomic():
        return _requeue(rows, store)
