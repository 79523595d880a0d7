"""After every save, Accurate's own total beside the POS's: a difference is never silent.

Accurate computes a document's total itself (PPN line by line, discounts) and nobody has shown
exactly how [U], so the mapper's prediction is never trusted. Each sales invoice, sales receipt,
sales return and other deposit of a stage that is in Accurate is checked against the figure its
Planned carries (`expected_total`: the order's total, the amount paid by that method, the refund's
total, the deposit's amount). Accurate's total comes from the save answer (`r.totalAmount`), from the
lookup that found the document, or else from one list.do per module and 100 numbers.

- An invoice that differs is sent again, with its `id`, the difference added to its rounding line —
  at most once per try — and checked again; the attempt's message says so. The binding keeps the hash
  of the mapper's payload, so an unchanged sale is not sent again at the next sync.
- One that still differs, or a document the engine cannot correct (receipts, returns, deposits, an
  invoice without a rounding account), lands "Synced with a difference", both totals in its reason.
- The figures go on the document's answer in the attempt (`accurate_total`, `pos_total`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from accurate import AccurateError, ErrorKind, Filter
from accurate.client import BULK_LIMIT, amount_of
from outlets.templatetags.rupiah import format_rupiah
from sync.engine.plans import DocumentKey
from sync.engine.progress import Answer, RowProgress, classify, label_of
from sync.mappers import Planned
from sync.mappers.order import rounding_corrected
from sync.mappers.types import OTHER_DEPOSIT, SALES_INVOICE, SALES_RECEIPT, SALES_RETURN
from sync.models import Outcome

if TYPE_CHECKING:
    from sync.engine.push import Pusher

# The modules whose documents carry a total the POS also knows.
TOTALED = frozenset({SALES_INVOICE, SALES_RECEIPT, SALES_RETURN, OTHER_DEPOSIT})
CENT = Decimal("0.01")
# Errors after which trying again is safe and may well succeed: the row waits for its next try.
_TRY_AGAIN = (ErrorKind.token_invalid, ErrorKind.insufficient_scope, ErrorKind.unclear)

# A document of a stage, once, with the rows that need it (two sales of one customer).
Group = tuple[Planned, list[RowProgress]]


@dataclass(frozen=True)
class Checked:
    """A document in Accurate, and the total Accurate gives it."""

    key: DocumentKey
    planned: Planned
    rows: list[RowProgress]
    accurate: Decimal

    @property
    def expected(self) -> Decimal:
        assert self.planned.expected_total is not None
        return self.planned.expected_total

    @property
    def differs(self) -> bool:
        # Accurate keeps six decimals; the POS and every ledger report count in cents.
        return cents(self.accurate) != cents(self.expected)

    @property
    def name(self) -> str:
        return f"{label_of(self.planned.module)} {self.planned.number}"


def cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, ROUND_HALF_UP)


def figures(accurate: Decimal, expected: Decimal) -> str:
    return (
        f"Accurate's total {format_rupiah(accurate)} differs from the POS total "
        f"{format_rupiah(expected)} by {format_rupiah(abs(expected - accurate))}"
    )


def correctable(planned: Planned) -> bool:
    """Only a sales invoice has a line the difference can go on (its rounding account's)."""
    return planned.module == SALES_INVOICE and bool(planned.rounding_account_no)


def stage_verify(pusher: Pusher, groups: Mapping[DocumentKey, Group]) -> None:
    """Check the stage's documents that are in Accurate; correct the invoices that differ."""
    due: dict[DocumentKey, Group] = {
        key: (planned, rows)
        for key, (planned, rows) in groups.items()
        if planned.expected_total is not None
        and planned.action == "bulk-save"
        and key in pusher.bindings
        and any(row.alive for row in rows)
    }
    for key in deferred(pusher, due):
        planned, rows = due.pop(key)
        assert planned.expected_total is not None
        pusher.unchecked[key] = cents(planned.expected_total)
        for row in rows:
            row.notes.append(deferred_note(key))
    if not due:
        return
    totals = totals_read(pusher, due)
    checked = [Checked(key, *due[key], totals[key]) for key in due if key in totals]
    for item in checked:
        figures_note(pusher, item)
    wrong = [item for item in checked if item.differs]
    for item in wrong:
        if not correctable(item.planned):
            flag(item, cannot_correct(item))
    corrected = corrections_send(pusher, [item for item in wrong if correctable(item.planned)])
    for before, after in corrected:
        figures_note(pusher, after)
        if after.differs:
            flag(after, still_differs(after))
        else:
            for row in after.rows:
                row.notes.append(corrected_note(before))


def deferred(pusher: Pusher, due: Mapping[DocumentKey, Group]) -> list[DocumentKey]:
    """The documents whose read-back waits for the end of the backlog: saved in this batch (a
    document sent again or found by a lookup is read now) without a total in Accurate's answer."""
    if not pusher.defer_total_reads:
        return []
    return [key for key in due if key in pusher.changed and key not in pusher.totals]


def deferred_note(key: DocumentKey) -> str:
    return (
        f"Accurate's answer did not give the total of {label_of(key[0])} {key[1]}: it is read back "
        "once the rest of the backlog is in Accurate, and the document is sent again if it differs."
    )


def corrected_note(before: Checked) -> str:
    added = format_rupiah(before.expected - before.accurate)
    return (
        f"Accurate's total of {before.name} was {format_rupiah(before.accurate)}, not the POS total "
        f"{format_rupiah(before.expected)}: sent again with {added} on its rounding line, it now matches."
    )


def still_differs(after: Checked) -> str:
    return (
        f"{figures(after.accurate, after.expected)}: {after.name}, even after it was sent again with the "
        "difference on its rounding line. Check the tax settings of its items in Accurate, then sync it "
        "again."
    )


def flag(item: Checked, reason: str) -> None:
    """The document landed with another total than the POS's: its rows say so (never silent)."""
    for row in item.rows:
        row.differences.append(reason)


def cannot_correct(item: Checked) -> str:
    said = figures(item.accurate, item.expected)
    if item.planned.module == SALES_INVOICE:
        return (
            f"{said}: {item.name}. Set the rounding difference account in Apps → Accurate → Outlet "
            "mapping, then sync it again to correct it."
        )
    return f"{said}: {item.name}. Correct it in Accurate, then sync it again to check it."


def figures_note(pusher: Pusher, item: Checked) -> None:
    """Both totals on the document's latest answer (a new entry when it was not sent in this run)."""
    entry = pusher.answers.get(item.key)
    if entry is None or not entry["ok"]:
        binding = pusher.bindings[item.key]
        entry = Answer(module=item.key[0], number=item.key[1], ok=True, id=binding.accurate_id, messages=[])
        pusher.answers[item.key] = entry
        for row in item.rows:
            row.answered.append(entry)
    entry["accurate_total"] = str(item.accurate)
    entry["pos_total"] = str(item.expected)


def totals_read(pusher: Pusher, due: Mapping[DocumentKey, Group]) -> dict[DocumentKey, Decimal]:
    """Accurate's total of each document: known from this run's answers, else read with list.do (one
    call per module and 100 numbers). A document whose total cannot be read is tried again later."""
    known = {key: pusher.totals[key] for key in due if key in pusher.totals}
    missing: dict[str, list[str]] = {}
    for module, number in due:
        if (module, number) not in known:
            missing.setdefault(module, []).append(number)
    for module, numbers in missing.items():
        for start in range(0, len(numbers), BULK_LIMIT):
            chunk = numbers[start : start + BULK_LIMIT]
            known.update(_list_totals(pusher, module, chunk, due))
    for key, (_planned, rows) in due.items():
        if key not in known:
            for row in rows:
                row.mark(
                    Outcome.RETRY,
                    f"Could not read Accurate's total of {label_of(key[0])} {key[1]}; it is "
                    "checked again at the next try.",
                )
    return known


def _list_totals(
    pusher: Pusher, module: str, numbers: Sequence[str], due: Mapping[DocumentKey, Group]
) -> dict[DocumentKey, Decimal]:
    pusher.calls += 1
    try:
        records = list(
            pusher.client.list(
                module,
                fields=("id", "number", "totalAmount"),
                filters={"number": Filter("EQUAL", list(numbers))},
            )
        )
    except AccurateError as error:
        for number in numbers:
            planned, waiting = due[(module, number)]
            for row in waiting:
                classify(row, error, planned)
        return {}
    found: dict[DocumentKey, Decimal] = {}
    for record in records:
        total = amount_of(record, "totalAmount")
        if record.get("number") in numbers and total is not None:
            key = (module, str(record["number"]))
            found[key] = pusher.totals[key] = total
    return found


def corrections_send(pusher: Pusher, items: Sequence[Checked]) -> list[tuple[Checked, Checked]]:
    """Send each invoice again with the difference on its rounding line (100 per call); for each one
    Accurate saved, the check before and after. Refusals are flagged; retryable errors retried."""
    saved: list[Checked] = []
    for start in range(0, len(items), BULK_LIMIT):
        chunk = items[start : start + BULK_LIMIT]
        saved.extend(_correct_chunk(pusher, chunk))
    due = {item.key: (item.planned, item.rows) for item in saved}
    totals = totals_read(pusher, due) if due else {}
    return [
        (item, Checked(item.key, item.planned, item.rows, totals[item.key]))
        for item in saved
        if item.key in totals
    ]


def _correct_chunk(pusher: Pusher, chunk: Sequence[Checked]) -> list[Checked]:
    payloads = [corrected_payload(pusher, item) for item in chunk]
    for item, payload in zip(chunk, payloads, strict=True):
        pusher.note_sent((item.planned, item.rows), "bulk-save", payload)
    pusher.calls += 1
    module = chunk[0].planned.module
    try:
        results = pusher.client.bulk_save(module, payloads)
    except AccurateError as error:
        for item in chunk:
            pusher.note_answer(item.rows, item.planned, ok=False, messages=[str(error)])
            _refused(item, error)
        return []
    saved = []
    for item, result in zip(chunk, results, strict=True):
        refusal = result.error
        messages: list[str] = [] if refusal is None else (refusal.messages or [str(refusal)])
        pusher.note_answer(item.rows, item.planned, ok=result.ok, accurate_id=result.id, messages=messages)
        if result.ok:
            pusher.totals.pop(item.key, None)
            if result.total_amount is not None:
                pusher.totals[item.key] = result.total_amount
            saved.append(item)
        elif refusal is not None:
            _refused(item, refusal)
    return saved


def corrected_payload(pusher: Pusher, item: Checked) -> dict[str, Any]:
    """The mapper's payload, as an update of the document Accurate has, the difference on its rounding
    line. Its hash is not bound: the binding keeps the mapper's, so the sale is not sent again."""
    update = {**item.planned.payload, "id": pusher.bindings[item.key].accurate_id}
    return rounding_corrected(update, item.expected - item.accurate, item.planned.rounding_account_no)


def _refused(item: Checked, error: AccurateError) -> None:
    """A correction Accurate did not take: tried again when that may help, else flagged."""
    if error.retryable or error.kind in _TRY_AGAIN:
        for row in item.rows:
            classify(row, error, item.planned)
        return
    said = "; ".join(error.messages) or str(error)
    flag(
        item,
        f"{figures(item.accurate, item.expected)}: {item.name}. Accurate refused it sent again with the "
        f"difference on its rounding line: {said}",
    )
