"""Push products: start a push (its batches and their activity rows), run one batch, resume stalls.

A push is written in one transaction and its task enqueued after commit. A task runs one batch at a
time: it claims the batch with a row lock, calls Accurate outside any transaction, then records the
outcome with a conditional update, so a worker that lost its claim cannot count a batch twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, F, Max, Q, QuerySet
from django.db.models.functions import Trim
from django.utils import timezone
from django.utils.translation import gettext

from accurate import AccurateError, ErrorKind, RecordResult
from accurate.client import BULK_LIMIT
from iseller_accurate.logs import log_context
from iseller_accurate.retry import product_push_retry
from mapping.products.checks import product_problems_message
from mapping.selectors import connection_for_store, sync_settings_for
from mapping.services.credentials import accurate_client_for
from outlets.models import Product, Store
from sync.dispatch import pushes_enqueue_for_store
from sync.models import ProductPush, ProductPushBatch, SyncActivity
from sync.ops.counters import product_push_batch_done, product_push_batch_retried

from .mapper import item_payload

Batch = ProductPushBatch.Status
Activity = SyncActivity.Status
BATCH_SIZE = BULK_LIMIT
# A batch refused as a whole for a retryable reason is tried this many times in all, then Failed;
# it waits between tries by the product push retry policy (iseller_accurate/retry.py: 5 s doubling
# to 5 min by default, PRODUCT_PUSH_RETRY_BASE_SECONDS and PRODUCT_PUSH_RETRY_MAX_SECONDS).
MAX_ATTEMPTS = 5
# A push whose pending batches have not moved for this long lost its task (a broker message gone
# with a worker): the beat enqueues it again. Longer than the longest backoff, so a batch waiting
# for its retry is not sent early.
STALL = 2 * product_push_retry().maximum
STOPPED = "The worker stopped while pushing; it will be tried again."


class PushRefused(Exception):
    """Why a push cannot start, in merchant words."""


def products_to_push(store: Store) -> QuerySet[Product]:
    """The store's active products with a SKU (trimmed, as Accurate will see it), oldest first."""
    return (
        Product.objects.filter(store=store, active=True)
        .annotate(code=Trim("sku"))
        .exclude(code="")
        .order_by("id")
    )


def product_push_start(*, store: Store, user: User) -> ProductPush:
    """Start pushing the store's products: the push, its batches of 100 and one Pending activity row
    per batch, in one transaction; the first task is enqueued after commit. Raises PushRefused."""
    connection = connection_for_store(store)
    if connection is None or not connection.is_connected or not connection.host:
        raise PushRefused(gettext("Connect the store to an Accurate database first."))
    problems = product_problems_message(store)
    if problems:
        raise PushRefused(problems)
    with transaction.atomic():
        # The store's row lock makes "one running push per store" hold for two presses at once.
        Store.objects.select_for_update().get(pk=store.pk)
        if ProductPush.objects.filter(store=store, status=ProductPush.Status.RUNNING).exists():
            raise PushRefused(gettext("A push of products is already running; wait for it to finish."))
        ids = list(products_to_push(store).values_list("id", flat=True))
        if not ids:
            raise PushRefused(gettext("The store has no active product with a SKU to push."))
        chunks = [ids[start : start + BATCH_SIZE] for start in range(0, len(ids), BATCH_SIZE)]
        push = ProductPush.objects.create(
            store=store,
            connection=connection,
            started_by=user,
            products_total=len(ids),
            batches_total=len(chunks),
        )
        batches = ProductPushBatch.objects.bulk_create(
            ProductPushBatch(push=push, position=n, product_ids=chunk) for n, chunk in enumerate(chunks, 1)
        )
        SyncActivity.objects.bulk_create(
            SyncActivity(
                store=store,
                outlet=None,  # a store-level row: the items belong to no one outlet
                kind=SyncActivity.Kind.PRODUCT_PUSH,
                pos_number=f"PUSH-{push.pk}-{batch.position}/{len(chunks)}",
                product_batch=batch,
            )
            for batch in batches
        )
        push_id = push.pk
        transaction.on_commit(lambda: _enqueue(push_id))
    return push


def _enqueue(push_id: int) -> None:
    # Imported here: a cycle, sync.tasks imports this module at its top.
    from sync.tasks import push_products

    push_products.delay(push_id)


@dataclass(frozen=True)
class BatchOutcome:
    """What one run did. `batch_id` None: no batch was left to claim."""

    batch_id: int | None
    retry_in: float | None = None  # seconds: the batch is Pending again after a retryable error


def product_push_next(*, push_id: int) -> BatchOutcome:
    """Claim the push's next Pending batch, send it to Accurate, record the outcome."""
    batch = _claim(push_id)
    if batch is None:
        _finish_if_done(push_id)
        return BatchOutcome(None)
    with log_context(store_id=batch.push.store_id, connection_id=batch.push.connection_id):
        records, not_sent = _payloads(batch)
        try:
            results = accurate_client_for(batch.push.connection).bulk_save("item", records) if records else []
        except AccurateError as error:
            return _record_error(batch, error)
        _record_results(batch, results, not_sent)
    return BatchOutcome(batch.pk)


def _claim(push_id: int) -> ProductPushBatch | None:
    now = timezone.now()
    with transaction.atomic():
        batch = (
            ProductPushBatch.objects.select_for_update(skip_locked=True)
            .filter(push_id=push_id, status=Batch.PENDING, push__status=ProductPush.Status.RUNNING)
            .order_by("position")
            .first()
        )
        if batch is None:
            return None
        batch.status = Batch.RUNNING
        batch.attempts += 1
        batch.save(update_fields=["status", "attempts", "updated_at"])
        activity = SyncActivity.objects.filter(product_batch=batch)
        activity.filter(started_at__isnull=True).update(started_at=now)
        activity.update(status=Activity.RUNNING, attempts=batch.attempts, updated_at=now)
    return ProductPushBatch.objects.select_related("push__connection").get(pk=batch.pk)


def _payloads(batch: ProductPushBatch) -> tuple[list[dict[str, Any]], int]:
    """The item records of the batch's products that can still be pushed, and how many cannot."""
    products = products_to_push(batch.push.store).filter(pk__in=batch.product_ids)
    tax_name = sync_settings_for(batch.push.store).tax_name
    records = [item_payload(product, tax_name) for product in products]
    return records, len(batch.product_ids) - len(records)


def already_in_accurate(error: AccurateError | None) -> bool:
    """Accurate refused the record because it has an item with this code: not a failure. A clash on
    any other field (a barcode) is one: that item is not in Accurate."""
    # The client reads "Sudah ada data lain dengan Kode Barang …" as a duplicate number (the code).
    return error is not None and error.kind is ErrorKind.duplicate_number


def refusal_message(result: RecordResult) -> str:
    """Why Accurate refused one item, naming the field and value of a clash, and the fix."""
    error = result.error
    if error is not None and error.kind is ErrorKind.duplicate_value and error.clash:
        field, value = error.clash
        return (
            f"{result.number}: Accurate already has another item with {field} {value}. Give this "
            f"product its own {field} at the POS (or change the other item in Accurate), then push again."
        )
    return f"{result.number}: {error}"


def _record_results(batch: ProductPushBatch, results: Sequence[RecordResult], not_sent: int) -> None:
    created = sum(1 for r in results if r.ok)
    existing = sum(1 for r in results if not r.ok and already_in_accurate(r.error))
    messages = [refusal_message(r) for r in results if not r.ok and not already_in_accurate(r.error)]
    if not_sent:
        messages.append(
            f"{not_sent} product(s) were deactivated, deleted or lost their SKU after the push "
            "started; they were not sent."
        )
    failed = len(results) - created - existing + not_sent
    _finish_batch(batch, created=created, existing=existing, failed=failed, messages=messages)


def _record_error(batch: ProductPushBatch, error: AccurateError) -> BatchOutcome:
    if error.retryable and batch.attempts < MAX_ATTEMPTS:
        reason = f"{error} (attempt {batch.attempts} of {MAX_ATTEMPTS})"
        with transaction.atomic():
            moved = ProductPushBatch.objects.filter(
                pk=batch.pk, status=Batch.RUNNING, attempts=batch.attempts
            ).update(status=Batch.PENDING, messages=[reason], updated_at=timezone.now())
            if moved:
                SyncActivity.objects.filter(product_batch=batch).update(
                    status=Activity.PENDING, status_reason=reason, updated_at=timezone.now()
                )
                product_push_batch_retried()
        return BatchOutcome(batch.pk, retry_in=product_push_retry().delay(batch.attempts).total_seconds())
    failed = len(batch.product_ids)
    _finish_batch(batch, created=0, existing=0, failed=failed, messages=[str(error)])
    return BatchOutcome(batch.pk)


def _finish_batch(
    batch: ProductPushBatch, *, created: int, existing: int, failed: int, messages: list[str]
) -> None:
    status = Batch.SUCCESS if failed == 0 else Batch.FAILED
    now = timezone.now()
    with transaction.atomic():
        # Only the worker holding the claim records: a batch requeued after a stall and claimed
        # again has a higher attempt number.
        claimed = ProductPushBatch.objects.filter(pk=batch.pk, status=Batch.RUNNING, attempts=batch.attempts)
        if not claimed.update(
            status=status,
            created=created,
            existing=existing,
            failed=failed,
            messages=messages,
            finished_at=now,
            updated_at=now,
        ):
            return
        SyncActivity.objects.filter(product_batch=batch).update(
            status=Activity.SUCCESS if status == Batch.SUCCESS else Activity.FAILED,
            status_reason=_summary(created, existing, failed, messages),
            completed_at=now,
            updated_at=now,
        )
        ProductPush.objects.filter(pk=batch.push_id).update(
            batches_done=F("batches_done") + 1,
            created=F("created") + created,
            existing=F("existing") + existing,
            failed=F("failed") + failed,
        )
        product_push_batch_done(
            failed_batch=status == Batch.FAILED, created=created, existing=existing, failed=failed
        )
    _finish_if_done(batch.push_id)


def _summary(created: int, existing: int, failed: int, messages: list[str]) -> str:
    summary = f"{created} created, {existing} already in Accurate, {failed} failed."
    return " ".join([summary, *messages[:5]])


def _finish_if_done(push_id: int) -> None:
    open_batches = ProductPushBatch.objects.filter(push_id=push_id, status__in=[Batch.PENDING, Batch.RUNNING])
    if open_batches.exists():
        return
    with transaction.atomic():
        finished = ProductPush.objects.filter(pk=push_id, status=ProductPush.Status.RUNNING).update(
            status=ProductPush.Status.DONE, finished_at=timezone.now()
        )
        if finished:
            store_id = ProductPush.objects.values_list("store_id", flat=True).get(pk=push_id)
            activities_retry_missing_items(store_id=store_id, now=timezone.now())


def activities_retry_missing_items(*, store_id: int, now: datetime) -> int:
    """Send again, now, the store's documents that failed for an item Accurate did not have (or a
    product without a usable SKU): a push just ended, so they may go through. Returns how many.

    Call it inside a transaction: the pushes are enqueued once it commits."""
    count = SyncActivity.objects.filter(
        store_id=store_id, status=Activity.FAILED, failure_cause=SyncActivity.Cause.MISSING_ITEM
    ).update(
        status=Activity.PENDING,
        due_at=now,
        started_at=None,  # a new start: the give-up clock counts from the next claim
        completed_at=None,
        status_reason="",
        failure_cause="",
        updated_at=now,
    )
    if count:
        transaction.on_commit(lambda: pushes_enqueue_for_store(store_id))
    return count


def product_pushes_resume(
    *, now: datetime, running_timeout: timedelta, stall: timedelta = STALL
) -> list[int]:
    """Beat: batches a dead worker left Running go back to Pending, pushes that are done but not
    marked so are closed, and the ids of pushes whose pending batches stalled are returned, to be
    enqueued again (a second task for a push is harmless: each batch is claimed once)."""
    stale = ProductPushBatch.objects.filter(status=Batch.RUNNING, updated_at__lt=now - running_timeout)
    with transaction.atomic():
        stale_ids = list(stale.select_for_update(skip_locked=True).values_list("id", "push_id"))
        ProductPushBatch.objects.filter(pk__in=[b for b, _ in stale_ids]).update(
            status=Batch.PENDING, updated_at=now
        )
        SyncActivity.objects.filter(product_batch__in=[b for b, _ in stale_ids]).update(
            status=Activity.PENDING, status_reason=STOPPED, updated_at=now
        )
    running = ProductPush.objects.filter(status=ProductPush.Status.RUNNING).annotate(
        open=Count("batches", filter=Q(batches__status__in=[Batch.PENDING, Batch.RUNNING])),
        last_move=Max("batches__updated_at"),
    )
    for push_id in running.filter(open=0).values_list("id", flat=True):
        _finish_if_done(push_id)
    stalled = set(running.filter(open__gt=0, last_move__lt=now - stall).values_list("id", flat=True))
    return sorted(stalled | {push_id for _, push_id in stale_ids})
