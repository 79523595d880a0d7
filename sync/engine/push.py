"""Pushing one batch: each planned document sent once, stage by stage, every outcome settled.

- A document Accurate already has unchanged (a binding with the same payload hash) is not sent;
  one it has with other content is sent with its `id`, which updates it.
- A row whose last outcome was unclear (dropped connection, timeout, a dead worker) has its numbers
  looked up in Accurate before anything is sent; "number already used" is looked up the same way.
- Documents of a later stage (receipts) go only for rows whose earlier stage (the invoice) landed.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from accurate import AccurateClient, AccurateError, ErrorKind, Filter, RecordResult
from accurate.client import BULK_LIMIT
from sync.engine.plans import Key, Work
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
}
_UNKNOWN_ITEM = re.compile(r"barang dengan kode (?P<code>.+?) tidak ditemukan", re.IGNORECASE)
_UNKNOWN_ACCOUNT = re.compile(r"akun dengan no (?P<no>.+?) tidak ditemukan", re.IGNORECASE)


def payload_hash(payload: dict[str, Any]) -> str:
    text = json.dumps(payload, sort_keys=True, cls=DjangoJSONEncoder, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


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
    label = LABELS.get(planned.module, planned.module)
    return f"Accurate refused {label} {planned.number}: {said}"


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


class Pusher:
    """Sends the documents of a batch of rows (all of one kind) and keeps what Accurate answered."""

    def __init__(self, client: AccurateClient, works: Sequence[Work], bindings: dict[Key, Bound]) -> None:
        self.client = client
        self.tracks = [Track(work, lookup=work.activity.needs_lookup) for work in works]
        self.bindings = bindings  # updated as documents land; the caller stores the changes
        self.changed: dict[Key, Bound] = {}
        self.deleted: set[Key] = set()
        self.calls = 0
        self.started = time.monotonic()

    # --- the run ---

    def run(self) -> list[Track]:
        for track in self.tracks:
            self._prepare(track)
        stages = sorted({p.stage for t in self.tracks if t.alive for p in t.work.plans})
        for stage in stages:
            groups = self._groups(stage)
            self._look_up(
                [key for key, (planned, tracks) in groups.items() if any(t.lookup for t in tracks)], groups
            )
            for key, (planned, tracks) in list(groups.items()):
                if not any(t.alive for t in tracks) or self._settled(key, planned):
                    groups.pop(key)
            self._send(groups)
        for track in self.tracks:
            track.lookup = track.lookup and not track.alive
        return self.tracks

    def _prepare(self, track: Track) -> None:
        work = track.work
        if work.problem:
            track.mark("failed", work.problem, cause=work.problem_cause)
        elif work.needs is not None and work.needs not in self.bindings:
            module, number = work.needs
            track.mark(
                "waiting", f"Waiting for {LABELS.get(module, module)} {number} to be in Accurate first."
            )

    def _groups(self, stage: int) -> dict[Key, tuple[Planned, list[Track]]]:
        """The stage's documents, each once, with the rows that need it (two sales of one customer)."""
        groups: dict[Key, tuple[Planned, list[Track]]] = {}
        for track in self.tracks:
            if not track.alive:
                continue
            for planned in track.work.plans:
                if planned.stage == stage:
                    groups.setdefault((planned.module, planned.number), (planned, []))[1].append(track)
        return groups

    def _settled(self, key: Key, planned: Planned) -> bool:
        """Nothing to send: already there unchanged, or (to delete) already gone."""
        bound = self.bindings.get(key)
        if planned.action == "delete":
            return bound is None
        return bound is not None and bound.payload_hash == payload_hash(planned.payload)

    # --- lookups by number ---

    def _look_up(self, keys: Sequence[Key], groups: dict[Key, tuple[Planned, list[Track]]]) -> None:
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
                        planned, tracks = groups[(module, number)]
                        for track in tracks:
                            classify(track, error, planned)
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
        rows = self.client.list(
            module, fields=("id", "number"), filters={"number": Filter("EQUAL", list(numbers))}
        )
        return {str(row["number"]): int(row["id"]) for row in rows if row.get("number") in numbers}

    def _detail_id(self, module: str, number: str) -> int | None:
        self.calls += 1
        try:
            return int(self.client.detail(module, number=number)["id"])
        except AccurateError as error:
            if error.kind is ErrorKind.not_found:
                return None
            raise

    # --- sending ---

    def _send(self, groups: dict[Key, tuple[Planned, list[Track]]]) -> None:
        bulk: dict[str, list[Key]] = {}
        for key, (planned, tracks) in groups.items():
            if planned.action == "bulk-save":
                bulk.setdefault(planned.module, []).append(key)
            else:
                self._one(key, planned, tracks)
        for module, keys in bulk.items():
            for start in range(0, len(keys), BULK_LIMIT):
                self._bulk(module, keys[start : start + BULK_LIMIT], groups)

    def _payload(self, key: Key, planned: Planned) -> dict[str, Any]:
        bound = self.bindings.get(key)
        return planned.payload if bound is None else {**planned.payload, "id": bound.accurate_id}

    def _bulk(self, module: str, keys: Sequence[Key], groups: dict[Key, tuple[Planned, list[Track]]]) -> None:
        payloads = [self._payload(key, groups[key][0]) for key in keys]
        for key, payload in zip(keys, payloads, strict=True):
            self._note_sent(groups[key], "bulk-save", payload)
        self.calls += 1
        try:
            results = self.client.bulk_save(module, payloads)
        except AccurateError as error:
            for key in keys:
                planned, tracks = groups[key]
                self._note_answer(tracks, planned, ok=False, messages=[str(error)])
                for track in tracks:
                    classify(track, error, planned)
            return
        duplicates: list[Key] = []
        for key, result in zip(keys, results, strict=True):
            planned, tracks = groups[key]
            self._record(key, planned, tracks, result, duplicates)
        self._settle_duplicates(duplicates, groups)

    def _record(
        self, key: Key, planned: Planned, tracks: list[Track], result: RecordResult, duplicates: list[Key]
    ) -> None:
        error = result.error
        messages = [] if error is None else (error.messages or [str(error)])
        self._note_answer(tracks, planned, ok=result.ok, accurate_id=result.id, messages=messages)
        if result.ok and result.id is not None:
            self._bind(key, result.id, payload_hash(planned.payload))
        elif error is not None and error.kind is ErrorKind.duplicate_number:
            if planned.module != "customer":  # a customer Accurate has is all a sale needs
                duplicates.append(key)
        elif error is not None:
            for track in tracks:
                classify(track, error, planned)

    def _settle_duplicates(self, keys: Sequence[Key], groups: dict[Key, tuple[Planned, list[Track]]]) -> None:
        """ "Number already used": Accurate has it (from an earlier unclear try). Bind it by number."""
        for key in keys:
            planned, tracks = groups[key]
            try:
                accurate_id = self._detail_id(*key)
            except AccurateError as error:
                for track in tracks:
                    classify(track, error, planned)
                continue
            if accurate_id is None:
                for track in tracks:
                    track.mark(
                        "retry",
                        f"Accurate said number {key[1]} is used but does not show it; will try again.",
                    )
            else:
                self._bind(key, accurate_id, payload_hash(planned.payload))

    def _one(self, key: Key, planned: Planned, tracks: list[Track]) -> None:
        """A document sent alone: a stock take (save-target-quantity) or a deletion."""
        bound = self.bindings.get(key)
        payload = self._payload(key, planned)
        self._note_sent((planned, tracks), planned.action, payload)
        self.calls += 1
        try:
            if planned.action == "delete":
                assert bound is not None  # settled otherwise
                self.client.delete(planned.module, bound.accurate_id)
                self.bindings.pop(key, None)
                self.changed.pop(key, None)
                self.deleted.add(key)
                self._note_answer(tracks, planned, ok=True, accurate_id=bound.accurate_id, messages=[])
                return
            saved = self.client.save_target_quantity(payload)
        except AccurateError as error:
            self._note_answer(tracks, planned, ok=False, messages=error.messages or [str(error)])
            if planned.action == "delete" and error.kind is ErrorKind.not_found:
                self.bindings.pop(key, None)
                self.deleted.add(key)  # already gone from Accurate: what a deletion wants
            elif error.kind is ErrorKind.duplicate_number:
                self._settle_duplicates([key], {key: (planned, tracks)})
            else:
                for track in tracks:
                    classify(track, error, planned)
            return
        self._note_answer(tracks, planned, ok=True, accurate_id=saved.id, messages=[])
        self._bind(key, saved.id, payload_hash(planned.payload))

    # --- bookkeeping ---

    def _bind(self, key: Key, accurate_id: int, hashed: str) -> None:
        bound = Bound(accurate_id, hashed)
        self.bindings[key] = bound
        self.changed[key] = bound
        self.deleted.discard(key)

    @staticmethod
    def _note_sent(group: tuple[Planned, list[Track]], action: str, payload: dict[str, Any]) -> None:
        planned, tracks = group
        entry = {"module": planned.module, "action": action, "number": planned.number, "payload": payload}
        for track in tracks:
            track.sent.append(entry)

    @staticmethod
    def _note_answer(
        tracks: Iterable[Track],
        planned: Planned,
        *,
        ok: bool,
        messages: list[str],
        accurate_id: int | None = None,
    ) -> None:
        entry = {
            "module": planned.module,
            "number": planned.number,
            "ok": ok,
            "id": accurate_id,
            "messages": messages,
        }
        for track in tracks:
            track.answered.append(entry)
