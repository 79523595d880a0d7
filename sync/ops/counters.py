"""What the sync counts, in Prometheus' terms: documents tried by kind and outcome (one per
SyncAttempt the engine writes), product push batches and items. Labels are bounded: kinds and
outcomes.

Counted as the outcome is written, once every statement of it has succeeded, in its transaction: a
batch whose writing fails counts nothing; only a commit failing at the very end would leave a count
behind (not `on_commit`: callers and their tests count what runs after commit).
"""

from __future__ import annotations

import logging
from collections import Counter as Tally
from collections.abc import Sequence
from dataclasses import dataclass

from prometheus_client import Counter

logger = logging.getLogger(__name__)

DOCUMENTS = Counter(
    "iseller_accurate_sync_documents_total",
    "Documents the engine tried, by kind and outcome: success, difference (in Accurate with another "
    "total), failed, retry (including paused for a reconnect), waiting (for another document).",
    ["kind", "outcome"],
)
PRODUCT_PUSH_BATCHES = Counter(
    "iseller_accurate_product_push_batches_total",
    "Product push batches (up to 100 items) by outcome: success, failed, retry (refused as a whole "
    "for a retryable reason; tried again).",
    ["outcome"],
)
PRODUCT_PUSH_ITEMS = Counter(
    "iseller_accurate_product_push_items_total",
    "Products sent by product pushes, by outcome: created, existing (already in Accurate), failed.",
    ["outcome"],
)


@dataclass(frozen=True)
class Tried:
    """One row's try, as the engine settled it."""

    activity_id: int
    store_id: int
    kind: str
    pos_number: str
    outcome: str  # the attempt's outcome; "difference" for a success with another total
    reason: str


def documents_tried(tried: Sequence[Tried]) -> None:
    """Count the batch's tries, and log each failure with its ids."""
    for (kind, outcome), count in Tally((t.kind, t.outcome) for t in tried).items():
        DOCUMENTS.labels(kind, outcome).inc(count)
    for t in tried:
        if t.outcome == "failed":
            logger.info(
                "%s %s failed: %s",
                t.kind,
                t.pos_number,
                t.reason,
                extra={"activity_id": t.activity_id, "store_id": t.store_id},
            )


def product_push_batch_done(*, failed_batch: bool, created: int, existing: int, failed: int) -> None:
    """A product push batch ended (its outcome recorded in this transaction)."""
    PRODUCT_PUSH_BATCHES.labels("failed" if failed_batch else "success").inc()
    for outcome, items in (("created", created), ("existing", existing), ("failed", failed)):
        if items:
            PRODUCT_PUSH_ITEMS.labels(outcome).inc(items)


def product_push_batch_retried() -> None:
    PRODUCT_PUSH_BATCHES.labels("retry").inc()
