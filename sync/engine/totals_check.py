"""Totals read back after a backlog: the check a batch left for later.

Every document whose total the POS knows is compared with Accurate's own total (sync/engine/verify.py).
When the save's answer carries that total, the check costs nothing. When it does not (whether
Accurate's bulk-save answer gives `totalAmount` is not known), reading it takes one list.do per module
and 100 documents: a third request beside the invoice's and the receipt's bulk-save, a third less
throughput while a backlog drains. So during a backlog (a full batch claimed) the read waits: the
binding keeps the POS total to compare (`unchecked_total`), and once no row is due the lane reads
those totals, 100 per list.do, oldest first.

- Equal to the cent: the binding is cleared; the row stays as it is.
- Different, or not found: the binding is cleared and its row goes back to Pending, due now. Its
  documents are bound unchanged, so the next push sends nothing new, reads the totals at once and
  corrects or flags them exactly as it does any other difference (and a lookup settles a document
  Accurate does not show). Nothing is ever marked right without Accurate's figure.

One lane per connection reads at a time (a cache key); the others go on with what is due.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accurate import AccurateClient, AccurateError, Filter
from accurate.client import BULK_LIMIT, amount_of
from mapping.models import Connection
from outlets.templatetags.rupiah import format_rupiah
from sync.engine.progress import label_of
from sync.engine.verify import cents
from sync.models import AccurateBinding, SyncActivity, SyncAttempt

logger = logging.getLogger(__name__)

# Held while one lane reads; longer than a read of 100 documents can take (the seam's timeout).
LOCK_TTL_S = 120
LANDED = (SyncActivity.Status.SUCCESS, SyncActivity.Status.DIFFERENCE)


def unchecked_bindings(connection: Connection) -> QuerySet[AccurateBinding]:
    """The connection's documents whose total is still to be read back (a partial index)."""
    assert connection.database_id is not None
    return AccurateBinding.objects.filter(
        store_id=connection.store_id, database_id=connection.database_id, unchecked_total__isnull=False
    )


@dataclass(frozen=True)
class Read:
    done: bool  # nothing left to read now (or another lane is at it, or Accurate refused the read)
    again: int  # rows sent back to be checked and corrected


def totals_check(connection: Connection, client: AccurateClient, *, until: float) -> Read:
    """Read back the connection's unchecked totals until none is left or `until` (monotonic) passes.
    A read Accurate refuses is tried at the connection's next push."""
    lock = f"sync:totals-check:{connection.pk}"
    if not cache.add(lock, uuid.uuid4().hex, LOCK_TTL_S):
        return Read(done=True, again=0)
    again = 0
    try:
        while time.monotonic() < until:
            chunk = _next_chunk(connection)
            if not chunk:
                return Read(done=True, again=again)
            try:
                found = _totals_read(client, chunk[0].module, [b.number for b in chunk])
            except AccurateError as error:
                logger.warning("totals of %s left to read: %s", chunk[0].module, error.kind.value)
                return Read(done=True, again=again)
            again += _chunk_settle(chunk, found)
        return Read(done=False, again=again)
    finally:
        cache.delete(lock)


def _next_chunk(connection: Connection) -> list[AccurateBinding]:
    first = unchecked_bindings(connection).order_by("id").values_list("module", flat=True).first()
    if first is None:
        return []
    return list(unchecked_bindings(connection).filter(module=first).order_by("id")[:BULK_LIMIT])


def _totals_read(client: AccurateClient, module: str, numbers: Sequence[str]) -> dict[str, Decimal]:
    """number → Accurate's total, for the documents of `numbers` Accurate shows with one."""
    records = client.list(
        module, fields=("id", "number", "totalAmount"), filters={"number": Filter("EQUAL", list(numbers))}
    )
    found = {}
    for record in records:
        total = amount_of(record, "totalAmount")
        if record.get("number") in numbers and total is not None:
            found[str(record["number"])] = total
    return found


def _chunk_settle(chunk: Sequence[AccurateBinding], found: dict[str, Decimal]) -> int:
    """Clear what matches; send the rest back through the push, which checks and corrects. Returns
    the rows sent back."""
    now = timezone.now()
    wrong = [b for b in chunk if b.number not in found or cents(found[b.number]) != b.unchecked_total]
    again = 0
    with transaction.atomic():
        AccurateBinding.objects.filter(pk__in=[b.pk for b in chunk]).update(unchecked_total=None)
        _figures_note([b for b in chunk if b not in wrong], found)
        for binding in wrong:
            if binding.activity_id is None:
                continue  # its row is gone: the day's reconciliation still compares the document
            again += SyncActivity.objects.filter(pk=binding.activity_id, status__in=LANDED).update(
                status=SyncActivity.Status.PENDING,
                status_reason=_again_reason(binding, found.get(binding.number)),
                due_at=now,
                claimed_by="",
                updated_at=now,
            )
    if wrong:
        logger.warning("%s of %s %s totals differ or were not found", len(wrong), len(chunk), chunk[0].module)
    return again


def _figures_note(matched: Sequence[AccurateBinding], found: dict[str, Decimal]) -> None:
    """Both totals on the document's answer in its row's latest attempt, as a check at save time
    puts them: the details page shows Accurate's total beside the POS's."""
    numbers = {(b.activity_id, b.module, b.number): b for b in matched if b.activity_id is not None}
    if not numbers:
        return
    ids = {activity_id for activity_id, _, _ in numbers}
    latest: dict[int, SyncAttempt] = {}
    for attempt in SyncAttempt.objects.filter(activity_id__in=ids).order_by(
        "activity_id", "started_at", "id"
    ):
        latest[attempt.activity_id] = attempt
    changed = []
    for attempt in latest.values():
        for answer in attempt.answered:
            binding = numbers.get((attempt.activity_id, answer.get("module"), answer.get("number")))
            if binding is not None and answer.get("ok"):
                answer["accurate_total"] = str(found[binding.number])
                answer["pos_total"] = str(binding.unchecked_total)
                changed.append(attempt)
    SyncAttempt.objects.bulk_update(set(changed), ["answered"])


def _again_reason(binding: AccurateBinding, accurate: Decimal | None) -> str:
    name = f"{label_of(binding.module)} {binding.number}"
    assert binding.unchecked_total is not None
    if accurate is None:
        return f"Accurate did not show the total of {name} when it was read back: it is checked again now."
    return (
        f"Accurate's total of {name} is {format_rupiah(accurate)}, not the POS total "
        f"{format_rupiah(binding.unchecked_total)}: it is checked and corrected now."
    )
