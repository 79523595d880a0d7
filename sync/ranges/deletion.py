"""Deleting one claimed row's documents from Accurate, and writing what came of it.

A row's documents go in `DELETE_ORDER`: the money out of a refund (a refunds summary, a void after
its summary) before its sales return, receipts before their invoice. The row's dependents (a refund
of its sale, the transfer received of its transfer sent, the returns against a sales summary) were
undone before it in the same run; if one of them is still in Accurate, this row is kept whole.
The first refusal stops the row: what depends on the refused document stays.

What the row becomes, written in one transaction (bindings, the row while the claim holds, an
attempt that records every delete sent and answered):
- every document deleted: Pending and held (no `due_at`, `undone` so the schedule
  leaves it), without its Accurate id and number; Backfill sends it again;
- nothing deleted (refused, or a dependent still there): its status as before, the reason naming
  the document and Accurate's words;
- some deleted, then one refused: Failed, naming what was deleted and what was refused; Sync sends
  the deleted ones again (the engine skips those Accurate still has).
The sales (refunds) a summary covers follow it, in the same transaction (`covered_follow`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from accurate import AccurateClient, AccurateError, ErrorKind
from sync.engine.progress import Answer, SentDocument, label_of
from sync.mappers import types as modules
from sync.models import AccurateBinding, Outcome, SyncActivity, SyncAttempt
from sync.summaries import SUMMARY_KINDS, covered_follow

from .selection import DEPENDENTS, bindings_of_rows

Status = SyncActivity.Status
Kind = SyncActivity.Kind

# Within a row, lower goes first: what refers to a document before the document.
DELETE_ORDER = {
    modules.OTHER_PAYMENT: 0,  # a refund's money out (…-OUT) before its sales return; a payout's fee
    modules.BANK_TRANSFER: 0,
    modules.SALES_RECEIPT: 1,
    modules.SALES_RETURN: 1,
    modules.ITEM_TRANSFER: 1,
    modules.ITEM_ADJUSTMENT: 1,
    modules.OTHER_DEPOSIT: 1,
    modules.SALES_INVOICE: 2,
}
TRIES = 3  # a delete Accurate could not take (unreachable, busy) is tried this often, 1 s then 2 s apart
DEPENDENT_LABELS: dict[str, str] = {
    Kind.REFUND: "refund",
    Kind.TRANSFER_IN: "transfer received",
    Kind.REFUND_SUMMARY: "refunds summary",
    Kind.ORDER_VOID: "void",
}


def marker(token: str) -> str:
    """How an attempt names the run it belongs to (the progress page finds them by it)."""
    return f"(undo {token})"


@dataclass(frozen=True)
class Document:
    module: str
    number: str
    accurate_id: int


@dataclass
class Claimed:
    """A row the run claimed (Running), and the status it goes back to when it is kept."""

    activity: SyncActivity
    was: str


@dataclass
class RowUndo:
    """What happened to one row's documents."""

    deleted: list[Document] = field(default_factory=list)
    refused: Document | None = None
    said: str = ""  # Accurate's words, or why the row was kept
    sent: list[SentDocument] = field(default_factory=list)
    answered: list[Answer] = field(default_factory=list)
    paused: bool = False  # the connection refused (token, permission): the run stops


def documents_of(activity: SyncActivity, database_id: int) -> list[Document]:
    rows = (
        bindings_of_rows(database_id).filter(activity=activity).values_list("module", "number", "accurate_id")
    )
    documents = [Document(module, number, accurate_id) for module, number, accurate_id in rows]
    return sorted(documents, key=lambda d: (DELETE_ORDER.get(d.module, 1), d.number))


def dependent_still_there(activity: SyncActivity, database_id: int) -> str:
    """Why the row must stay: a dependent's document still in Accurate ("" when none is)."""
    for kind, link, own in DEPENDENTS.get(activity.kind, ()):
        binding = (
            bindings_of_rows(database_id)
            .filter(activity__kind=kind, **{f"activity__{link}": getattr(activity, own)})
            .select_related("activity")
            .order_by("id")
            .first()
        )
        if binding is not None and binding.activity is not None:
            return (
                f"Kept in Accurate: its {DEPENDENT_LABELS[kind]} {binding.activity.pos_number} is still "
                f"there ({label_of(binding.module)} {binding.number}), and Accurate keeps what another "
                "document refers to."
            )
    return ""


def _still_there(client: AccurateClient, document: Document) -> bool:
    try:
        client.detail(document.module, id=document.accurate_id)
    except AccurateError as error:
        if error.kind is ErrorKind.not_found:
            return False
        raise
    return True


def delete_one(client: AccurateClient, document: Document) -> None:
    """Delete it, or find it gone already (deleted by hand, or by a try whose answer was lost).
    Raises the refusal (AccurateError) when Accurate keeps it."""
    for attempt in range(TRIES):
        try:
            client.delete(document.module, document.accurate_id)
            return
        except AccurateError as error:
            if error.kind in (ErrorKind.token_invalid, ErrorKind.insufficient_scope):
                raise  # a refusal of the request itself, not of the document
            # Detect, don't predict: whatever the words, a document no longer there is deleted.
            if not _still_there(client, document):
                return
            if not error.retryable or attempt == TRIES - 1:
                raise
        time.sleep(2**attempt)


def said_of(error: AccurateError, document: Document) -> str:
    """Accurate's words, or ours where its answer is no sentence (a refused token or permission)."""
    if error.kind is ErrorKind.insufficient_scope:
        scope = document.module.replace("-", "_") + "_delete"
        return (
            f"{error} The permission to delete is {scope}: the owner presses Reconnect on the Accurate "
            "page (Apps → Accurate) and approves it."
        )
    if error.kind is ErrorKind.token_invalid:
        return str(error)
    return "; ".join(error.messages) or str(error)


def undo_documents(client: AccurateClient, documents: list[Document]) -> RowUndo:
    """Delete the documents in order, stopping at the first Accurate keeps."""
    done = RowUndo()
    for document in documents:
        done.sent.append(
            {
                "module": document.module,
                "action": modules.DELETE,
                "number": document.number,
                "payload": {"id": document.accurate_id},
            }
        )
        answer: Answer = {
            "module": document.module,
            "number": document.number,
            "ok": True,
            "id": document.accurate_id,
            "messages": [],
        }
        try:
            delete_one(client, document)
        except AccurateError as error:
            answer["ok"] = False
            answer["messages"] = error.messages or [str(error)]
            done.answered.append(answer)
            done.refused = document
            done.said = said_of(error, document)
            done.paused = error.kind is ErrorKind.token_invalid
            return done
        done.answered.append(answer)
        done.deleted.append(document)
    return done


def _names(documents: list[Document]) -> str:
    return ", ".join(f"{label_of(d.module)} {d.number}" for d in documents)


def row_settle(
    *, claimed: Claimed, undo: RowUndo, database_id: int, holder: str, token: str, started: datetime
) -> Outcome:
    """Write the row's outcome (see the module), only while the run's claim holds; returns the
    attempt's outcome."""
    activity = claimed.activity
    now = timezone.now()
    changes: dict[str, Any] = {"claimed_by": "", "updated_at": now}
    if undo.refused is None and not undo.said:
        outcome = Outcome.SUCCESS
        message = (
            f"Deleted from Accurate by Undo a range: {_names(undo.deleted)}. Held: Backfill sends it again."
        )
        changes |= {
            "status": Status.PENDING,
            "undone": True,  # held until Backfill: the schedule would post it again
            "due_at": None,
            "accurate_id": None,
            "accurate_number": "",
            "started_at": None,
            "completed_at": None,
            "needs_lookup": False,
            "failure_cause": "",
            "status_reason": message,
        }
    elif undo.deleted:
        outcome = Outcome.FAILED
        assert undo.refused is not None
        message = (
            f"Partly deleted from Accurate by Undo a range: {_names(undo.deleted)} deleted; Accurate "
            f"refused to delete {label_of(undo.refused.module)} {undo.refused.number}: {undo.said}. "
            "The rest is still in Accurate; Sync sends the deleted ones again."
        )
        changes |= {"status": Status.FAILED, "completed_at": now, "status_reason": message}
    else:
        outcome = Outcome.FAILED
        if undo.refused is not None:
            message = (
                f"Kept in Accurate: Accurate refused to delete {label_of(undo.refused.module)} "
                f"{undo.refused.number}: {undo.said}."
            )
        else:
            message = undo.said
        earlier = activity.status_reason if claimed.was == Status.DIFFERENCE else ""
        changes |= {"status": claimed.was, "status_reason": f"{message} {earlier}".strip()}
    with transaction.atomic():
        for document in undo.deleted:
            AccurateBinding.objects.filter(
                store_id=activity.store_id,
                database_id=database_id,
                module=document.module,
                number=document.number,
            ).delete()
        SyncActivity.objects.filter(pk=activity.pk, status=Status.RUNNING, claimed_by=holder).update(
            **changes
        )
        if activity.kind in SUMMARY_KINDS:
            covered_follow([activity.pk])  # its sales (refunds) are held again with it, or kept
        SyncAttempt.objects.create(
            activity=activity,
            started_at=started,
            duration_ms=max(int((now - started).total_seconds() * 1000), 0),
            outcome=outcome,
            message=f"{message} {marker(token)}",
            sent=undo.sent,
            answered=undo.answered,
        )
    return outcome


def row_release(*, claimed: Claimed, holder: str) -> None:
    """Give a claimed row back as it was, untried (the run stopped before it)."""
    SyncActivity.objects.filter(pk=claimed.activity.pk, status=Status.RUNNING, claimed_by=holder).update(
        status=claimed.was, claimed_by="", updated_at=timezone.now()
    )
