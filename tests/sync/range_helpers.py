"""Helpers of the Backfill and Undo a range tests: a store whose documents of a few days are in the
sandbox, pushed the way a task does, and the range service and task's work called in-process."""

from __future__ import annotations

from datetime import date
from typing import Any

from mapping.models import Connection
from sync.models import SyncActivity
from sync.ranges.selection import DateRange
from sync.ranges.undo import RunState, range_undo_run
from tests.sync.engine_helpers import make_ready, post, push, release

REFUND = {
    "number": "R-1",
    "order": "ORD-1",
    "refunded_at": "2026-11-21T09:00:00+07:00",
    "reason": "Rusak",
    "total": "10000",
    "lines": [{"product": "P1", "quantity": "1", "unit_price": "10000"}],
}
TRANSFER = {
    "number": "T-1",
    "to_outlet": "BALI1",
    "sent_at": "2026-11-20T08:00:00+07:00",
    "lines": [{"product": "P1", "quantity": "5"}],
}
SPLIT = [{"method": "cash", "amount": "20000"}, {"method": "qris", "amount": "21800"}]
TOKEN = "0123456789ab"


def push_all(tenant: Any, connection: Connection, rounds: int = 6) -> None:
    """Push until nothing is left to send (a refund waits a round for its sale, a transfer received
    for its transfer sent)."""
    for _ in range(rounds):
        release(tenant)
        push(connection)
        if not SyncActivity.objects.filter(
            store=tenant.store, status="pending", due_at__isnull=False
        ).exists():
            return


def documents_synced(tenant: Any, connection: Connection, order_body: Any) -> None:
    """In Accurate: sales ORD-1 (cash) and ORD-2 (cash and QRIS) of 20 November, the refund R-1 of
    ORD-1 on the 21st, the transfer T-1 sent on the 20th and received in Bali on the 21st; and ORD-3
    of the 23rd, outside the ranges the tests choose."""
    make_ready(tenant, connection)
    post(tenant, "orders/", order_body("ORD-1"))
    post(tenant, "orders/", order_body("ORD-2", payments=SPLIT))
    post(tenant, "orders/", order_body("ORD-3", ordered_at="2026-11-23T10:00:00+07:00"))
    post(tenant, "refunds/", REFUND)
    post(tenant, "transfers/", TRANSFER)
    post(tenant, "transfers/T-1/receive/", {"received_at": "2026-11-21T10:00:00+08:00"}, expect=200)
    push_all(tenant, connection)
    assert set(SyncActivity.objects.values_list("status", flat=True)) == {"success"}


def chosen(
    tenant: Any, *groups: str, start: str = "2026-11-20", end: str = "2026-11-21", outlet: Any = None
) -> DateRange:
    return DateRange(tenant.store, outlet, date.fromisoformat(start), date.fromisoformat(end), groups)


def undo(connection: Connection, picked: DateRange, token: str = TOKEN) -> RunState:
    """The undo task's work, in-process, until it says it is done or stopped."""
    state = RunState.MORE
    while state is RunState.MORE:
        state = range_undo_run(
            store_id=connection.store_id,
            outlet_id=picked.outlet.pk if picked.outlet is not None else None,
            start=picked.start.isoformat(),
            end=picked.end.isoformat(),
            groups=list(picked.groups),
            token=token,
            lanes=2,
        )
    return state


def rows() -> dict[tuple[str, str], SyncActivity]:
    return {(a.kind, a.pos_number): a for a in SyncActivity.objects.all()}
