"""One outlet's day checked: both sides read, and each Accurate document of the branch and date
placed — the outlet's, in Accurate only, or none of its business — before the pure comparison
(figures.py). Reads only: the service records the result."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from accurate import AccurateClient
from mapping.models import Connection, OutletMapping
from outlets.models import Outlet
from sync.models import AccurateBinding

from .accurate_side import doc_of, numbers_of, read_day
from .figures import Doc, Key, Outcome, compare
from .pos_side import pos_day

VOIDED = "voided"  # ReconciliationDifference.note


@dataclass(frozen=True)
class Checked:
    outcome: Outcome
    unsynced: int


@dataclass(frozen=True)
class Owner:
    """The sync row that made an Accurate document: its outlet, its id, its POS number."""

    outlet_id: int | None
    activity_id: int | None
    pos_number: str = ""


def owners_of(store_id: int, database_id: int, numbers: Sequence[Key]) -> dict[Key, Owner]:
    """Of these Accurate documents, the ones the sync made: (module, number) → the row that made it."""
    if not numbers:
        return {}
    wanted = set(numbers)
    bound = AccurateBinding.objects.filter(
        store_id=store_id, database_id=database_id, number__in={number for _, number in wanted}
    ).values_list("module", "number", "activity__outlet_id", "activity_id", "activity__pos_number")
    return {
        (m, n): Owner(outlet_id, activity_id, pos_number or "")
        for m, n, outlet_id, activity_id, pos_number in bound
        if (m, n) in wanted
    }


def prefix_test(outlet: Outlet) -> Callable[[str], bool]:
    """Whether a number starts with the outlet's code (and not with a longer code of the store that
    happens to begin the same way, "JKT-" beside "JKT-2-")."""
    prefix = f"{outlet.code}-"
    longer = [
        f"{code}-"
        for code in Outlet.objects.filter(store_id=outlet.store_id).values_list("code", flat=True)
        if code != outlet.code and f"{code}-".startswith(prefix)
    ]
    return lambda number: number.startswith(prefix) and not any(number.startswith(p) for p in longer)


@dataclass(frozen=True)
class Place:
    """Where an Accurate document of the branch and day goes: the outlet's (`ours`) or in Accurate
    only; with the row that made it and why it is there, when known."""

    ours: bool
    activity_id: int | None = None
    note: str = ""
    pos_number: str = ""


def place(
    key: Key,
    *,
    expected: bool,
    owner: Owner | None,
    outlet_id: int,
    voided: bool,
    owns_prefix: bool,
) -> Place | None:
    """The outlet's when the POS expects its number, when the sync made it for one of the outlet's
    documents, or when it bears the number of a sale voided that day; in Accurate only when it bears
    the outlet's prefix and nothing made it; none of the outlet's business otherwise (keyed in by
    hand, another outlet's in a shared branch)."""
    note = VOIDED if voided else ""
    if expected:
        return Place(ours=True)
    if owner is not None:
        mine = owner.outlet_id == outlet_id or (owner.outlet_id is None and owns_prefix)
        found = Place(ours=True, activity_id=owner.activity_id, note=note, pos_number=owner.pos_number)
        return found if mine else None
    if voided:
        return Place(ours=True, note=note)
    return Place(ours=False) if owns_prefix else None


def check(
    client: AccurateClient, connection: Connection, outlet: Outlet, mapping: OutletMapping, day: date
) -> Checked:
    """Both sides of the outlet's day, compared document by document (see `place`)."""
    pos = pos_day(outlet, day)
    rows = read_day(client, day=day, branch=mapping.branch_name)
    expected = {doc.key: doc for doc in pos.expected}
    assert connection.database_id is not None
    owners = owners_of(
        connection.store_id, connection.database_id, [key for key in numbers_of(rows) if key not in expected]
    )
    owns_prefix = prefix_test(outlet)
    ours: list[Doc] = []
    only: list[Doc] = []
    for module, found in rows.items():
        for row in found:
            key = (module, str(row.get("number") or ""))
            where = place(
                key,
                expected=key in expected,
                owner=owners.get(key),
                outlet_id=outlet.pk,
                voided=key in pos.voided,
                owns_prefix=owns_prefix(key[1]),
            )
            if where is None:
                continue
            doc = doc_of(
                client,
                module,
                row,
                expected=expected.get(key),
                warehouse=mapping.warehouse_name,
                activity_id=where.activity_id,
                note=where.note,
                pos_number=where.pos_number,
            )
            (ours if where.ours else only).append(doc)
    return Checked(compare(pos.expected, ours, only), pos.unsynced)
