"""The run's view of each row (`RowProgress`): its outcome so far, what was sent and answered for it,
and how an error about one of its documents marks it. Shared by the pusher and the total checks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, NotRequired, TypedDict

from accurate import AccurateError, ErrorKind
from sync.engine.plans import RowPlan
from sync.mappers import Planned
from sync.models import Outcome, SyncActivity

PAUSED = "Paused: the connection to Accurate needs reconnecting. Nothing is lost; it resumes after Reconnect."
LABELS = {
    "customer": "customer",
    "sales-invoice": "sales invoice",
    "sales-receipt": "sales receipt",
    "sales-return": "sales return",
    "item-transfer": "item transfer",
    "item-adjustment": "item adjustment",
    "other-deposit": "other deposit",
    "other-payment": "other payment",
    "bank-transfer": "bank transfer",
}
_UNKNOWN_ITEM = re.compile(r"barang dengan kode (?P<code>.+?) tidak ditemukan", re.IGNORECASE)
_UNKNOWN_ACCOUNT = re.compile(r"akun dengan no (?P<no>.+?) tidak ditemukan", re.IGNORECASE)


class SentDocument(TypedDict):
    """One document sent, as the attempt keeps it (`SyncAttempt.sent`)."""

    module: str
    action: str
    number: str
    payload: dict[str, Any]


class Answer(TypedDict):
    """What Accurate answered for one document (`SyncAttempt.answered`), with both totals once they
    were checked."""

    module: str
    number: str
    ok: bool
    id: int | None
    messages: list[str]
    accurate_total: NotRequired[str]
    pos_total: NotRequired[str]


def label_of(module: str) -> str:
    return LABELS.get(module, module)


def failure_cause(error: AccurateError) -> str:
    """SyncActivity.Cause of a permanent refusal: an item Accurate does not know is fixed by a push."""
    said = "; ".join(error.messages) or str(error)
    return SyncActivity.Cause.MISSING_ITEM if _UNKNOWN_ITEM.search(said) else ""


def merchant_message(error: AccurateError, planned: Planned) -> str:
    """A permanent refusal in words a merchant can act on, with Accurate's own words after."""
    said = "; ".join(error.messages) or str(error)
    item = _UNKNOWN_ITEM.search(said)
    if item:
        return (
            f"Item {item['code']} is not in Accurate. Push products (Apps → Accurate → Product mapping): "
            "sales waiting for an item go again by themselves when the push ends. If you import items "
            f"into Accurate instead, press Sync afterwards. Accurate said: {said}"
        )
    account = _UNKNOWN_ACCOUNT.search(said)
    if account:
        return (
            f"Account {account['no']} is not in Accurate. Choose another in Apps → Accurate → Outlet "
            f"mapping, then sync again. Accurate said: {said}"
        )
    return f"Accurate refused {label_of(planned.module)} {planned.number}: {said}"


@dataclass
class Binding:
    """A document Accurate has: its id, and the hash of the payload it was last saved with."""

    accurate_id: int
    payload_hash: str


@dataclass
class RowProgress:
    """The run's view of one row: its outcome so far and what was sent and answered for it."""

    plan: RowPlan
    outcome: Outcome = Outcome.SUCCESS
    message: str = ""
    lookup: bool = False
    cause: str = ""  # SyncActivity.Cause, when the outcome is failed
    sent: list[SentDocument] = field(default_factory=list)
    answered: list[Answer] = field(default_factory=list)
    # Totals Accurate computed otherwise than the POS and the engine corrected: said in the attempt.
    notes: list[str] = field(default_factory=list)
    # Totals that still differ from the POS: landed, the row is "Synced with a difference" with these.
    differences: list[str] = field(default_factory=list)

    @property
    def alive(self) -> bool:
        return self.outcome == Outcome.SUCCESS

    def mark(self, outcome: Outcome, message: str, *, lookup: bool = False, cause: str = "") -> None:
        """The row's outcome becomes `outcome` if that is worse (the first reason of the worst stays)."""
        self.lookup = self.lookup or lookup
        if outcome.severity > self.outcome.severity:
            self.outcome, self.message, self.cause = outcome, message, cause


def classify(row: RowProgress, error: AccurateError, planned: Planned) -> None:
    """Mark a row by an error about one of its documents."""
    if error.kind in (ErrorKind.token_invalid, ErrorKind.insufficient_scope):
        row.mark(Outcome.PAUSED, f"{PAUSED} ({error})")
    elif error.kind is ErrorKind.unclear:
        row.mark(Outcome.RETRY, str(error), lookup=True)
    elif error.retryable:
        row.mark(Outcome.RETRY, str(error))
    else:
        row.mark(Outcome.FAILED, merchant_message(error, planned), cause=failure_cause(error))
