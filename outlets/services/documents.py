"""Ingestion of one document at a time: the replay/conflict rule shared by every kind.

Posting the same document again (same outlet and number, same normalised body) returns the stored one
and changes nothing; the same number with a different body is a conflict naming the fields that differ.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import IntegrityError, models, transaction

from outlets.models import Outlet, PosDocument, Product

from .errors import DocumentConflict, DocumentInvalid
from .payloads import normalise, payload_diff, payload_hash

D = TypeVar("D", bound=PosDocument)
Data = Mapping[str, Any]


@dataclass
class Ingested(Generic[D]):
    document: D
    created: bool


def document_ingest(
    *,
    model: type[D],
    outlet: Outlet,
    data: Data,
    label: str,
    create: Callable[[Outlet, Data, dict[str, Any], str], D],
) -> Ingested[D]:
    """Store a new document with `create` (in one transaction), or recognise a replay.

    `create(outlet, data, payload, digest)` builds the document, its lines and its outbox rows, and
    raises DocumentInvalid when the body cannot be stored; nothing is half-saved.
    """
    payload = normalise(data)
    digest = payload_hash(payload)
    number = data["number"]
    stored = model._default_manager.filter(outlet=outlet, number=number).first()
    if stored is not None:
        return _replayed(stored, payload, label, outlet)
    try:
        with transaction.atomic():
            return Ingested(create(outlet, data, payload, digest), created=True)
    except IntegrityError:
        # Two posts of one number raced; the first one won.
        stored = model._default_manager.filter(outlet=outlet, number=number).first()
        if stored is None:
            raise
        return _replayed(stored, payload, label, outlet)


def _replayed(stored: D, payload: dict[str, Any], label: str, outlet: Outlet) -> Ingested[D]:
    fields = payload_diff(stored.payload, payload)
    if fields:
        raise DocumentConflict(
            f"{label} '{stored.number}' at outlet '{outlet.code}' already exists with a different "
            f"body (different: {', '.join(fields)}). A POS number identifies one document; "
            "post a new number for a new document.",
            fields=fields,
        )
    return Ingested(stored, created=False)


def products_resolve(outlet: Outlet, lines: Sequence[Data], path: str = "lines") -> dict[str, int]:
    """Map each line's product POS id to its id, or raise naming every unknown product."""
    pos_ids = {line["product"] for line in lines}
    found = dict(
        Product.objects.filter(store_id=outlet.store_id, pos_id__in=pos_ids).values_list("pos_id", "id")
    )
    errors = {
        f"{path}[{index}].product": f"Unknown product '{line['product']}' in this store: post it "
        "to /api/v1/products/ first."
        for index, line in enumerate(lines)
        if line["product"] not in found
    }
    if errors:
        raise DocumentInvalid(errors, "The document names products this store does not have.")
    return found


def lines_create(
    *,
    model: type[models.Model],
    parent: Mapping[str, models.Model],
    lines: Iterable[Data],
    products: dict[str, int],
) -> None:
    """Bulk-insert a document's lines; each line's dict holds the line model's fields."""
    model._default_manager.bulk_create(
        [
            model(
                position=position,
                product_id=products[line["product"]],
                **parent,
                **{k: v for k, v in line.items() if k != "product"},
            )
            for position, line in enumerate(lines, start=1)
        ]
    )
