"""One data-host call: token, session and scope checks, then the module's action in one transaction."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from accurate_sandbox.accounts import SESSION_INVALID, invalid_token
from accurate_sandbox.bodies import BadBody, parse_body
from accurate_sandbox.config import BULK_LIMIT
from accurate_sandbox.data import MODULES
from accurate_sandbox.data.context import Context
from accurate_sandbox.data.listing import detail_record, list_records
from accurate_sandbox.data.saving import DELETED, SAVED, Duplicate, delete_record, save_record_text
from accurate_sandbox.data.spec import ExtraAction, ModuleSpec
from accurate_sandbox.data.values import Invalid
from accurate_sandbox.http import Request, Response, dumps, envelope, json_response, xml_response
from accurate_sandbox.state import Sandbox
from accurate_sandbox.tokens import session_db, token_by_access

# action → (scope kind, HTTP methods). list/detail also take POST, as form posts of the same query.
ACTIONS = {
    "list": ("view", {"GET", "POST"}),
    "detail": ("view", {"GET", "POST"}),
    "save": ("save", {"POST"}),
    "bulk-save": ("save", {"POST"}),
    "delete": ("delete", {"POST", "DELETE"}),
}
SAVED_PREFIX = '{"s":true,"d":' + dumps([SAVED]) + ',"r":'
BULK_TOO_MANY = f"Jumlah data dalam satu permintaan maksimal {BULK_LIMIT}"

INSUFFICIENT_SCOPE = (
    '<?xml version="1.0" encoding="UTF-8"?><oauth><error_description>Insufficient scope for this resource'
    "</error_description><error>insufficient_scope</error><scope>{scope}</scope></oauth>"
)


def resolve(module: str, action: str) -> tuple[ModuleSpec, str, set[str]] | Response:
    spec = MODULES.get(module)
    if spec is None:
        return envelope(False, [f"Modul {module} tidak dikenal"], 404)
    if action in ACTIONS:
        kind, methods = ACTIONS[action]
    elif action in spec.extra:
        kind, methods = spec.extra[action][0], {"POST"}
    else:
        return envelope(False, [f"Aksi {action} tidak dikenal"], 404)
    return spec, kind, methods


def data_call(sandbox: Sandbox, request: Request, module: str, action: str) -> Response:
    """`/accurate/api/<module>/<action>.do`, after the limits and faults have let it through."""
    resolved = resolve(module, action)
    if isinstance(resolved, Response):
        return resolved
    spec, kind, methods = resolved
    if request.method not in methods:
        return envelope(False, [f"Metode {request.method} tidak didukung"], 405)
    with sandbox.storage.transaction() as conn:
        token = token_by_access(conn, request.bearer())
        db_id = session_db(conn, request.header("x-session-id")) if token else None
    if token is None:
        return invalid_token(request)
    if db_id is None:
        return envelope(False, [SESSION_INVALID], 401)
    scope = f"{spec.resource}_{kind}"
    if scope not in token.scopes:
        return xml_response(INSUFFICIENT_SCOPE.format(scope=scope), 403)
    try:
        body = request_body(request)
    except BadBody as error:
        return envelope(False, [str(error)])
    with sandbox.storage.transaction() as conn:
        ctx = Context(sandbox.storage, db_id, tax=sandbox.faults.tax_rule())
        if action == "list":
            return json_response(list_records_safe(ctx, spec, request.query))
        if action == "detail":
            return json_response(detail_record(ctx, spec, {**request.query, **as_query(body)}))
        if action == "bulk-save":
            return bulk_save(sandbox, ctx, spec, body)
        if action == "delete":
            return delete(sandbox, ctx, spec, body)
        saver = spec.extra[action][1] if action in spec.extra else None
        return Response(body=save_one(sandbox, ctx, spec, body, saver).encode())


def request_body(request: Request) -> dict[str, Any]:
    if request.method == "GET":
        return {name: values[0] for name, values in request.query.items()}
    return parse_body(request)


def as_query(body: dict[str, Any]) -> dict[str, list[str]]:
    return {name: [str(value)] for name, value in body.items() if not isinstance(value, dict | list)}


def list_records_safe(ctx: Context, spec: ModuleSpec, query: dict[str, list[str]]) -> dict[str, Any]:
    try:
        return list_records(ctx, spec, query)
    except Invalid as error:
        return {"s": False, "d": [error.message]}


def save_one(
    sandbox: Sandbox, ctx: Context, spec: ModuleSpec, body: Any, saver: ExtraAction | None = None
) -> str:
    """The `{s, d, r}` JSON of one record; its writes are undone alone when it is refused.

    Built as text around the record's stored JSON, so a record is encoded once, not twice.
    """
    if not isinstance(body, dict):
        return dumps({"s": False, "d": ["Invalid field value for field data"]})
    try:
        with ctx.savepoint():
            text = dumps(saver(ctx, body)) if saver else save_record_text(ctx, spec, body)[1]
    except Duplicate as error:
        sandbox.stats.add("duplicate_numbers_refused")
        ctx.cache.clear()
        return dumps({"s": False, "d": [error.message]})
    except Invalid as error:
        ctx.cache.clear()  # the cache may hold what the rolled-back record wrote
        return dumps({"s": False, "d": [error.message]})
    sandbox.stats.add("records_saved")
    return SAVED_PREFIX + text + "}"


def bulk_save(sandbox: Sandbox, ctx: Context, spec: ModuleSpec, body: dict[str, Any]) -> Response:
    records = body.get("data")
    if not isinstance(records, list) or not records:
        return envelope(False, ["data harus diisi"])
    if len(records) > BULK_LIMIT:
        return envelope(False, [BULK_TOO_MANY])
    results = [save_one(sandbox, ctx, spec, record) for record in records]
    ok = all(result.startswith('{"s":true') for result in results)
    if not sandbox.faults.settings.answer_totals:
        results = [without_total(result) for result in results]
    return Response(body=f'{{"s":{dumps(ok)},"d":[{",".join(results)}]}}'.encode())


def without_total(result: str) -> str:
    """A record's answer with `totalAmount` left out of its saved record `r` (`answer_totals`)."""
    answer = json.loads(result, parse_float=Decimal)
    if isinstance(answer.get("r"), dict):
        answer["r"].pop("totalAmount", None)
    return dumps(answer)


def delete(sandbox: Sandbox, ctx: Context, spec: ModuleSpec, body: dict[str, Any]) -> Response:
    try:
        with ctx.savepoint():
            referenced = sandbox.faults.settings.refuse_referenced
            record = delete_record(ctx, spec, body, sandbox.faults.delete_refusal, referenced)
    except Invalid as error:
        sandbox.stats.add("deletions_refused")
        return envelope(False, [error.message])
    sandbox.deletions.add(spec.name, str(record[spec.key_field]))
    return envelope(True, [DELETED])
