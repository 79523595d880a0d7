"""The merchant's steps on the demo store, for bench/embedded_sync.py, through the product's services.

The demo store connected to the sandbox's database 101 through the OAuth flow, each outlet mapped
from the mapping page's defaults and activated, the demo's deliberate SKU problems fixed as the POS
would, the products pushed by the stack's worker. Run in the bench's process, with Django set up on
the stack's settings.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The script's own folder is on sys.path: the benches share their helpers.
from _embedded_stack import RunWentWrong, Stack  # noqa: E402
from sync_throughput import note  # noqa: E402

from tests.sandbox_fixture import SandboxProcess  # noqa: E402

DB_ID = 101  # the sandbox's seeded database "Kopi Nusantara"
# Outlet → (branch, warehouse, whether the mapping creates them in Accurate).
PLACES = {
    "JKT01": ("Pusat", "Gudang Utama", False),
    "BDG01": ("Cabang Bandung", "Gudang Bandung", True),
    "DPS01": ("Cabang Bali", "Gudang Bali", False),
}
PUSH_TIMEOUT_S = 180.0
POLL_S = 1.0


def connect(store: Any, owner: Any, sandbox: SandboxProcess) -> Any:
    """Connect, log in and consent in the sandbox, the callback, database 101 chosen."""
    from django.contrib.sessions.backends.db import SessionStore

    from mapping.services.connection import database_choose
    from tests.mapping.conftest import authorize, callback

    session = SessionStore()
    connection = callback(
        SimpleNamespace(store=store, owner=owner), session, authorize(sandbox, session, store)
    )
    return database_choose(connection=connection, database_id=DB_ID)


def lists_of(store: Any, connection: Any) -> dict[str, Any]:
    """Accurate's lists as the mapping page reads them (kept; fetched on the first read)."""
    from mapping import selectors
    from outlets.selectors import payment_methods_used

    return {
        "accounts": selectors.accurate_list(connection, "glaccount"),
        "branches": selectors.accurate_list(connection, "branch"),
        "warehouses": selectors.accurate_list(connection, "warehouse"),
        "methods": payment_methods_used(store),
    }


def outlets_map(store: Any, connection: Any) -> None:
    """Each outlet mapped from the page's defaults, then activated as "Save and activate" does."""
    from mapping.services.account_rules import mapping_defaults
    from mapping.services.lists import accurate_lists_refresh
    from mapping.services.outlets import MappingIncomplete, outlet_activate, outlet_mapping_update
    from outlets.models import Outlet

    for outlet in Outlet.objects.filter(store=store).order_by("code"):
        branch, warehouse, create = PLACES[outlet.code]
        # The page's defaults as they are: iSellerPay into the clearing account, its fee an expense.
        data = mapping_defaults(**lists_of(store, connection))
        if not create:
            data.update(branch_name=branch, warehouse_name=warehouse)
        mapping = outlet_mapping_update(
            connection=connection,
            outlet=outlet,
            data=data,
            new_branch=branch if create else "",
            new_warehouse=warehouse if create else "",
        )
        accurate_lists_refresh(connection=connection)
        try:
            outlet_activate(mapping=mapping, confirm_fee=True, **lists_of(store, connection))
        except MappingIncomplete as refused:
            raise RunWentWrong(f"{outlet.code} could not be activated: {refused.problems}") from refused
        payments = {row.method: row.account_no for row in mapping.payment_accounts.all()}
        note(f"{outlet.code} active: {mapping.branch_name} / {mapping.warehouse_name}, payments {payments}")


def skus_fix(store: Any) -> int:
    """A SKU for each product without one, and for the second of two products sharing one, posted
    as the POS would (the product's whole body through the API's serializer, no stock change)."""
    from django.db.models.functions import Lower, Trim

    from mapping.products.checks import sku_problem_counts
    from outlets.api.serializers import ProductUpsertSerializer
    from outlets.models import Product
    from outlets.services.products import PRODUCT_FIELDS, products_upsert

    seen: set[str] = set()
    fixed: list[Product] = []
    for product in (
        Product.objects.filter(store=store, active=True).annotate(key=Lower(Trim("sku"))).order_by("id")
    ):
        if not product.key or product.key in seen:
            fixed.append(product)
        seen.add(product.key)
    bodies = [
        {
            "pos_id": p.pos_id,
            # Booleans (taxable) stay JSON booleans: the API refuses "True".
            **{name: _wire(getattr(p, name)) for name in PRODUCT_FIELDS},
            "has_serial_number": p.has_serial_number,
            "active": p.active,
            "sku": f"FIX-{p.pos_id}",
            "stock": [],
        }
        for p in fixed
    ]
    upsert = ProductUpsertSerializer(data={"products": bodies})
    upsert.is_valid(raise_exception=True)
    products_upsert(store=store, items=upsert.validated_data["products"])
    left = sku_problem_counts(store)
    if left.total:
        raise RunWentWrong(f"SKU problems left after the fix: {left}")
    return len(fixed)


def _wire(value: Any) -> Any:
    return value if isinstance(value, bool) else str(value)


def products_push(store: Any, owner: Any, stack: Stack) -> Any:
    from sync.models import ProductPush
    from sync.product_push.services import product_push_start

    push = product_push_start(store=store, user=owner)
    deadline = time.monotonic() + PUSH_TIMEOUT_S
    while True:
        stack.alive()
        push.refresh_from_db()
        if push.status == ProductPush.Status.DONE:
            return push
        if time.monotonic() > deadline:
            raise RunWentWrong(
                f"the product push was not done in {PUSH_TIMEOUT_S:.0f} s: {push.batches_done} of "
                f"{push.batches_total} batches"
            )
        time.sleep(POLL_S)
