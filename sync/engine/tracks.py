"""The run's view of each row (`Track`): its outcome so far, what was sent and answered for it, and
how an error about one of its documents marks it. Shared by the pusher and the total checks."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from accurate import AccurateError, ErrorKind
from sync.engine.plans import Work
from sync.mappers import Planned
from sync.models import SyncActivity

# How bad an outcome is: a row keeps the worst of its documents'.
SEVERITY = {"success": 0, "waiting": 1, "retry": 2, "paused": 3, "failed": 4}
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


def payload_hash(payload: dict[str, Any]) -> str:
    text = json.dumps(payload, sort_keys=True, cls=DjangoJSONEncoder, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


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
class Bound:
    accurate_id: int
    payload_hash: str


@dataclass
class Track:
    """The run's view of one row: its outcome so far and what was sent and answered for it."""

    work: Work
    outcome: str = "success"
    message: str = ""
    lookup: bool = False
    cause: str = ""  # SyncActivity.Cause, when the outcome is failed
    sent: list[dict[str, Any]] = field(default_factory=list)
    answered: list[dict[str, Any]] = field(default_factory=list)
    # Totals Accurate computed otherwise than the POS and the engine corrected: said in the attempt.
    notes: list[str] = field(default_factory=list)
    # Totals that still differ from the POS: landed, the row is "Synced with a difference" with these.
    differences: list[str] = field(default_factory=list)

    @property
    def alive(self) -> bool:
        return self.outcome == "success"

    def mark(self, outcome: str, message: str, *, lookup: bool = False, cause: str = "") -> None:
        self.lookup = self.lookup or lookup
        if SEVERITY[outcome] > SEVERITY[self.outcome]:
            self.outcome, self.message, self.cause = outcome, message, cause


def classify(track: Track, error: AccurateError, planned: Planned) -> None:
    """Mark a row by an error about one of its documents."""
    if error.kind in (ErrorKind.token_invalid, ErrorKind.insufficient_scope):
        track.mark("paused", f"{PAUSED} ({error})")
    elif error.kind is ErrorKind.unclear:
        track.mark("retry", str(error), lookup=True)
    elif error.retryable:
        track.mark("retry", str(error))
    else:
        track.mark("failed", merchant_message(error, planned), cause=failure_cause(error))
