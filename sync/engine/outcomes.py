"""What a pushed row becomes, stored in a few statements for the whole batch.

Success stores the Accurate id and number (Synced with a difference when Accurate's total of one of
its documents still differs from the POS, both totals in its reason); a permanent error makes it
Failed with the merchant's message; a retryable one puts it back to Pending after a backoff with
jitter (Failed once it has been tried for more than a day); waiting for another document retries
soon without backoff; a connection that needs reconnecting leaves it Pending, paused. Every row gets
a SyncAttempt. Only rows still Running under this claim (same attempt number) are written: a row a
stale-requeue gave to another worker is not overwritten.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import transaction

from iseller_accurate.db import insert_rows, update_rows
from sync.engine.plans import Key, Work
from sync.engine.push import Bound, Track
from sync.models import AccurateBinding, SyncActivity, SyncAttempt

Status = SyncActivity.Status
Outcome = SyncAttempt.Outcome
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(minutes=30)
WAIT_AGAIN = timedelta(seconds=60)
GIVE_UP_AFTER = timedelta(days=1)


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min … up to 30 min, plus up to a quarter more at random (jitter)."""
    delay: timedelta = min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_MAX)
    return delay + delay * random.uniform(0, 0.25)


def primary_key(track: Track) -> Key | None:
    """The document a row is known by in Accurate: its first one that is not a customer."""
    plans = [p for p in track.work.plans if p.module != "customer"]
    saves = [p for p in plans if p.action != "delete"]
    chosen = saves[0] if saves else (plans[-1] if plans else None)
    return None if chosen is None else (chosen.module, chosen.number)


def _row(track: Track, bindings: dict[Key, Bound], now: datetime) -> dict[str, object]:
    activity = track.work.activity
    row: dict[str, object] = {
        "id": activity.pk,
        "attempts": activity.attempts,
        "status": Status.PENDING,
        "status_reason": track.message,
        "accurate_id": activity.accurate_id,
        "accurate_number": activity.accurate_number,
        "completed_at": activity.completed_at,
        "due_at": None,
        "needs_lookup": track.lookup,
        "claimed_by": "",
        "failure_cause": "",
        "updated_at": now,
    }
    key = primary_key(track)
    if key is not None:
        row["accurate_number"] = key[1]
        if key in bindings:
            row["accurate_id"] = bindings[key].accurate_id
    outcome = track.outcome
    first_try = activity.started_at or now
    if outcome == "retry" and now - first_try > GIVE_UP_AFTER:
        outcome, row["status_reason"] = (
            "failed",
            f"Tried for more than a day without success. Last: {track.message}",
        )
    if outcome == "success" and track.differences:
        # In Accurate all the same (it counts as landed), but never silently with another total.
        reason = " ".join(track.differences)
        row.update(status=Status.DIFFERENCE, status_reason=reason, completed_at=now, needs_lookup=False)
    elif outcome == "success":
        row.update(status=Status.SUCCESS, status_reason="", completed_at=now, needs_lookup=False)
    elif outcome == "failed":
        row.update(status=Status.FAILED, completed_at=now, failure_cause=track.cause)
    elif outcome == "retry":
        row["due_at"] = now + backoff(activity.attempts)
    elif outcome == "waiting":
        row["due_at"] = now + WAIT_AGAIN
    else:  # paused: due, but nothing is pushed for the connection until it is reconnected
        row["due_at"] = now
    return row


ATTEMPT_OUTCOME = {
    "success": Outcome.SUCCESS,
    "failed": Outcome.FAILED,
    "retry": Outcome.RETRY,
    "paused": Outcome.RETRY,
    "waiting": Outcome.WAITING,
}


def outcomes_record(
    *,
    store_id: int,
    database_id: int,
    tracks: Sequence[Track],
    changed: dict[Key, Bound],
    deleted: set[Key],
    bindings: dict[Key, Bound],
    started_at: datetime,
    now: datetime,
) -> None:
    """Store the batch: bindings first (what Accurate has), then the rows and their attempts."""
    owner = {key: t.work.activity.pk for t in tracks for key in ((p.module, p.number) for p in t.work.plans)}
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
                    accurate_id=bound.accurate_id,
                    payload_hash=bound.payload_hash,
                    activity_id=owner.get((module, number)),
                    updated_at=now,
                )
                for (module, number), bound in changed.items()
            ],
            update_conflicts=True,
            unique_fields=["store", "database_id", "module", "number"],
            update_fields=["accurate_id", "payload_hash", "activity", "updated_at"],
        )
        rows_record(tracks=tracks, bindings=bindings, started_at=started_at, now=now)


def rows_record(
    *, tracks: Sequence[Track], bindings: dict[Key, Bound], started_at: datetime, now: datetime
) -> None:
    """The rows' new states, written only where the claim still holds, and an attempt each."""
    duration_ms = int((now - started_at).total_seconds() * 1000)
    rows = [_row(track, bindings, now) for track in tracks]
    update_rows(
        SyncActivity,
        rows,
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
    insert_rows(
        SyncAttempt,
        [
            {
                "activity_id": track.work.activity.pk,
                "started_at": started_at,
                "duration_ms": duration_ms,
                "outcome": Outcome.FAILED
                if row["status"] == Status.FAILED
                else ATTEMPT_OUTCOME[track.outcome],
                "message": attempt_message(track, str(row["status_reason"])),
                "sent": track.sent,
                "answered": track.answered,
            }
            for track, row in zip(tracks, rows, strict=True)
        ],
    )


def attempt_message(track: Track, reason: str) -> str:
    """The row's reason, then what the total checks found and did that the reason does not say:
    a correction made, a difference seen on a try that went no further."""
    said = [reason] if reason else []
    said += [difference for difference in track.differences if difference not in reason]
    return " ".join([*said, *track.notes])


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
    tracks = [Track(Work(activity), outcome="retry", message=message, lookup=True) for activity in activities]
    with transaction.atomic():
        rows_record(tracks=tracks, bindings={}, started_at=started_at, now=now)
