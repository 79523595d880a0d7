"""What a pushed row becomes, stored in a few statements for the whole batch.

Success stores the Accurate id and number (Synced with a difference when Accurate's total of one of
its documents still differs from the POS, both totals in its reason); a permanent error makes it
Failed with the merchant's message; a retryable one puts it back to Pending after a backoff with
jitter (`iseller_accurate.retry.document_retry`; Failed once it has been tried for more than a day);
waiting for another document retries soon without backoff; a connection that needs reconnecting
leaves it Pending, paused. Every row gets a SyncAttempt. Only rows still Running under this claim
(same attempt number) are written: a row a stale-requeue gave to another worker is not overwritten.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TypedDict

from django.db import transaction

from iseller_accurate.db import insert_rows, update_rows
from iseller_accurate.retry import document_retry
from sync.engine.plans import DocumentKey, RowPlan
from sync.engine.progress import Answer, Binding, RowProgress, SentDocument
from sync.models import AccurateBinding, Outcome, SyncActivity, SyncAttempt
from sync.ops.counters import Tried, documents_tried
from sync.summaries import SUMMARY_KINDS, covered_follow

Status = SyncActivity.Status
Kind = SyncActivity.Kind
WAIT_AGAIN = timedelta(seconds=60)
GIVE_UP_AFTER = timedelta(days=1)


class ActivityUpdate(TypedDict):
    """A row's new state (`SyncActivity` columns), matched by id and the claim's attempt number."""

    id: int
    attempts: int
    status: str
    status_reason: str
    accurate_id: int | None
    accurate_number: str
    completed_at: datetime | None
    due_at: datetime | None
    needs_lookup: bool
    claimed_by: str
    failure_cause: str
    updated_at: datetime


class AttemptRow(TypedDict):
    """A `SyncAttempt` to insert."""

    activity_id: int
    started_at: datetime
    duration_ms: int
    outcome: Outcome
    message: str
    sent: list[SentDocument]
    answered: list[Answer]


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min … up to 30 min, plus up to a quarter more at random (jitter); the bounds
    are settings (SYNC_RETRY_BASE_SECONDS, SYNC_RETRY_MAX_SECONDS)."""
    return document_retry().delay(attempts)


def primary_key(row: RowProgress) -> DocumentKey | None:
    """The document a row is known by in Accurate: its first one that is not a customer."""
    documents = [p for p in row.plan.documents if p.module != "customer"]
    saves = [p for p in documents if p.action != "delete"]
    chosen = saves[0] if saves else (documents[-1] if documents else None)
    return None if chosen is None else (chosen.module, chosen.number)


def settled_outcome(row: RowProgress, now: datetime) -> tuple[Outcome, str]:
    """The row's outcome and reason as stored: a retry tried for more than a day has failed."""
    first_try = row.plan.activity.started_at or now
    if row.outcome == Outcome.RETRY and now - first_try > GIVE_UP_AFTER:
        return Outcome.FAILED, f"Tried for more than a day without success. Last: {row.message}"
    return row.outcome, row.message


def activity_update(
    row: RowProgress, bindings: dict[DocumentKey, Binding], now: datetime
) -> tuple[ActivityUpdate, Outcome]:
    """The row's new state, and the outcome its attempt records."""
    activity = row.plan.activity
    outcome, reason = settled_outcome(row, now)
    update: ActivityUpdate = {
        "id": activity.pk,
        "attempts": activity.attempts,
        "status": Status.PENDING,
        "status_reason": reason,
        "accurate_id": activity.accurate_id,
        "accurate_number": activity.accurate_number,
        "completed_at": activity.completed_at,
        "due_at": None,
        "needs_lookup": row.lookup,
        "claimed_by": "",
        "failure_cause": "",
        "updated_at": now,
    }
    key = primary_key(row)
    if key is not None:
        update["accurate_number"] = key[1]
        if key in bindings:
            update["accurate_id"] = bindings[key].accurate_id
    if outcome == Outcome.SUCCESS:
        # With a difference: in Accurate all the same (it counts as landed), but never silently
        # with another total.
        update["status"] = Status.DIFFERENCE if row.differences else Status.SUCCESS
        update["status_reason"] = " ".join(row.differences)
        update["completed_at"] = now
        update["needs_lookup"] = False
    elif outcome == Outcome.FAILED:
        update["status"] = Status.FAILED
        update["completed_at"] = now
        update["failure_cause"] = row.cause
    elif outcome == Outcome.RETRY:
        update["due_at"] = now + backoff(activity.attempts)
    elif outcome == Outcome.WAITING:
        update["due_at"] = now + WAIT_AGAIN
    else:  # paused: due, but nothing is pushed for the connection until it is reconnected
        update["due_at"] = now
    return update, outcome.recorded


def outcomes_record(
    *,
    store_id: int,
    database_id: int,
    rows: Sequence[RowProgress],
    changed: dict[DocumentKey, Binding],
    deleted: set[DocumentKey],
    bindings: dict[DocumentKey, Binding],
    started_at: datetime,
    now: datetime,
    unchecked: Mapping[DocumentKey, Decimal] | None = None,
) -> None:
    """Store the batch: bindings first (what Accurate has), then the rows and their attempts.

    A binding saved again loses any total left to check, unless `unchecked` (the documents whose
    read-back waits for the end of the backlog) names it again."""
    unchecked = unchecked or {}
    owner = {
        (planned.module, planned.number): row.plan.activity.pk
        for row in rows
        for planned in row.plan.documents
    }
    with transaction.atomic():
        for module, number in deleted:
            AccurateBinding.objects.filter(
                store_id=store_id, database_id=database_id, module=module, number=number
            ).delete()
        AccurateBinding.objects.bulk_create(
            [
                AccurateBinding(
                    store_id=store_id,
                    database_id=database_id,
                    module=module,
                    number=number,
                    accurate_id=binding.accurate_id,
                    payload_hash=binding.payload_hash,
                    activity_id=owner.get((module, number)),
                    unchecked_total=unchecked.get((module, number)),
                    updated_at=now,
                )
                for (module, number), binding in changed.items()
            ],
            update_conflicts=True,
            unique_fields=["store", "database_id", "module", "number"],
            update_fields=["accurate_id", "payload_hash", "activity", "unchecked_total", "updated_at"],
        )
        rows_record(rows=rows, bindings=bindings, started_at=started_at, now=now)


def rows_record(
    *,
    rows: Sequence[RowProgress],
    bindings: dict[DocumentKey, Binding],
    started_at: datetime,
    now: datetime,
) -> None:
    """The rows' new states, written only where the claim still holds, and an attempt each."""
    duration_ms = int((now - started_at).total_seconds() * 1000)
    settled = [activity_update(row, bindings, now) for row in rows]
    update_rows(
        SyncActivity,
        [update for update, _ in settled],
        match=["id", "attempts"],
        fields=[
            "status",
            "status_reason",
            "accurate_id",
            "accurate_number",
            "completed_at",
            "due_at",
            "needs_lookup",
            "claimed_by",
            "failure_cause",
            "updated_at",
        ],
        where={"status": Status.RUNNING},
    )
    # The sales (refunds) a summary covers take its new state, in the same transaction.
    covered_follow([row.plan.activity.pk for row in rows if row.plan.activity.kind in SUMMARY_KINDS])
    attempts: list[AttemptRow] = [
        {
            "activity_id": row.plan.activity.pk,
            "started_at": started_at,
            "duration_ms": duration_ms,
            "outcome": recorded,
            "message": attempt_message(row, update["status_reason"]),
            "sent": row.sent,
            "answered": row.answered,
        }
        for row, (update, recorded) in zip(rows, settled, strict=True)
    ]
    insert_rows(SyncAttempt, attempts)
    documents_tried(
        [tried_of(row, update, recorded) for row, (update, recorded) in zip(rows, settled, strict=True)]
    )


def tried_of(row: RowProgress, update: ActivityUpdate, recorded: Outcome) -> Tried:
    """The try as the metrics count it: the attempt's outcome, a difference told apart."""
    activity = row.plan.activity
    outcome = "difference" if update["status"] == Status.DIFFERENCE else str(recorded.value)
    return Tried(
        activity.pk, activity.store_id, activity.kind, activity.pos_number, outcome, update["status_reason"]
    )


def attempt_message(row: RowProgress, reason: str) -> str:
    """The row's reason, then what the total checks found and did that the reason does not say:
    a correction made, a difference seen on a try that went no further."""
    said = [reason] if reason else []
    said += [difference for difference in row.differences if difference not in reason]
    return " ".join([*said, *row.notes])


def unexpected_error_message(error: BaseException) -> str:
    said = f"{type(error).__name__}: {error}"
    return (
        f"The sync stopped on an unexpected error ({said[:300]}); Accurate will be checked before "
        "sending again. If it keeps happening, contact support."
    )


def outcomes_record_crash(
    *, activities: Sequence[SyncActivity], error: BaseException, started_at: datetime, now: datetime
) -> None:
    """A batch the engine itself failed on (a bug, not Accurate): its rows back off like a retryable
    error, with the error as their reason, and are looked up before anything is sent again (some of
    their documents may have landed before the error). Nothing stays Running without a reason."""
    message = unexpected_error_message(error)
    rows = [
        RowProgress(RowPlan(activity), outcome=Outcome.RETRY, message=message, lookup=True)
        for activity in activities
    ]
    with transaction.atomic():
        rows_record(rows=rows, bindings={}, started_at=started_at, now=now)
