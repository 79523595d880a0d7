"""The comparison itself, pure: the documents the POS expects in Accurate beside the ones Accurate has,
document by document, and the day's figures on each side.

No database and no network here: the service reads both sides into `Doc`s and stores the `Outcome`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

# What a document is for the day's figures.
SALE = "sale"
RECEIPT = "receipt"
RETURN = "return"
DEPOSIT = "deposit"
# An other payment of money paid back: a refund's (`…-OUT`), a refunds summary's per refund method
# (`…-RET-CASH`), a voided sale's per payment method after its summary was sent (`…-VOID-CASH`).
MONEY_OUT = "money_out"
TRANSFER_OUT = "transfer_out"
TRANSFER_IN = "transfer_in"
ADJUSTMENT = "adjustment"
STOCK_TAKE = "stock_take"

# Difference kinds (ReconciliationDifference.Kind values).
MISSING_IN_ACCURATE = "missing_in_accurate"
MISSING_AT_POS = "missing_at_pos"
AMOUNT_DIFFERS = "amount_differs"
QUANTITY_DIFFERS = "quantity_differs"
ACCURATE_ONLY = "accurate_only"

CENT = Decimal("0.01")
ZERO = Decimal(0)
Key = tuple[str, str]  # (module, number)
Quantities = Mapping[str, Decimal]


def cents(amount: Decimal) -> Decimal:
    """Amounts compared at the POS's precision: Accurate may keep more decimals of the same sum
    (a weighed line's quantity × price), which is not a difference."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def quantity_text(quantity: Decimal) -> str:
    """A quantity without trailing zeros ("2.5", "100"), the same whichever side it comes from."""
    return format(quantity.normalize(), "f")


def moved(quantities: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    """Quantities summed per item, the items that net to zero left out."""
    sums: dict[str, Decimal] = {}
    for item, quantity in quantities:
        sums[item] = sums.get(item, ZERO) + quantity
    return {item: quantity for item, quantity in sums.items() if quantity}


@dataclass(frozen=True)
class Doc:
    """One document in Accurate, as the POS expects it or as Accurate holds it."""

    module: str
    number: str
    role: str
    method: str = ""  # a receipt's POS payment method, or the method money was paid back by
    amount: Decimal | None = None  # money documents
    # Stock documents: the signed quantity per item moved in the outlet's warehouse. None for a stock
    # take: it carries counted targets, not movements, so only its presence is compared.
    quantities: Quantities | None = None
    pos_number: str = ""
    activity_id: int | None = None
    accurate_id: int | None = None
    note: str = ""

    @property
    def key(self) -> Key:
        return (self.module, self.number)


@dataclass
class Tally:
    count: int = 0
    total: Decimal = ZERO

    def add(self, amount: Decimal | None) -> None:
        self.count += 1
        self.total += cents(amount or ZERO)


@dataclass
class Figures:
    """One side's day: counts and totals of money documents, quantities of stock movements."""

    sales: Tally = field(default_factory=Tally)
    receipts: dict[str, Tally] = field(default_factory=dict)  # per POS payment method
    returns: Tally = field(default_factory=Tally)
    deposits: Tally = field(default_factory=Tally)
    money_out: dict[str, Tally] = field(default_factory=dict)  # per POS payment (refund) method
    transfers_out: dict[str, Decimal] = field(default_factory=dict)
    transfers_in: dict[str, Decimal] = field(default_factory=dict)
    adjustments: dict[str, Decimal] = field(default_factory=dict)
    stock_takes: int = 0

    def add(self, doc: Doc) -> None:
        if doc.role == SALE:
            self.sales.add(doc.amount)
        elif doc.role == RECEIPT:
            self.receipts.setdefault(doc.method, Tally()).add(doc.amount)
        elif doc.role == RETURN:
            self.returns.add(doc.amount)
        elif doc.role == DEPOSIT:
            self.deposits.add(doc.amount)
        elif doc.role == MONEY_OUT:
            self.money_out.setdefault(doc.method, Tally()).add(doc.amount)
        elif doc.role == STOCK_TAKE:
            self.stock_takes += 1
        elif doc.quantities is not None:
            moves = {TRANSFER_OUT: self.transfers_out, TRANSFER_IN: self.transfers_in}
            into = moves.get(doc.role, self.adjustments)
            merged = moved([*into.items(), *doc.quantities.items()])
            into.clear()
            into.update(merged)

    def as_json(self) -> dict[str, Any]:
        def tally(t: Tally) -> dict[str, Any]:
            return {"count": t.count, "total": str(cents(t.total))}

        def stock(q: dict[str, Decimal]) -> dict[str, str]:
            return {item: quantity_text(quantity) for item, quantity in sorted(q.items())}

        return {
            "sales": tally(self.sales),
            "receipts": {method: tally(t) for method, t in sorted(self.receipts.items())},
            "returns": tally(self.returns),
            "deposits": tally(self.deposits),
            "money_out": {method: tally(t) for method, t in sorted(self.money_out.items())},
            "transfers_out": stock(self.transfers_out),
            "transfers_in": stock(self.transfers_in),
            "adjustments": stock(self.adjustments),
            "stock_takes": self.stock_takes,
        }

    @classmethod
    def of_json(cls, data: Mapping[str, Any]) -> Figures:
        def tally(raw: Any) -> Tally:
            raw = raw or {}
            return Tally(int(raw.get("count", 0)), Decimal(str(raw.get("total", "0"))))

        def stock(raw: Any) -> dict[str, Decimal]:
            return {str(item): Decimal(str(q)) for item, q in (raw or {}).items()}

        return cls(
            sales=tally(data.get("sales")),
            receipts={str(m): tally(t) for m, t in (data.get("receipts") or {}).items()},
            returns=tally(data.get("returns")),
            deposits=tally(data.get("deposits")),
            # Absent from checks recorded before money out was compared.
            money_out={str(m): tally(t) for m, t in (data.get("money_out") or {}).items()},
            transfers_out=stock(data.get("transfers_out")),
            transfers_in=stock(data.get("transfers_in")),
            adjustments=stock(data.get("adjustments")),
            stock_takes=int(data.get("stock_takes") or 0),
        )


def figures_of(docs: Iterable[Doc]) -> Figures:
    figures = Figures()
    for doc in docs:
        figures.add(doc)
    return figures


@dataclass(frozen=True)
class Difference:
    """A document the two sides do not agree on (not saved yet)."""

    kind: str
    module: str
    role: str
    number: str
    pos_number: str = ""
    activity_id: int | None = None
    accurate_id: int | None = None
    pos_amount: Decimal | None = None
    accurate_amount: Decimal | None = None
    quantities: dict[str, list[str]] = field(default_factory=dict)  # item → [POS, Accurate]
    note: str = ""


@dataclass(frozen=True)
class Outcome:
    pos: Figures
    accurate: Figures
    differences: list[Difference]  # what makes the day "Differences"
    accurate_only: list[Difference]  # the outlet's prefix, not from the POS: listed apart


def quantity_gaps(pos: Quantities, accurate: Quantities) -> dict[str, list[str]]:
    """The items whose quantities differ: item → [POS, Accurate] (zero where one side has none)."""
    left, right = moved(pos.items()), moved(accurate.items())
    return {
        item: [quantity_text(left.get(item, ZERO)), quantity_text(right.get(item, ZERO))]
        for item in sorted(left.keys() | right.keys())
        if left.get(item, ZERO) != right.get(item, ZERO)
    }


def _both(kind: str, pos: Doc, found: Doc, **extra: Any) -> Difference:
    return Difference(
        kind=kind,
        module=pos.module,
        role=pos.role,
        number=pos.number,
        pos_number=pos.pos_number,
        activity_id=pos.activity_id,
        accurate_id=found.accurate_id,
        **extra,
    )


def _one_side(kind: str, doc: Doc) -> Difference:
    return Difference(
        kind=kind,
        module=doc.module,
        role=doc.role,
        number=doc.number,
        pos_number=doc.pos_number,
        activity_id=doc.activity_id,
        accurate_id=doc.accurate_id,
        pos_amount=doc.amount if kind == MISSING_IN_ACCURATE else None,
        accurate_amount=None if kind == MISSING_IN_ACCURATE else doc.amount,
        note=doc.note,
    )


def compare_one(pos: Doc, found: Doc | None) -> Difference | None:
    """What is wrong with one expected document in Accurate, if anything."""
    if found is None:
        return _one_side(MISSING_IN_ACCURATE, pos)
    if pos.amount is not None and cents(pos.amount) != cents(found.amount or ZERO):
        return _both(AMOUNT_DIFFERS, pos, found, pos_amount=pos.amount, accurate_amount=found.amount)
    if pos.quantities is not None:
        gaps = quantity_gaps(pos.quantities, found.quantities or {})
        if gaps:
            return _both(QUANTITY_DIFFERS, pos, found, quantities=gaps)
    return None


def compare(expected: Sequence[Doc], ours: Sequence[Doc], accurate_only: Sequence[Doc] = ()) -> Outcome:
    """Each expected document against Accurate's, by module and number; Accurate's documents of the
    outlet the POS does not expect on this day; the figures of both sides.

    `ours`: Accurate's documents of the outlet's branch and day that the sync made or that bear a
    number the POS expects. `accurate_only`: the outlet's number prefix, but no POS document.
    """
    found = {doc.key: doc for doc in ours}
    differences = []
    for pos in expected:
        difference = compare_one(pos, found.get(pos.key))
        if difference is not None:
            differences.append(difference)
    wanted = {doc.key for doc in expected}
    differences += [_one_side(MISSING_AT_POS, doc) for doc in ours if doc.key not in wanted]
    return Outcome(
        pos=figures_of(expected),
        accurate=figures_of(found.values()),
        differences=differences,
        accurate_only=[_one_side(ACCURATE_ONLY, doc) for doc in accurate_only],
    )
