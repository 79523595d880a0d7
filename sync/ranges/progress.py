"""How far an undo run has come, read from its attempts (each ends with the run's marker) and from the
rows of the range still to do: nothing is kept besides the outbox's own rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from sync.models import Outcome, SyncActivity, SyncAttempt

from .deletion import marker
from .selection import DateRange, range_rows
from .undo import attempted_in, undo_candidates

SHOWN_KEPT = 200


@dataclass(frozen=True)
class KeptRow:
    """A row the run could not undo (whole or in part), and why, as its attempt says."""

    activity: SyncActivity
    message: str


@dataclass(frozen=True)
class UndoProgress:
    undone: int = 0  # rows whose documents were all deleted: Pending, held
    kept: list[KeptRow] = field(default_factory=list)  # rows kept or partly deleted, with why
    kept_count: int = 0
    left: int = 0  # rows of the range not done yet
    running: int = 0  # rows of the range a worker holds right now

    @property
    def started(self) -> bool:
        return bool(self.undone or self.kept_count or self.running)

    @property
    def finished(self) -> bool:
        return self.started and not self.left and not self.running


def undo_progress(chosen: DateRange, database_id: int, token: str) -> UndoProgress:
    attempts = SyncAttempt.objects.filter(activity__store=chosen.store, message__contains=marker(token))
    kept = attempts.filter(outcome=Outcome.FAILED).select_related("activity__outlet").order_by("id")
    left = undo_candidates(chosen, database_id).exclude(attempted_in(token))
    return UndoProgress(
        undone=attempts.filter(outcome=Outcome.SUCCESS).count(),
        kept=[
            KeptRow(attempt.activity, attempt.message.removesuffix(marker(token)).strip())
            for attempt in kept[:SHOWN_KEPT]
        ],
        kept_count=kept.count(),
        left=left.count(),
        running=range_rows(chosen).filter(status=SyncActivity.Status.RUNNING).count(),
    )
