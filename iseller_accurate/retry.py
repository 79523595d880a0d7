"""The one retry policy: a wait that doubles with each attempt up to a ceiling, plus jitter.

Documents (the sync engine, through `SyncActivity.due_at`) and product pushes (Celery retries of a
batch) each have their bounds in settings; both wait `base`, `2 × base`, `4 × base` … up to
`maximum`, plus up to a quarter more at random, so workers that failed together do not retry
together.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings

JITTER = 0.25


@dataclass(frozen=True)
class RetryPolicy:
    base: timedelta
    maximum: timedelta
    jitter: float = JITTER

    def ceiling(self, attempts: int) -> timedelta:
        """The wait after `attempts` tries (1 for the first), before jitter."""
        # In whole microseconds (Python integers): doubling a timedelta itself overflows after some
        # forty attempts, long before a document gives up.
        microsecond = timedelta(microseconds=1)
        wait = (self.base // microsecond) * 2 ** max(attempts - 1, 0)
        return timedelta(microseconds=min(wait, self.maximum // microsecond))

    def delay(self, attempts: int) -> timedelta:
        """The wait after `attempts` tries, with up to `jitter` of it more at random."""
        wait = self.ceiling(attempts)
        return wait + wait * random.uniform(0, self.jitter)


def document_retry() -> RetryPolicy:
    """A document that met a retryable error: 30 s doubling to 30 min by default."""
    return RetryPolicy(
        base=timedelta(seconds=settings.SYNC_RETRY_BASE_SECONDS),
        maximum=timedelta(seconds=settings.SYNC_RETRY_MAX_SECONDS),
    )


def product_push_retry() -> RetryPolicy:
    """A product push batch refused as a whole for a retryable reason: 5 s doubling to 5 min by
    default, short because a batch has few attempts (`MAX_ATTEMPTS`) and the merchant watches it."""
    return RetryPolicy(
        base=timedelta(seconds=settings.PRODUCT_PUSH_RETRY_BASE_SECONDS),
        maximum=timedelta(seconds=settings.PRODUCT_PUSH_RETRY_MAX_SECONDS),
    )
