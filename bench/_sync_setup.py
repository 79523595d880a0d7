"""Set-up shared by the sync benches: a store connected to a live sandbox, its items, its orders.

Everything goes through the product's own services: the OAuth flow (connect, consent, choose the
database), the product upsert and the order ingestion (serializer, then `orders_ingest`, which
writes the Pending outbox rows). Only the outlet mapping and the sync settings are written as rows,
with the accounts, branch, warehouse and walk-in customer the sandbox seeds.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.sandbox_fixture import SandboxProcess  # noqa: E402

REDIRECT_URI = "http://127.0.0.1/apps/accurate/callback/"
DB_ID = 101  # the sandbox's seeded database "Kopi Nusantara"
INGEST_BATCH = 500  # what one POST /orders/batch/ takes
ITEM_BATCH = 100  # records per bulk-save.do
# The sandbox's seed (accurate_sandbox/seed.py): where the outlet's documents go.
BRANCH = "Pusat"
WAREHOUSE = "Gudang Utama"
WALK_IN = "C-WALKIN"
ACCOUNTS = {
    "mdr_account_no": "6101",
    "payout_account_no": "1102",
    "refund_account_no": "1201",
    "sales_discount_account_no": "4103",
    "tax_account_no": "2103",
    "service_charge_account_no": "4102",
    "rounding_account_no": "6102",
    "adjustment_account_no": "5101",
    "deposit_account_no": "2104",
}
CASH_ACCOUNT = "1101"
BANK_ACCOUNT = "1102"
CLEARING_ACCOUNT = "1103"  # where iSellerPay money waits for its payout


@dataclass
class BenchStore:
    store: Any  # outlets.models.Store
    outlet: Any  # outlets.models.Outlet
    connection: Any  # mapping.models.Connection
    menu: Any  # outlets.demo.Menu


def clean_menu(rng: random.Random) -> Any:
    """The demo catalogue without its deliberate flaws (no SKU, a SKU on two products)."""
    from outlets import demo

    products = demo.catalogue(rng)
    counts: dict[str, int] = {}
    for product in products:
        counts[product.sku] = counts.get(product.sku, 0) + 1
    return demo.Menu([p for p in products if p.sku and counts[p.sku] == 1])


def store_connect(
    sandbox: SandboxProcess,
    *,
    slug: str,
    outlet_code: str,
    menu: Any,
    merchant: int = 0,
    database_id: int = DB_ID,
) -> BenchStore:
    """A fresh store with one outlet, the menu's products, connected to the sandbox's database 101
    (or `database_id`) through the OAuth pages, the outlet mapped and active, every payment method
    mapped. `merchant` n > 0 logs in as `merchant+n@…`: a token of its own (a token per merchant)."""
    from django.contrib.sessions.backends.db import SessionStore

    from mapping.models import OutletMapping, PaymentAccount, SyncSettings
    from mapping.services.connection import addon_activate, connect_callback, connect_start, database_choose
    from outlets import demo
    from outlets.api.serializers import ProductUpsertSerializer
    from outlets.models import PaymentMethod
    from outlets.services.products import products_upsert
    from outlets.services.stores import member_create, outlet_create, store_create

    store = store_create(name=f"Sync bench {slug}", slug=slug)
    owner = member_create(store=store, username=slug, password="bench-only", role="owner").user
    outlet = outlet_create(store=store, code=outlet_code, name=f"Outlet {outlet_code}")
    rng = random.Random(11)
    upsert = ProductUpsertSerializer(
        data={"products": [demo.product_body(rng, p, [outlet_code]) for p in menu.products]}
    )
    upsert.is_valid(raise_exception=True)
    products_upsert(store=store, items=upsert.validated_data["products"])

    addon_activate(store=store, user=owner)  # as the owner does first, on Apps
    session = SessionStore()
    url = connect_start(store=store, session=session, redirect_uri=REDIRECT_URI)
    email = "merchant@sandbox.example" if not merchant else f"merchant+{merchant}@sandbox.example"
    location = sandbox.login_and_authorize(url, email=email)
    params = dict(part.split("=", 1) for part in location.split("?", 1)[1].split("&"))
    connection = connect_callback(
        store=store, user=owner, session=session, redirect_uri=REDIRECT_URI, params=params
    )
    connection = database_choose(connection=connection, database_id=database_id)

    mapping = OutletMapping.objects.create(
        outlet=outlet, branch_name=BRANCH, warehouse_name=WAREHOUSE, active=True, **ACCOUNTS
    )
    accounts: dict[str, str] = {PaymentMethod.CASH: CASH_ACCOUNT, PaymentMethod.ISELLER_PAY: CLEARING_ACCOUNT}
    PaymentAccount.objects.bulk_create(
        PaymentAccount(mapping=mapping, method=method, account_no=accounts.get(method, BANK_ACCOUNT))
        for method in PaymentMethod.values
    )
    SyncSettings.objects.update_or_create(store=store, defaults={"walk_in_customer_no": WALK_IN})
    return BenchStore(store, outlet, connection, menu)


def items_create(bench: BenchStore) -> int:
    """The menu's products as Accurate items, 100 per bulk-save.do. Returns how many were created."""
    from mapping.services.credentials import accurate_client_for

    client = accurate_client_for(bench.connection)
    items = [
        {"no": p.sku, "name": p.name, "unitPrice": p.price, "itemType": "INVENTORY"}
        for p in bench.menu.products
    ]
    created = 0
    for start in range(0, len(items), ITEM_BATCH):
        results = client.bulk_save("item", items[start : start + ITEM_BATCH])
        refused = [r for r in results if not r.ok]
        if refused:
            raise SystemExit(f"The sandbox refused items: {refused[0].error}")
        created += len(results)
    return created


def order_bodies(menu: Any, count: int, *, prefix: str, seed: int) -> Iterator[dict[str, Any]]:
    """Completed sales of 1 to 3 lines with one payment each, made in the last hour."""
    from outlets import demo

    rng = random.Random(seed)
    at = datetime.now(demo_zone()) - timedelta(hours=1)
    for n in range(count):
        yield demo.order_body(
            rng,
            menu,
            number=f"{prefix}{n:06d}",
            ordered_at=at + timedelta(milliseconds=n),
            line_count=rng.choice((1, 2, 2, 3)),
            split=False,
        )


def demo_zone() -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Jakarta")


def orders_create(bench: BenchStore, bodies: Sequence[dict[str, Any]] | Iterator[dict[str, Any]]) -> int:
    """Ingest the orders as the batch endpoint does, 500 at a time. Returns how many were created."""
    from outlets.api.serializers import OrderSerializer
    from outlets.services.orders import orders_ingest

    parser = OrderSerializer()
    created = 0
    batch: list[tuple[int, Any]] = []

    def flush() -> None:
        nonlocal created
        results = orders_ingest(outlet=bench.outlet, items=batch)
        bad = [r for r in results if r.outcome != "created"]
        if bad:
            raise SystemExit(f"An order was not created: {bad[0].outcome} {bad[0].errors or bad[0].message}")
        created += len(results)
        batch.clear()

    for index, body in enumerate(bodies):
        batch.append((index, parser.run_validation(body)))
        if len(batch) == INGEST_BATCH:
            flush()
    if batch:
        flush()
    return created
