"""Pushing one batch: each planned document sent once, stage by stage, every outcome settled.

- A document Accurate already has unchanged (a binding with the same payload hash) is not sent;
  one it has with other content is sent with its `id`, which updates it.
- A row whose last outcome was unclear (dropped connection, timeout, a dead worker) has its numbers
  looked up in Accurate before anything is sent; "number already used" is looked up the same way.
- Documents of a later stage (receipts) go only for rows whose earlier stage (the invoice) landed.
- Each stage's documents that landed are then checked against the POS total (sync/engine/verify.py):
  Accurate's own total comes from the save answer, a lookup's row, or a list.do of its own.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from accurate import AccurateClient, AccurateError, ErrorKind, Filter, RecordResult
from accurate.client import BULK_LIMIT, amount_of
from iseller_accurate.hashing import payload_hash
from sync.engine.plans import DocumentKey, RowPlan
from sync.engine.progress import Answer, Binding, RowProgress, SentDocument, classify, label_of
from sync.engine.verify import TOTALED, Group, stage_verify
from sync.mappers import Planned
from sync.models import Outcome


class Pusher:
    """Sends the documents of a batch of rows (all of one kind) and keeps what Accurate answered."""

    def __init__(
        self,
        client: AccurateClient,
        plans: Sequence[RowPlan],
        bindings: dict[DocumentKey, Binding],
        *,
        defer_total_reads: bool = False,
    ) -> None:
        self.client = client
        # In a backlog, a total the save's answer did not carry is read back after the backlog is
        # sent, not with a list.do of its own per batch (sync/engine/totals_check.py).
        self.defer_total_reads = defer_total_reads
        # The documents whose total is left to read, with the POS total to compare it with.
        self.unchecked: dict[DocumentKey, Decimal] = {}
        self.rows = [RowProgress(plan, lookup=plan.activity.needs_lookup) for plan in plans]
        self.bindings = bindings  # updated as documents land; the caller stores the changes
        self.changed: dict[DocumentKey, Binding] = {}
        self.deleted: set[DocumentKey] = set()
        self.calls = 0
        self.started = time.monotonic()
        # Accurate's own total of the documents it answered for in this run (saves, lookups).
        self.totals: dict[DocumentKey, Decimal] = {}
        # The last answer noted for each document: the total checks add their figures to it.
        self.answers: dict[DocumentKey, Answer] = {}

    # --- the run ---

    def run(self) -> list[RowProgress]:
        for row in self.rows:
            self._prepare(row)
        stages = sorted({p.stage for row in self.rows if row.alive for p in row.plan.documents})
        for stage in stages:
            groups = self._groups(stage)
            stage_documents = dict(groups)  # the settled ones too: they are checked all the same
            self._look_up(
                [key for key, (planned, rows) in groups.items() if any(row.lookup for row in rows)], groups
            )
            for key, (planned, rows) in list(groups.items()):
                if not any(row.alive for row in rows) or self._settled(key, planned):
                    groups.pop(key)
            self._send(groups)
            stage_verify(self, stage_documents)
        for row in self.rows:
            row.lookup = row.lookup and not row.alive
        return self.rows

    def _prepare(self, row: RowProgress) -> None:
        plan = row.plan
        if plan.problem:
            row.mark(Outcome.FAILED, plan.problem, cause=plan.problem_cause)
        elif plan.needs is not None and plan.needs not in self.bindings:
            module, number = plan.needs
            row.mark(Outcome.WAITING, f"Waiting for {label_of(module)} {number} to be in Accurate first.")

    def _groups(self, stage: int) -> dict[DocumentKey, Group]:
        """The stage's documents, each once, with the rows that need it (two sales of one customer)."""
        groups: dict[DocumentKey, Group] = {}
        for row in self.rows:
            if not row.alive:
                continue
            for planned in row.plan.documents:
                if planned.stage == stage:
                    groups.setdefault((planned.module, planned.number), (planned, []))[1].append(row)
        return groups

    def _settled(self, key: DocumentKey, planned: Planned) -> bool:
        """Nothing to send: already there unchanged, or (to delete) already gone."""
        binding = self.bindings.get(key)
        if planned.action == "delete":
            return binding is None
        return binding is not None and binding.payload_hash == payload_hash(planned.payload)

    # --- lookups by number ---

    def _look_up(self, keys: Sequence[DocumentKey], groups: dict[DocumentKey, Group]) -> None:
        """Find documents Accurate may already have (after an unclear outcome) and bind them."""
        wanted = [
            k
            for k in keys
            if k not in self.bindings and k[0] != "customer" and groups[k][0].action != "delete"
        ]
        by_module: dict[str, list[str]] = {}
        for module, number in wanted:
            by_module.setdefault(module, []).append(number)
        for module, numbers in by_module.items():
            for start in range(0, len(numbers), BULK_LIMIT):
                chunk = numbers[start : start + BULK_LIMIT]
                try:
                    found = self._find(module, chunk)
                except AccurateError as error:
                    for number in chunk:
                        planned, rows = groups[(module, number)]
                        for row in rows:
                            classify(row, error, planned)
                    continue
                for number, accurate_id in found.items():
                    if (module, number) in groups:
                        planned = groups[(module, number)][0]
                        self._bind((module, number), accurate_id, payload_hash(planned.payload))

    def _find(self, module: str, numbers: Sequence[str]) -> dict[str, int]:
        """number → id of the documents Accurate has among `numbers` (one list.do call).

        [U] EQUAL with several values matches any of them (the sandbox does; the API page shows
        one value). Were Accurate to match only the first, a document missed here is refused as a
        duplicate when sent, and found then by detail.do: slower, never doubled.
        """
        self.calls += 1
        # Documents whose total is checked bring it along: no second call to read it.
        fields = ("id", "number", "totalAmount") if module in TOTALED else ("id", "number")
        rows = self.client.list(module, fields=fields, filters={"number": Filter("EQUAL", list(numbers))})
        found = {}
        for row in rows:
            if row.get("number") in numbers:
                found[str(row["number"])] = int(row["id"])
                self._total_seen((module, str(row["number"])), row)
        return found

    def _detail_id(self, module: str, number: str) -> int | None:
        self.calls += 1
        try:
            record = self.client.detail(module, number=number)
        except AccurateError as error:
            if error.kind is ErrorKind.not_found:
                return None
            raise
        self._total_seen((module, number), record)
        return int(record["id"])

    def _total_seen(self, key: DocumentKey, record: dict[str, Any]) -> None:
        total = amount_of(record, "totalAmount")
        if total is not None:
            self.totals[key] = total

    # --- sending ---

    def _send(self, groups: dict[DocumentKey, Group]) -> None:
        bulk: dict[str, list[DocumentKey]] = {}
        for key, (planned, rows) in groups.items():
            if planned.action == "bulk-save":
                bulk.setdefault(planned.module, []).append(key)
            else:
                self._one(key, planned, rows)
        for module, keys in bulk.items():
            for start in range(0, len(keys), BULK_LIMIT):
                self._bulk(module, keys[start : start + BULK_LIMIT], groups)

    def _payload(self, key: DocumentKey, planned: Planned) -> dict[str, Any]:
        binding = self.bindings.get(key)
        return planned.payload if binding is None else {**planned.payload, "id": binding.accurate_id}

    def _bulk(self, module: str, keys: Sequence[DocumentKey], groups: dict[DocumentKey, Group]) -> None:
        payloads = [self._payload(key, groups[key][0]) for key in keys]
        for key, payload in zip(keys, payloads, strict=True):
            self.note_sent(groups[key], "bulk-save", payload)
        self.calls += 1
        try:
            results = self.client.bulk_save(module, payloads)
        except AccurateError as error:
            for key in keys:
                planned, rows = groups[key]
                self.note_answer(rows, planned, ok=False, messages=[str(error)])
                for row in rows:
                    classify(row, error, planned)
            return
        duplicates: list[DocumentKey] = []
        for key, result in zip(keys, results, strict=True):
            planned, rows = groups[key]
            self._record(key, planned, rows, result, duplicates)
        self._settle_duplicates(duplicates, groups)

    def _record(
        self,
        key: DocumentKey,
        planned: Planned,
        rows: list[RowProgress],
        result: RecordResult,
        duplicates: list[DocumentKey],
    ) -> None:
        error = result.error
        messages = [] if error is None else (error.messages or [str(error)])
        self.note_answer(rows, planned, ok=result.ok, accurate_id=result.id, messages=messages)
        if result.ok and result.id is not None:
            self._bind(key, result.id, payload_hash(planned.payload))
            self.totals.pop(key, None)  # an earlier figure is stale once it is saved again
            if result.total_amount is not None:
                self.totals[key] = result.total_amount
        elif error is not None and error.kind is ErrorKind.duplicate_number:
            if planned.module != "customer":  # a customer Accurate has is all a sale needs
                duplicates.append(key)
        elif error is not None:
            for row in rows:
                classify(row, error, planned)

    def _settle_duplicates(self, keys: Sequence[DocumentKey], groups: dict[DocumentKey, Group]) -> None:
        """ "Number already used": Accurate has it (from an earlier unclear try). Bind it by number."""
        for key in keys:
            planned, rows = groups[key]
            try:
                accurate_id = self._detail_id(*key)
            except AccurateError as error:
                for row in rows:
                    classify(row, error, planned)
                continue
            if accurate_id is None:
                for row in rows:
                    row.mark(
                        Outcome.RETRY,
                        f"Accurate said number {key[1]} is used but does not show it; will try again.",
                    )
            else:
                self._bind(key, accurate_id, payload_hash(planned.payload))

    def _one(self, key: DocumentKey, planned: Planned, rows: list[RowProgress]) -> None:
        """A document sent alone: a stock take (save-target-quantity) or a deletion."""
        binding = self.bindings.get(key)
        payload = self._payload(key, planned)
        self.note_sent((planned, rows), planned.action, payload)
        self.calls += 1
        try:
            if planned.action == "delete":
                assert binding is not None  # settled otherwise
                self.client.delete(planned.module, binding.accurate_id)
                self.bindings.pop(key, None)
                self.changed.pop(key, None)
                self.deleted.add(key)
                self.note_answer(rows, planned, ok=True, accurate_id=binding.accurate_id, messages=[])
                return
            saved = self.client.save_target_quantity(payload)
        except AccurateError as error:
            self.note_answer(rows, planned, ok=False, messages=error.messages or [str(error)])
            if planned.action == "delete" and error.kind is ErrorKind.not_found:
                self.bindings.pop(key, None)
                self.deleted.add(key)  # already gone from Accurate: what a deletion wants
            elif error.kind is ErrorKind.duplicate_number:
                self._settle_duplicates([key], {key: (planned, rows)})
            else:
                for row in rows:
                    classify(row, error, planned)
            return
        self.note_answer(rows, planned, ok=True, accurate_id=saved.id, messages=[])
        self._bind(key, saved.id, payload_hash(planned.payload))

    # --- bookkeeping ---

    def _bind(self, key: DocumentKey, accurate_id: int, hashed: str) -> None:
        binding = Binding(accurate_id, hashed)
        self.bindings[key] = binding
        self.changed[key] = binding
        self.deleted.discard(key)

    @staticmethod
    def note_sent(group: Group, action: str, payload: dict[str, Any]) -> None:
        planned, rows = group
        entry: SentDocument = {
            "module": planned.module,
            "action": action,
            "number": planned.number,
            "payload": payload,
        }
        for row in rows:
            row.sent.append(entry)

    def note_answer(
        self,
        rows: Iterable[RowProgress],
        planned: Planned,
        *,
        ok: bool,
        messages: list[str],
        accurate_id: int | None = None,
    ) -> None:
        entry: Answer = {
            "module": planned.module,
            "number": planned.number,
            "ok": ok,
            "id": accurate_id,
            "messages": messages,
        }
        self.answers[(planned.module, planned.number)] = entry
        for row in rows:
            row.answered.append(entry)
