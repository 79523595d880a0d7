from datetime import timedelta
from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django.utils import timezone

from .digest import failure_digests_send
from .dispatch import dispatch as dispatch_due
from .dispatch import lanes, pushes_enqueue_for_connection, pushes_enqueue_for_store, store_dispatch
from .engine.orphans import activities_take_back, running_timeout
from .engine.run import connection_push
from .product_push import services as product_push
from .ranges.undo import RunState, range_undo_run
from .reconcile.due import reconciliations_queue_due
from .reconcile.services import reconciliation_run


@shared_task(name="sync.tasks.requeue_stale_activities")
def requeue_stale_activities() -> int:
    """Beat, every few seconds: take back the rows of workers that died (their lease ran out) and
    push them again at once, after looking up in Accurate what the dead worker may have saved."""
    now = timezone.now()
    store_ids = activities_take_back(now=now, timeout=running_timeout())
    for store_id in store_ids:
        pushes_enqueue_for_store(store_id, now)
    return len(store_ids)


def _enqueue_next(task: Task[Any, Any], push_id: int) -> None:
    # The next batch goes where this one came from (retries do the same), so a push stays in one lane.
    delivery = task.request.delivery_info or {}
    queue = delivery.get("routing_key")
    if queue and not delivery.get("exchange"):
        push_products.apply_async((push_id,), queue=str(queue))
    else:
        push_products.apply_async((push_id,))


@shared_task(bind=True, name="sync.tasks.push_products", max_retries=product_push.MAX_ATTEMPTS)
def push_products(self: Task[Any, Any], push_id: int) -> int | None:
    """One batch of a product push, then the next one as a new task. Safe to run twice: each batch
    is claimed once. A batch Accurate refused for a retryable reason is retried with backoff."""
    outcome = product_push.product_push_next(push_id=push_id)
    if outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
    if outcome.batch_id is not None:
        _enqueue_next(self, push_id)
    return outcome.batch_id


@shared_task(name="sync.tasks.resume_product_pushes")
def resume_product_pushes() -> list[int]:
    """Beat, every minute: enqueue again the pushes whose batches stalled (their task was lost)."""
    push_ids = product_push.product_pushes_resume(
        now=timezone.now(), running_timeout=timedelta(seconds=settings.SYNC_RUNNING_TIMEOUT_SECONDS)
    )
    for push_id in push_ids:
        push_products.delay(push_id)
    return push_ids


@shared_task(name="sync.tasks.dispatch")
def dispatch() -> int:
    """Beat, every minute: release what the schedules make due and enqueue pushes per connection.
    Running it twice, or from two beats at once, does no harm."""
    return dispatch_due(now=timezone.now())


@shared_task(name="sync.tasks.dispatch_store")
def dispatch_store(store_id: int) -> int:
    """Rows became due between two beats (a shift closed, a document due as it arrives: sync/kick.py):
    release what the store's schedule makes due and fill its free lanes now. Safe to run twice."""
    return store_dispatch(store_id=store_id, now=timezone.now())


@shared_task(name="sync.tasks.push")
def push(connection_id: int) -> int:
    """Push one connection's due rows while holding one of its lanes; hand over when the time is up.
    Safe to run twice: rows are claimed once, and a task without a free lane ends at once."""
    result = connection_push(connection_id=connection_id, lanes=lanes())
    if result.more:
        # Its own lane and any other free one (rows due meanwhile, a slow connection fast again); at
        # least its own successor, which looks again (and waits for rows due soon).
        if not pushes_enqueue_for_connection(connection_id):
            push.delay(connection_id)
    elif result.again_in is not None:
        push.apply_async((connection_id,), countdown=result.again_in + 0.5)
    return result.batches


@shared_task(name="sync.tasks.send_failure_digests")
def send_failure_digests() -> int:
    """Beat: one email per store with documents that failed, wait on a failure or landed with a
    difference, or days the reconciliation found different, since its last digest."""
    return failure_digests_send(now=timezone.now())


@shared_task(name="sync.tasks.reconcile")
def reconcile(reconciliation_id: int) -> str:
    """One outlet day read back from Accurate and compared. Safe to run twice: a run claims the check,
    and a second finds it claimed (or done) and ends."""
    return reconciliation_run(reconciliation_id=reconciliation_id)


@shared_task(name="sync.tasks.reconcile_due")
def reconcile_due() -> int:
    """Beat: queue the checks of the outlet days whose schedule has run, and the ones to try again."""
    return reconciliations_queue_due(now=timezone.now())


# A connection whose lanes are all pushing frees one within a push task's time.
UNDO_BUSY_WAIT_S = 5


@shared_task(name="sync.tasks.undo_range")
def undo_range(
    store_id: int, outlet_id: int | None, start: str, end: str, groups: list[str], token: str
) -> str:
    """Undo a range (sync/ranges/undo.py) under one of the connection's lanes, handing over to a fresh
    task when its time is up. Safe to run twice: rows are claimed once, and rows done by this run
    (its token) are not taken again."""
    args = (store_id, outlet_id, start, end, groups, token)
    state = range_undo_run(
        store_id=store_id,
        outlet_id=outlet_id,
        start=start,
        end=end,
        groups=groups,
        token=token,
        lanes=lanes(),
    )
    if state is RunState.MORE:
        undo_range.delay(*args)
    elif state is RunState.BUSY:
        undo_range.apply_async(args, countdown=UNDO_BUSY_WAIT_S)
    return str(state)
