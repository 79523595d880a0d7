"""Faults on demand: latency, failures (HTTP 503) and dropped connections, random or counted; a
tax computed otherwise than the product predicts (`tax_mode`, `tax_rate`), to test its checks; and
deletions refused for given numbers (`refuse_delete`), as Accurate refuses to delete a document in a
closed period or one paid elsewhere."""

from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from accurate_sandbox.config import TAX_RATE
from accurate_sandbox.data.taxes import MODES, TaxRule

# [U] Accurate's words for a deletion it refuses are not known; an `s: false` envelope with a reason
# in `d`, like its other refusals, is assumed.
REFUSED_DELETE = "Data tidak dapat dihapus karena periode akuntansi sudah ditutup"


@dataclass
class FaultSettings:
    latency_ms: int = 0
    fail_rate: float = 0.0
    drop_rate: float = 0.0
    fail_next: int = 0  # the next N data calls fail, whatever the rates say
    drop_next: int = 0  # the next N data calls are handled, then dropped without an answer
    # How PPN is computed (accurate_sandbox/data/taxes.py): "lines" (the line flags, as the sandbox
    # reads Accurate) or "header" (every line of a taxable document); `tax_rate` a percent, "" = 11.
    tax_mode: str = "lines"
    tax_rate: str = ""
    # number → message: delete.do of a document with that number is refused with the message ("":
    # REFUSED_DELETE). The wording of Accurate's refusal is not known [U].
    refuse_delete: dict[str, str] = field(default_factory=dict)
    # delete.do refuses a document another one refers to (an invoice a receipt pays or a return
    # names, a transfer out a transfer in names). Off by default: whether Accurate does is [U].
    refuse_referenced: bool = False
    # database id → {"latency_ms", "fail_rate"}: that database's data calls take this latency and
    # fail this often instead (one merchant's Accurate slow or unwell, the others not).
    databases: dict[str, dict[str, float]] = field(default_factory=dict)
    # False: bulk-save answers leave `totalAmount` out of each saved record `r` (whether Accurate's
    # carry it is [U]); the engine then reads the totals it checks with a list.do.
    answer_totals: bool = True

    def __post_init__(self) -> None:
        if self.tax_mode not in MODES:
            raise ValueError(f"tax_mode must be one of {', '.join(MODES)}")
        self.rate()  # refuses a rate that is not a number
        for db_id, knobs in self.databases.items():
            if not str(db_id).isdigit() or not isinstance(knobs, dict) or set(knobs) - DATABASE_KNOBS:
                raise ValueError(f"databases maps database ids to {{{', '.join(sorted(DATABASE_KNOBS))}}}")

    def rate(self) -> Decimal:
        """The PPN rate as a fraction."""
        if not self.tax_rate.strip():
            return TAX_RATE
        try:
            percent = Decimal(self.tax_rate.strip())
        except InvalidOperation as error:
            raise ValueError("tax_rate must be a percent, e.g. 12") from error
        if not percent.is_finite() or percent < 0:
            raise ValueError("tax_rate must be a percent, e.g. 12")
        return percent / 100


DATABASE_KNOBS = frozenset({"latency_ms", "fail_rate"})


class Faults:
    def __init__(self, settings: FaultSettings, seed: int | None = None) -> None:
        self.settings = settings
        self.lock = threading.Lock()
        self.random = random.Random(seed)
        self.failed = 0
        self.dropped = 0

    def update(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Apply the given fields (unknown ones are refused); returns the settings now in force."""
        with self.lock:
            current = asdict(self.settings)
            unknown = set(changes) - set(current)
            if unknown:
                raise ValueError(f"unknown fault settings: {', '.join(sorted(unknown))}")
            for name, value in changes.items():
                if name in ("refuse_delete", "databases") and not isinstance(value, dict):
                    raise ValueError(f"{name} must be a JSON object")
                current[name] = type(current[name])(value)
            self.settings = FaultSettings(**current)
            return asdict(self.settings)

    def reset(self, settings: FaultSettings) -> None:
        """The given settings, and the failed and dropped counts back to zero."""
        with self.lock:
            self.settings = settings
            self.failed = 0
            self.dropped = 0

    def tax_rule(self) -> TaxRule:
        settings = self.settings
        return TaxRule(mode=settings.tax_mode, rate=settings.rate())

    def delete_refusal(self, number: str) -> str | None:
        """Accurate's words refusing to delete the document `number`, or None when it may go."""
        with self.lock:
            message = self.settings.refuse_delete.get(number)
        if message is None:
            return None
        return message or REFUSED_DELETE

    def per_database(self) -> bool:
        return bool(self.settings.databases)

    def _knob(self, db_id: int | None, name: str, default: float) -> float:
        knobs = self.settings.databases.get(str(db_id), {}) if db_id is not None else {}
        return float(knobs.get(name, default))

    def latency_s(self, db_id: int | None = None) -> float:
        return self._knob(db_id, "latency_ms", self.settings.latency_ms) / 1000

    def should_fail(self, db_id: int | None = None) -> bool:
        with self.lock:
            if self.settings.fail_next > 0:
                self.settings.fail_next -= 1
                hit = True
            else:
                hit = self.random.random() < self._knob(db_id, "fail_rate", self.settings.fail_rate)
            self.failed += hit
            return hit

    def should_drop(self) -> bool:
        with self.lock:
            if self.settings.drop_next > 0:
                self.settings.drop_next -= 1
                hit = True
            else:
                hit = self.random.random() < self.settings.drop_rate
            self.dropped += hit
            return hit

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {**asdict(self.settings), "failed": self.failed, "dropped": self.dropped}
