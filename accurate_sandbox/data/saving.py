"""save.do, bulk-save.do and delete.do for every module, through each module's builder."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from accurate_sandbox.data.context import Context
from accurate_sandbox.data.spec import ModuleSpec
from accurate_sandbox.data.values import Invalid
from accurate_sandbox.storage import document_delete, document_store, documents_mentioning, movements_replace

NOT_FOUND = "Data tidak ditemukan"
SAVED = "Data berhasil disimpan"
DELETED = "Data berhasil dihapus"


class Duplicate(Invalid):
    """The number is already taken: counted by the inspection counters."""


def existing_record(ctx: Context, spec: ModuleSpec, raw_id: Any) -> dict[str, Any]:
    doc_id = str(raw_id).strip()
    found = ctx.get(spec.name, int(doc_id)) if doc_id.isdigit() else None
    if found is None:
        raise Invalid(NOT_FOUND)
    return found


def sent_key(spec: ModuleSpec, body: dict[str, Any]) -> str:
    for name in (spec.key_field, *spec.key_aliases):
        value = body.get(name)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def auto_key(ctx: Context, spec: ModuleSpec) -> str:
    # Accurate numbers documents itself when no number is sent; skip numbers taken explicitly.
    while True:
        key = f"{spec.prefix}.{ctx.next_number(spec.name):05d}"
        if ctx.find(spec.name, key) is None:
            return key


def save_record(ctx: Context, spec: ModuleSpec, body: dict[str, Any]) -> dict[str, Any]:
    """Create (no id) or update (with id) one record; returns the stored record. Raises Invalid."""
    return save_record_text(ctx, spec, body)[0]


def save_record_text(ctx: Context, spec: ModuleSpec, body: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """save_record, and the record as stored JSON text (a bulk reply reuses it instead of encoding again)."""
    existing = existing_record(ctx, spec, body["id"]) if body.get("id") not in (None, "") else None
    # An update keeps the fields it does not send; lists it sends (detailItem…) replace the old ones.
    merged = {**(existing or {}), **body}
    key = sent_key(spec, body) or (str(existing[spec.key_field]) if existing else "")
    if not key:
        if not spec.prefix:
            raise Invalid(f"{spec.key_label} harus diisi")
        key = auto_key(ctx, spec)
    merged[spec.key_field] = key
    built = spec.build(ctx, merged)
    other = ctx.find(spec.name, key)
    if other is not None and (existing is None or other["id"] != existing["id"]):
        raise Duplicate(f"Sudah ada data lain dengan {spec.key_label} {key}")
    doc_id = int(existing["id"]) if existing else ctx.next_record_id()
    record = {"id": doc_id, **built.record, spec.key_field: key}
    text = document_store(ctx.conn, db_id=ctx.db_id, module=spec.name, number=key, data=record)
    if built.moves or existing:
        moves = built.moves
        movements_replace(ctx.conn, db_id=ctx.db_id, doc_id=doc_id, moves=moves, new=existing is None)
    if existing:
        ctx.forget(spec.name, str(existing[spec.key_field]))
    ctx.cache[(spec.name, key)] = record
    return record, text


# [U] Whether Accurate refuses to delete a document another one refers to (an invoice a receipt
# pays or a return names, a transfer out a transfer in names) is not known: the `refuse_referenced`
# fault turns it on. The wording below is the sandbox's own.
IN_USE = "Data tidak dapat dihapus karena sudah digunakan oleh transaksi lain: {number}"
Refers = Callable[[dict[str, Any], str], bool]


def _pays(doc: dict[str, Any], number: str) -> bool:
    return any(line.get("invoiceNo") == number for line in doc.get("detailInvoice", []))


REFERENCES: dict[str, list[tuple[str, Refers]]] = {
    "sales-invoice": [
        ("sales-receipt", _pays),
        ("sales-return", lambda doc, no: doc.get("invoiceNumber") == no),
    ],
    "item-transfer": [("item-transfer", lambda doc, no: doc.get("fromItemTransferNo") == no)],
}


def referring(ctx: Context, module: str, number: str) -> str | None:
    """The number of a document that refers to `number` of `module`, if any."""
    for other, refers in REFERENCES.get(module, []):
        for doc in documents_mentioning(ctx.conn, ctx.db_id, other, number):
            if refers(doc, number):
                return str(doc.get("number", ""))
    return None


def delete_record(
    ctx: Context,
    spec: ModuleSpec,
    body: dict[str, Any],
    refusal: Callable[[str], str | None],
    referenced: bool = False,
) -> dict[str, Any]:
    """Delete one record by id; returns it. Refused (Invalid) when `refusal` names a reason for its
    number (a fault) or, with `referenced`, when another document refers to it."""
    if body.get("id") in (None, ""):
        raise Invalid("id harus diisi")
    record = existing_record(ctx, spec, body["id"])
    number = str(record[spec.key_field])
    refused = refusal(number)
    if refused is not None:
        raise Invalid(refused)
    user = referring(ctx, spec.name, number) if referenced else None
    if user is not None:
        raise Invalid(IN_USE.format(number=user))
    document_delete(ctx.conn, int(record["id"]))
    ctx.forget(spec.name, number)
    return record
