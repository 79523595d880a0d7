"""Embedded end-to-end benchmark: the demo store's week synced to the sandbox by the stack `make run` starts.

Run alone: `python bench/embedded_sync.py` (also run by `make bench`). It needs neither PostgreSQL nor
Redis: like `make run` it runs on the embedded defaults, in a temporary VAR_DIR with DEBUG=1 and no
DATABASE_URL, REDIS_URL or SECRET_KEY in the environment (a SQLite file, the filesystem broker, the
in-process rate limiter). Steps, each through the product's own commands and services:

- `manage.py migrate --noinput` and `manage.py seed_demo` (the demo store "demo": outlets JKT01,
  BDG01, DPS01 and a week of sales, refunds, voids, transfers, adjustments, a stock take, deposits),
- `python -m iseller_accurate.devserver --port P --sandbox-port S` as `make run` starts it (web, a
  Celery worker of one process, beat and the Accurate sandbox), until its banner,
- in this process, Django configured on the same SQLite file with the same settings: the demo store
  connected to the sandbox's database 101 through the OAuth flow (connect, the sandbox's login and
  consent pages, the callback, the database chosen), each outlet mapped from the defaults the
  mapping page offers (`mapping_defaults`: iSellerPay into the sandbox's clearing account 1103, its
  MDR fee to the expense 6101) and a branch and warehouse of its own: JKT01 Pusat / Gudang Utama, DPS01 Cabang
  Bali / Gudang Bali, BDG01 a new "Cabang Bandung" / "Gudang Bandung" created in Accurate by
  `outlet_mapping_update`; the lists refreshed and each outlet activated (the extra outlet fee
  confirmed), as "Save and activate" does,
- the sync settings saved (walk-in customer C-WALKIN, transit warehouse Transit),
- the demo's deliberate SKU problems fixed as the POS would, through `products_upsert` (each product
  without a SKU, and the second product of the shared SKU, gets a SKU of its own),
- the products pushed (`product_push_start`; the devserver's worker runs it) until the push is done,
- "Sync now" for sales and for transfers of all outlets (`activities_release`), then waiting until
  no row is Pending or Running, or until only rows that legitimately wait are left and nothing moved
  for QUIET_S seconds (WAIT_TIMEOUT_S at most),
- the figures, from the SQLite file and the sandbox's `/_sandbox/inspect` and documents,
- the devserver stopped with SIGINT (Ctrl-C), and checked: exit code 0, ports closed, no process of
  this run left.

Figures (one JSON line each; notes on stderr, failures grouped by reason with counts):

- `embedded_sent_<kind>`: rows of each kind Success (POS documents the sync sent and Accurate saved;
  for `product_push`, batches of up to 100 items);
- `embedded_accurate_<module>`: documents in the sandbox's database 101 per module;
- `embedded_success`, `embedded_failed`, `embedded_cancelled`: rows of the demo store;
- `embedded_duplicates`: numbers held more than once by the sandbox, every module (must be 0);
- `embedded_wrong_amounts`: invoices, receipts and deposits in the sandbox whose amount is not the
  POS's (an invoice's total, what a sale paid by one method, a deposit's amount), or missing for a
  Success row (must be 0);
- `embedded_left_open`: rows still Pending or Running that have no reason to wait (must be 0);
- `embedded_waiting`: rows that legitimately wait (each group and why, on stderr);
- `embedded_product_push_s`, `embedded_sync_s` (from "Sync now" until settled), `embedded_total_s`.

It exits non-zero with the reason when the run itself went wrong: the stack did not start or did not
stop cleanly, the product push did not finish or failed, duplicates or wrong amounts, or rows left
open without a reason.
A traceback in the stack's log is shown on stderr.

The stack's start and stop are in bench/_embedded_stack.py; the merchant's steps up to the product
push in bench/_demo_setup.py.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The script's own folder is on sys.path: the benches share their helpers.
from _demo_setup import DB_ID, POLL_S, connect, outlets_map, products_push, skus_fix  # noqa: E402
from _embedded_stack import (  # noqa: E402
    RunWentWrong,
    Stack,
    embedded_env,
    main_in_folder,
    manage,
    running_stack,
    setup_django,
    tracebacks,
)
from sync_throughput import figure, note  # noqa: E402

from tests.sandbox_fixture import SandboxProcess  # noqa: E402

SYNC_SETTINGS = {"walk_in_customer_no": "C-WALKIN", "transit_warehouse_name": "Transit"}
WAIT_TIMEOUT_S = 300.0
QUIET_S = 20.0


# --- waiting, and why rows wait ---


def open_rows(store: Any) -> list[Any]:
    from sync.models import SyncActivity

    return list(
        SyncActivity.objects.filter(store=store, status__in=("pending", "running")).select_related("outlet")
    )


def prerequisite_status(row: Any) -> str | None:
    """The status of the row this one waits for (its sale's, its transfer out's), if any."""
    from sync.models import SyncActivity

    Kind = SyncActivity.Kind
    if row.kind == Kind.REFUND:
        found = SyncActivity.objects.filter(kind=Kind.ORDER, order__refunds=row.refund_id)
    elif row.kind == Kind.ORDER_VOID:
        found = SyncActivity.objects.filter(kind=Kind.ORDER, order=row.order_id)
    elif row.kind == Kind.TRANSFER_IN:
        found = SyncActivity.objects.filter(kind=Kind.TRANSFER_OUT, transfer=row.transfer_id)
    else:
        return None
    return str(found.values_list("status", flat=True).first() or "missing")


def why_open(store: Any, rows: list[Any], now: datetime) -> list[tuple[str, bool, Any]]:
    """(why, legitimately waiting, row) for each open row."""
    from sync.engine.claim import due_of_kind

    claimable: set[int] = set()
    for kind in {row.kind for row in rows}:
        claimable |= set(due_of_kind(store.pk, kind, now).values_list("pk", flat=True))
    explained = []
    for row in rows:
        if row.status == "running":
            explained.append(("Running", False, row))
        elif row.due_at is None:
            explained.append(("held by the schedule after Sync now", False, row))
        elif row.pk in claimable:
            explained.append(("due and ready, not claimed", False, row))
        elif row.due_at > now:
            explained.append((f"waiting until its retry is due: {row.status_reason}", False, row))
        elif (status := prerequisite_status(row)) not in (None, "success"):
            legit = status in ("failed", "cancelled")
            what = "transfer out" if row.kind == "transfer_in" else "sale's invoice"
            explained.append((f"waits for its {what}, whose row is {status}", legit, row))
        else:
            explained.append((f"due but not claimable (outlet not active?): {row.status_reason}", False, row))
    return explained


def grouped(explained: list[tuple[str, bool, Any]]) -> Counter[tuple[str, str, bool]]:
    return Counter((row.kind, why, legit) for why, legit, row in explained)


def wait_settled(store: Any, stack: Stack) -> tuple[float, list[tuple[str, bool, Any]]]:
    """Until no row is open, or only rows that legitimately wait are left and nothing moved for
    QUIET_S. Returns (seconds until the rows last moved, why each open row is open)."""
    from django.db.models import Max
    from django.utils import timezone

    from sync.models import SyncActivity

    started = time.monotonic()
    last_state: Any = None
    last_change = started
    shown = started
    while True:
        stack.alive()
        now = timezone.now()
        rows = SyncActivity.objects.filter(store=store)
        state = (
            sorted(Counter(rows.values_list("status", flat=True)).items()),
            rows.aggregate(last=Max("updated_at"))["last"],
        )
        if state != last_state:
            last_state, last_change = state, time.monotonic()
        explained = why_open(store, open_rows(store), now)
        elapsed = time.monotonic() - started
        if not explained:
            return elapsed, explained
        quiet = time.monotonic() - last_change >= QUIET_S
        if quiet and all(legit for _, legit, _ in explained):
            return last_change - started, explained  # settled when it last moved
        if elapsed > WAIT_TIMEOUT_S:
            note(f"still open after {WAIT_TIMEOUT_S:.0f} s")
            return elapsed, explained
        if time.monotonic() - shown >= 15:
            note(f"{elapsed:.0f} s: {dict(state[0])}")
            shown = time.monotonic()
        time.sleep(POLL_S)


# --- the figures ---


def number_of(document: dict[str, Any]) -> str:
    """What the sandbox refuses a second of: a transaction's number, an item's or account's code, a
    customer's number, a branch's or warehouse's name."""
    for key in ("number", "no", "customerNo", "name"):
        if document.get(key):
            return str(document[key])
    return f"id {document.get('id')}"


def amounts_wrong(store: Any, sandbox: SandboxProcess) -> int:
    """Documents in the sandbox whose amount is not the POS's, or missing for a Success row: each
    sale's invoice (its total), each of its receipts (what was paid by that method), each deposit."""
    from decimal import Decimal

    from outlets.models import Deposit, Order
    from sync.mappers.numbers import receipt_number
    from sync.mappers.receipts import paid_by_method
    from sync.models import SyncActivity

    def totals(module: str) -> dict[str, Decimal]:
        return {str(d["number"]): Decimal(str(d["totalAmount"])) for d in sandbox.documents(module, db=DB_ID)}

    invoices, receipts, deposits = totals("sales-invoice"), totals("sales-receipt"), totals("other-deposit")
    expected: dict[str, tuple[dict[str, Decimal], Decimal]] = {}
    done = SyncActivity.objects.filter(store=store, status="success")
    sold = done.filter(kind="order").values_list("order_id", "accurate_number")
    numbers = dict(sold)
    for order in Order.objects.filter(pk__in=numbers).select_related("outlet").prefetch_related("payments"):
        expected[numbers[order.pk]] = (invoices, order.total)
        for method, amount in paid_by_method(order).items():
            expected[receipt_number(order.outlet.code, order.number, method)] = (receipts, amount)
    paid_in = dict(done.filter(kind="deposit").values_list("deposit_id", "accurate_number"))
    for deposit in Deposit.objects.filter(pk__in=paid_in):
        expected[paid_in[deposit.pk]] = (deposits, deposit.amount)
    wrong = {
        number: (str(found.get(number)), str(amount))
        for number, (found, amount) in expected.items()
        if found.get(number) != amount
    }
    if wrong:
        note(f"WRONG AMOUNTS (in Accurate, POS) of {len(wrong)} documents: {dict(list(wrong.items())[:10])}")
    note(f"amounts checked: {len(expected)} invoices, receipts and deposits against the POS")
    return len(wrong)


def report(
    store: Any, sandbox: SandboxProcess, settled: tuple[float, list[tuple[str, bool, Any]]]
) -> tuple[int, int]:
    """Print the figures; returns (documents twice or with a wrong amount, rows left open without
    a reason)."""
    from sync.models import SyncActivity

    sync_s, explained = settled

    rows = SyncActivity.objects.filter(store=store)
    by_kind = Counter(rows.values_list("kind", "status"))
    statuses = Counter(rows.values_list("status", flat=True))
    for kind in SyncActivity.Kind.values:
        if any(k == kind for k, _ in by_kind):
            parts = {status: n for (k, status), n in sorted(by_kind.items()) if k == kind}
            note(f"{kind}: {parts}")
            unit = "batches" if kind == SyncActivity.Kind.PRODUCT_PUSH else "documents"
            figure(f"embedded_sent_{kind}", by_kind[(kind, "success")], unit, digits=0)
    inspected = sandbox.inspect()
    created = inspected["documents"].get(str(DB_ID), {})
    duplicates = 0
    for module in sorted(created):
        figure(f"embedded_accurate_{module.replace('-', '_')}", created[module], "documents", digits=0)
        numbers = Counter(number_of(d) for d in sandbox.documents(module, db=DB_ID))
        twice = {number: n for number, n in numbers.items() if n > 1}
        if twice:
            note(f"DUPLICATES in {module}: {dict(list(twice.items())[:10])}")
        duplicates += len(twice)
    failed = Counter(rows.filter(status="failed").values_list("kind", "status_reason"))
    for (kind, reason), n in failed.most_common():
        note(f"failed: {n} × {kind}: {reason}")
    for (kind, why, legit), n in sorted(grouped(explained).items()):
        note(f"{'waiting' if legit else 'LEFT OPEN'}: {n} × {kind}: {why}")
    left_open = sum(1 for _, legit, _ in explained if not legit)
    wrong = amounts_wrong(store, sandbox)
    counters = inspected["counters"]
    note(
        f"sandbox: {counters['requests']} requests, {counters['rejected_by_limits']} refused by the "
        f"limits, {counters['duplicate_numbers_refused']} duplicate numbers refused, at most "
        f"{counters['max_started_per_second']} started in a second, {counters['max_in_flight']} in flight"
    )
    figure("embedded_success", statuses["success"], "rows", digits=0)
    figure("embedded_failed", statuses["failed"], "rows", digits=0)
    figure("embedded_cancelled", statuses["cancelled"], "rows", digits=0)
    figure("embedded_duplicates", duplicates, "documents", digits=0)
    figure("embedded_wrong_amounts", wrong, "documents", digits=0)
    figure("embedded_left_open", left_open, "rows", digits=0)
    figure("embedded_waiting", len(explained) - left_open, "rows", digits=0)
    figure("embedded_sync_s", sync_s, "s")
    return duplicates + wrong, left_open


def run(folder: Path) -> None:
    clock = time.monotonic()
    var_dir = folder / "var"
    var_dir.mkdir()
    env = embedded_env(var_dir)
    manage(env, folder, "migrate", "--noinput")
    note(manage(env, folder, "seed_demo").strip().splitlines()[0])
    with running_stack(env, folder, var_dir) as stack:
        note(f"the stack is up {time.monotonic() - clock:.1f} s after the start")
        setup_django(env, stack)
        push, push_s, sync_s = merchant_steps(stack)
        wrong, left_open = report(push.store, stack.sandbox(), sync_s)
        figure("embedded_product_push_s", push_s, "s")
        tracebacks(stack)
    figure("embedded_total_s", time.monotonic() - clock, "s")
    if push.failed:
        raise RunWentWrong(f"the product push failed for {push.failed} products")
    if wrong:
        raise RunWentWrong(f"{wrong} documents in the sandbox are there twice or with a wrong amount")
    if left_open:
        raise RunWentWrong(f"{left_open} rows are left Pending or Running with no reason to wait")


def limits_note(stack: Stack, when: str) -> None:
    """The sandbox's limit counters so far: which step came near Accurate's limits."""
    counters = stack.sandbox().inspect()["counters"]
    note(
        f"{when}: {counters['requests']} requests so far, at most {counters['max_started_per_second']} "
        f"started in a second, {counters['rejected_by_limits']} refused by the limits"
    )


def merchant_steps(stack: Stack) -> tuple[Any, float, tuple[float, list[tuple[str, bool, Any]]]]:
    """Connect, map and activate, settings, SKUs fixed, products pushed, Sync now, settled.
    Returns (the product push, its seconds, (seconds from Sync now until settled, open rows))."""
    from django.utils import timezone

    from mapping.services.sync_settings import sync_settings_update
    from outlets.models import Membership, Store
    from sync.schedule import activities_release
    from sync.selectors import SALES_KINDS, TRANSFER_KINDS

    store = Store.objects.get(slug="demo")
    owner = Membership.objects.get(store=store, role=Membership.Role.OWNER).user
    connection = connect(store, owner, stack.sandbox())
    outlets_map(store, connection)
    limits_note(stack, "connected and mapped")
    sync_settings_update(store=store, data=SYNC_SETTINGS)
    note(f"{skus_fix(store)} SKUs fixed through products_upsert")
    pushing = time.monotonic()
    push = products_push(store, owner, stack)
    push_s = time.monotonic() - pushing
    note(
        f"products pushed in {push_s:.1f} s: {push.created} created, {push.existing} existing, "
        f"{push.failed} failed of {push.products_total}"
    )
    limits_note(stack, "products pushed")
    released = sum(
        activities_release(store=store, kinds=kinds, outlet=None, now=timezone.now())
        for kinds in (SALES_KINDS, TRANSFER_KINDS)
    )
    note(f"Sync now released {released} sales and transfers")
    return push, push_s, wait_settled(store, stack)


def main() -> None:
    main_in_folder(run, description=__doc__.split("\n", 1)[0], prefix="embedded-sync-")


if __name__ == "__main__":
    main()
