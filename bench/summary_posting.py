"""Posting modes on the demo's week: documents sent to Accurate per mode, and the totals check.

Run alone: `python bench/summary_posting.py [--modes per_sale,per_shift,per_day]`. For each mode, the
embedded run of bench/embedded_sync.py (a fresh SQLite file, `seed_demo`, the devserver's stack with
its sandbox, the demo store connected, mapped and activated, SKUs fixed, products pushed), with every
outlet switched to the mode before "Sync now", then waiting until settled.

Figures (one JSON line each), per mode M:

- `summary_<M>_accurate_<module>`: documents in the sandbox's database per module, and
  `summary_<M>_accurate_documents` their sum: what the accountant finds in Accurate;
- `summary_<M>_requests`: requests the sandbox answered (what Accurate's rate limit counts);
- `summary_<M>_days_checked` and `summary_<M>_days_wrong`: outlet-days whose sales invoices' total
  and sales receipts' total in Accurate (by branch and date) equal, to the rupiah, the POS's (the
  completed sales of that outlet and local day that landed, and what they were paid): must be 0 wrong;
- `summary_<M>_duplicates`: numbers held twice (must be 0); `summary_<M>_sync_s`.

`--throughput --mode per_day [--orders 20000]` runs instead bench/sync_throughput.py's 20,000 sales
on PostgreSQL with real workers, the outlet posting in that mode (bench/_summary_throughput.py):
`summary_<M>_sync_records_per_s`, `summary_<M>_orders_per_s` and the same totals check.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _demo_setup import DB_ID, connect, outlets_map, products_push, skus_fix  # noqa: E402
from _embedded_stack import (  # noqa: E402
    RunWentWrong,
    Stack,
    embedded_env,
    main_in_folder,
    manage,
    running_stack,
    setup_django,
)
from embedded_sync import SYNC_SETTINGS, number_of, wait_settled  # noqa: E402
from sync_throughput import figure, note  # noqa: E402

MODES = ("per_sale", "per_shift", "per_day")


def sync_in_mode(stack: Stack, mode: str) -> tuple[Any, float]:
    """The merchant's steps of bench/embedded_sync.py, every outlet posting in `mode`."""
    from django.utils import timezone

    from mapping.models import OutletMapping
    from mapping.services.sync_settings import sync_settings_update
    from outlets.models import Membership, Store
    from sync.schedule import activities_release
    from sync.selectors import SALES_KINDS, TRANSFER_KINDS

    store = Store.objects.get(slug="demo")
    owner = Membership.objects.get(store=store, role=Membership.Role.OWNER).user
    connection = connect(store, owner, stack.sandbox())
    outlets_map(store, connection)
    OutletMapping.objects.filter(outlet__store=store).update(posting_mode=mode)
    sync_settings_update(store=store, data=SYNC_SETTINGS)
    skus_fix(store)
    products_push(store, owner, stack)
    for kinds in (SALES_KINDS, TRANSFER_KINDS):
        activities_release(store=store, kinds=kinds, outlet=None, now=timezone.now())
    sync_s, _explained = wait_settled(store, stack)
    return store, sync_s


def days_check(store: Any, documents: dict[str, list[dict[str, Any]]]) -> tuple[int, int]:
    """Per outlet and local day: Accurate's invoice and receipt totals against the POS's."""
    from outlets.models import Order
    from sync.mappers.receipts import paid_by_method
    from sync.models import SyncActivity

    landed = SyncActivity.objects.filter(store=store, kind="order", status__in=["success", "difference"])
    pos: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    sold = Order.objects.filter(pk__in=landed.values("order_id")).select_related("outlet__store")
    branches = {m.outlet.code: m.branch_name for m in _mappings(store)}
    for order in sold.prefetch_related("payments"):
        key = (
            branches[order.outlet.code],
            order.ordered_at.astimezone(order.outlet.zone).strftime("%d/%m/%Y"),
        )
        pos[("invoice", *key)] += order.total
        pos[("receipt", *key)] += sum(paid_by_method(order).values(), Decimal(0))
    accurate: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for kind, module in (("invoice", "sales-invoice"), ("receipt", "sales-receipt")):
        for doc in documents[module]:
            accurate[(kind, str(doc["branchName"]), str(doc["transDate"]))] += Decimal(
                str(doc["totalAmount"])
            )
    days = {key[1:] for key in pos} | {key[1:] for key in accurate}
    wrong = [
        (kind, *day)
        for day in days
        for kind in ("invoice", "receipt")
        if pos[(kind, *day)] != accurate[(kind, *day)]
    ]
    if wrong:
        note(f"DAYS WRONG: {[(k, pos[k], accurate[k]) for k in wrong[:10]]}")
    return len(days), len(wrong)


def _mappings(store: Any) -> list[Any]:
    from mapping.models import OutletMapping

    return list(OutletMapping.objects.filter(outlet__store=store).select_related("outlet"))


def report(mode: str, store: Any, stack: Stack, sync_s: float) -> int:
    sandbox = stack.sandbox()
    inspected = sandbox.inspect()
    created = inspected["documents"].get(str(DB_ID), {})
    modules = ("sales-invoice", "sales-receipt", "sales-return", "other-payment", "item-transfer")
    documents = {module: sandbox.documents(module, db=DB_ID) for module in ("sales-invoice", "sales-receipt")}
    sent = 0
    duplicates = 0
    for module in sorted(created):
        if module in ("item", "branch", "warehouse", "glaccount", "customer"):
            continue  # master data: the same in every mode
        figure(f"summary_{mode}_accurate_{module.replace('-', '_')}", created[module], "documents", digits=0)
        sent += created[module]
        numbers = Counter(number_of(d) for d in sandbox.documents(module, db=DB_ID))
        duplicates += sum(1 for n in numbers.values() if n > 1)
    note(f"{mode}: modules {', '.join(m for m in modules if m in created)}")
    figure(f"summary_{mode}_accurate_documents", sent, "documents", digits=0)
    figure(f"summary_{mode}_requests", inspected["counters"]["requests"], "requests", digits=0)
    days, wrong = days_check(store, documents)
    figure(f"summary_{mode}_days_checked", days, "outlet-days", digits=0)
    figure(f"summary_{mode}_days_wrong", wrong, "outlet-days", digits=0)
    figure(f"summary_{mode}_duplicates", duplicates, "documents", digits=0)
    figure(f"summary_{mode}_sync_s", sync_s, "s")
    return wrong + duplicates


def run_mode(folder: Path, mode: str) -> None:
    var_dir = folder / "var"
    var_dir.mkdir()
    env = embedded_env(var_dir)
    manage(env, folder, "migrate", "--noinput")
    manage(env, folder, "seed_demo")
    with running_stack(env, folder, var_dir) as stack:
        setup_django(env, stack)
        store, sync_s = sync_in_mode(stack, mode)
        bad = report(mode, store, stack, sync_s)
    if bad:
        raise RunWentWrong(f"{mode}: {bad} outlet-days or documents wrong")


def main() -> None:
    """One mode per process (Django is set up once per process, on that run's SQLite file)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--mode", default="")
    parser.add_argument("--throughput", action="store_true", help="20,000 sales on PostgreSQL, one mode")
    parser.add_argument("--orders", type=int, default=20_000)
    args, rest = parser.parse_known_args()
    sys.argv = [sys.argv[0], *rest]
    if args.throughput:
        from _summary_throughput import throughput_run
        from _sync_worker import bench_main

        parser.set_defaults(rate=7, in_flight=7)
        sys.argv = [sys.argv[0], *(["--mode", args.mode or "per_day", "--throughput"]), *rest]
        sys.argv += ["--orders", str(args.orders)]
        bench_main(parser, throughput_run)
        return
    if args.mode:
        main_in_folder(lambda folder: run_mode(folder, args.mode), description=args.mode, prefix="summary-")
        return
    failed = 0
    for mode in args.modes.split(","):
        started = time.monotonic()
        failed |= subprocess.call([sys.executable, __file__, "--mode", mode, *rest])
        note(f"{mode} done in {time.monotonic() - started:.0f} s")
    sys.exit(failed)


if __name__ == "__main__":
    main()
