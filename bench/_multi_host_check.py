"""What bench/multi_host.py checks at the end: every sale's invoice and receipts in its store's sandbox
exactly once with the POS's amounts, nothing else, and the sandboxes' limit counters.

The expected numbers are written out here from the POS bodies (`<outlet>-<POS number>` and
`<outlet>-<POS number>-<method>`), not computed through the product's mappers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tests.sandbox_fixture import SandboxProcess

# What each payment method's receipt number ends with (sync/mappers/numbers.py, written out).
METHOD_CODES = {
    "cash": "CASH",
    "debit_card": "DEBIT",
    "credit_card": "CREDIT",
    "qris": "QRIS",
    "e_wallet": "EWALLET",
    "bank_transfer": "TRANSFER",
    "iseller_pay": "ISPAY",
}
MODULES = ("sales-invoice", "sales-receipt")


@dataclass
class Expected:
    """Per module: document number → amount (an invoice's POS total, a receipt's amount paid)."""

    amounts: dict[str, dict[str, Decimal]] = field(default_factory=lambda: {m: {} for m in MODULES})

    def add(self, outlet_code: str, body: dict[str, Any]) -> None:
        head = f"{outlet_code}-{body['number']}"
        self.amounts["sales-invoice"][head] = Decimal(body["total"])
        receipts = self.amounts["sales-receipt"]
        for payment in body["payments"]:
            number = f"{head}-{METHOD_CODES[payment['method']]}"
            receipts[number] = receipts.get(number, Decimal(0)) + Decimal(payment["amount"])


@dataclass
class Found:
    """What the sandboxes hold against what was expected, summed over every store."""

    documents: int = 0
    missing: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)  # numbers held more than once
    unexpected: list[str] = field(default_factory=list)
    wrong_total: list[str] = field(default_factory=list)

    def problems(self) -> dict[str, list[str]]:
        found = {
            "missing": self.missing,
            "duplicated": self.duplicated,
            "unexpected": self.unexpected,
            "wrong total": self.wrong_total,
        }
        return {what: numbers for what, numbers in found.items() if numbers}


def compare(found: Found, expected: Expected, sandbox: SandboxProcess) -> None:
    """Add one store's sandbox (its database 101) to `found`."""
    for module in MODULES:
        documents = sandbox.documents(module)
        counts = Counter(str(d["number"]) for d in documents)
        totals = {str(d["number"]): Decimal(str(d["totalAmount"])) for d in documents}
        wanted = expected.amounts[module]
        found.documents += len(documents)
        found.missing += sorted(set(wanted) - set(counts))
        found.duplicated += sorted(n for n, c in counts.items() if c > 1)
        found.unexpected += sorted(set(counts) - set(wanted))
        found.wrong_total += sorted(n for n, t in wanted.items() if n in totals and totals[n] != t)


@dataclass
class Limits:
    """The sandboxes' counters, over every store: refusals summed, peaks at their highest."""

    requests: int = 0
    rejected_by_limits: int = 0
    duplicate_numbers_refused: int = 0
    max_started_per_second: int = 0
    max_in_flight: int = 0


def limits_of(sandboxes: Sequence[SandboxProcess]) -> Limits:
    limits = Limits()
    for sandbox in sandboxes:
        counters = sandbox.inspect()["counters"]
        limits.requests += int(counters["requests"])
        limits.rejected_by_limits += int(counters["rejected_by_limits"])
        limits.duplicate_numbers_refused += int(counters["duplicate_numbers_refused"])
        limits.max_started_per_second = max(limits.max_started_per_second, counters["max_started_per_second"])
        limits.max_in_flight = max(limits.max_in_flight, counters["max_in_flight"])
    return limits
