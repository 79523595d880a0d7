"""The sandbox's own endpoints under /_sandbox/ (not part of Accurate): inspect, documents, controls."""

from __future__ import annotations

import json
from typing import Any

from accurate_sandbox.faults import FaultSettings
from accurate_sandbox.http import Request, Response, json_response
from accurate_sandbox.state import Sandbox
from accurate_sandbox.storage import documents_of, stock_all
from accurate_sandbox.tokens import sessions_expire, tokens_expire


def inspect(sandbox: Sandbox, request: Request) -> Response:
    """Counts of stored documents per database and module, stock, counters, limits and faults."""
    with sandbox.storage.transaction() as conn:
        rows = conn.execute(
            "SELECT db_id, module, COUNT(*), SUM(seed) FROM documents "
            "GROUP BY db_id, module ORDER BY db_id, module"
        ).fetchall()
        stock = stock_all(conn)
    documents: dict[str, dict[str, int]] = {}
    seeded: dict[str, dict[str, int]] = {}
    for db_id, module, count, seeds in rows:
        if count - seeds:
            documents.setdefault(str(db_id), {})[module] = count - seeds
        if seeds:
            seeded.setdefault(str(db_id), {})[module] = seeds
    limits = sandbox.limiter.snapshot()
    stats = sandbox.stats.snapshot()
    counters = {
        "requests": stats.get("requests", 0),
        "rejected_by_limits": limits["rejected_by_limits"],
        "max_started_per_second": limits["max_started_per_second"],
        "max_in_flight": limits["max_in_flight"],
        "token_refreshes": stats.get("token_refreshes", 0),
        "duplicate_numbers_refused": stats.get("duplicate_numbers_refused", 0),
        **{name: value for name, value in stats.items() if name not in {"requests"}},
    }
    reply = {
        "documents": documents,  # what callers created (seed data not counted)
        "seed": seeded,
        "stock": {str(db): items for db, items in stock.items()},
        "counters": counters,
        "limits": limits,
        "faults": sandbox.faults.snapshot(),
        "deleted": sandbox.deletions.snapshot(),  # what delete.do removed, in order
    }
    return json_response(reply)


def documents(sandbox: Sandbox, request: Request) -> Response:
    """GET /_sandbox/documents?db=101&module=sales-invoice: every stored record, computed totals included."""
    db = request.arg("db", "101")
    if not db.isdigit():
        return json_response({"error": "db must be a number"}, 400)
    with sandbox.storage.transaction() as conn:
        records = documents_of(conn, int(db), request.arg("module"))
    return json_response({"db": int(db), "module": request.arg("module"), "documents": records})


def faults(sandbox: Sandbox, request: Request) -> Response:
    """POST /_sandbox/faults {latency_ms, fail_rate, drop_rate, fail_next, drop_next, tax_mode,
    tax_rate, refuse_delete, refuse_referenced}: any subset. `refuse_delete` maps document numbers to
    the message their delete.do is refused with ("" for the default); {} refuses none.
    `refuse_referenced` refuses to delete a document another one refers to. `databases` maps a
    database id to its own `latency_ms` and `fail_rate` ({"102": {"latency_ms": 2000}})."""
    try:
        changes = json.loads(request.body or b"{}")
        if not isinstance(changes, dict):
            raise ValueError("expected a JSON object")
        settings = sandbox.faults.update(changes)
    except (ValueError, TypeError) as error:
        return json_response({"error": str(error)}, 400)
    return json_response(settings)


def expire_tokens(sandbox: Sandbox, request: Request) -> Response:
    with sandbox.storage.transaction() as conn:
        return json_response({"expired": tokens_expire(conn)})


def expire_sessions(sandbox: Sandbox, request: Request) -> Response:
    with sandbox.storage.transaction() as conn:
        return json_response({"expired": sessions_expire(conn)})


def reset(sandbox: Sandbox, request: Request) -> Response:
    """Back to the seed: documents, stock, numbering, counters and faults; tokens and sessions stay."""
    with sandbox.storage.transaction() as conn:
        removed = conn.execute("DELETE FROM documents WHERE seed = 0").rowcount
        conn.execute("DELETE FROM movements")
        # Ids keep counting so an id from before the reset never names a new record.
        conn.execute("DELETE FROM sequences WHERE name NOT IN ('document', 'line')")
    sandbox.stats.reset()
    sandbox.deletions.reset()
    sandbox.limiter.reset()
    config = sandbox.config
    sandbox.faults.reset(FaultSettings(config.latency_ms, config.fail_rate, config.drop_rate))
    return json_response({"removed": removed})


def health(sandbox: Sandbox, request: Request) -> Response:
    info: dict[str, Any] = {"ok": True, **sandbox.describe()}
    return json_response(info)
