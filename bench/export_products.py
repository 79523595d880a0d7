"""Export benchmark: Export Product over 100,000 products with initial stock in two warehouses.

Run alone: `python bench/export_products.py`. It uses the PostgreSQL database in DATABASE_URL (default:
a local `iseller_accurate_bench`, created and migrated if missing), creates a fresh store with 100,000
clean products, two outlets mapped (active) to two warehouses and stock for every product at both
(200,000 stock rows), then runs the export in a child process, once without and once with the stock:

- `export_100k_s`: the child's wall time of `products_export` with the default options (every
  product, no stock: 100,000 rows), from the first query to the file built, the export and its
  100,000 exported products recorded, and the file read back once to the end as the response would;
- `export_100k_stock_s`: the same with initial stock (200,000 rows, a row per product per warehouse);
- `export_100k_peak_mb`, `export_100k_stock_peak_mb`: the child's peak resident memory (VmHWM from
  /proc), the whole process: Python, Django and the export together;
- `export_baseline_mb`: the child's peak resident memory just before the export, for scale.

Prints one JSON line per figure: {"figure": …, "value": …, "unit": …}.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The script's own folder is on sys.path: the ingestion bench's database set-up is shared.
from ingest import DEFAULT_DATABASE_URL, ensure_database, setup_django  # noqa: E402

PRODUCTS = 100_000
BATCH = 5000


def figure(name: str, value: float, unit: str) -> None:
    print(json.dumps({"figure": name, "value": round(value, 2), "unit": unit}), flush=True)


def set_up_store() -> int:
    from mapping.models import OutletMapping
    from outlets.models import OutletStock, Product
    from outlets.services.stores import member_create, outlet_create, store_create

    run = datetime.now().strftime("%Y%m%d%H%M%S") + f"{random.randrange(16**4):04x}"
    store = store_create(name=f"Export bench {run}", slug=f"export-bench-{run}")
    member_create(store=store, username=f"export-bench-{run}", password="bench-only", role="owner")
    outlets = [outlet_create(store=store, code=f"W{n}", name=f"Outlet {n}") for n in (1, 2)]
    for outlet in outlets:
        OutletMapping.objects.create(
            outlet=outlet, branch_name="Pusat", warehouse_name=f"Gudang {outlet.code}", active=True
        )
    types = [choice.value for choice in Product.ItemType]
    Product.objects.bulk_create(
        (
            Product(
                store=store,
                pos_id=f"P{n}",
                sku=f"SKU-{n:06d}",
                name=f"Produk nomor {n}",
                barcode=f"899{n:010d}",
                category=f"Kategori {n % 40}",
                price=Decimal(1000 + n) + Decimal("0.50"),
                cost=Decimal(600 + n),
                item_type=types[n % len(types)],
                has_serial_number=n % 10 == 0,
            )
            for n in range(PRODUCTS)
        ),
        batch_size=BATCH,
    )
    ids = list(Product.objects.filter(store=store).values_list("pk", flat=True))
    for outlet in outlets:
        OutletStock.objects.bulk_create(
            (
                OutletStock(
                    outlet=outlet, product_id=pk, quantity=Decimal(pk % 50 + 1), unit_cost=Decimal("1234.56")
                )
                for pk in ids
            ),
            batch_size=BATCH,
        )
    return store.pk


def peak_rss_kb() -> int:
    """This process's peak resident memory since it started (VmHWM). Not getrusage: on Linux its
    ru_maxrss survives exec, so a child would report the parent's peak from before the fork."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise SystemExit("The benchmark measures memory through /proc (Linux).")


def child(store_id: int, include_stock: bool) -> None:
    """The export alone, in a fresh process, so its peak memory is the export's."""
    setup_django(os.environ["DATABASE_URL"])
    from mapping.products.export import ExportOptions, products_export
    from outlets.models import Membership, Store

    store = Store.objects.get(pk=store_id)
    owner = Membership.objects.select_related("user").get(store=store).user
    baseline_kb = peak_rss_kb()
    started = time.perf_counter()
    built = products_export(store=store, user=owner, options=ExportOptions(include_stock=include_stock))
    with built.file:
        size = 0
        while block := built.file.read(64 * 1024):
            size += len(block)
    elapsed = time.perf_counter() - started
    answer = {"seconds": elapsed, "bytes": size, "count": built.export.count}
    print(json.dumps(answer | {"baseline_kb": baseline_kb, "peak_kb": peak_rss_kb()}))


def run_child(url: str, store_id: int, include_stock: bool) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", str(store_id), "stock" if include_stock else "plain"]
    result = subprocess.run(
        command, env={**os.environ, "DATABASE_URL": url}, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"The export failed:\n{result.stderr[-3000:]}")
    answer: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    if answer["count"] != PRODUCTS:
        raise SystemExit(f"The export held {answer['count']} products, not {PRODUCTS}.")
    return answer


def main() -> None:
    url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    ensure_database(url)
    setup_django(url)
    store_id = set_up_store()
    plain = run_child(url, store_id, include_stock=False)
    figure("export_100k_s", plain["seconds"], "s")
    figure("export_100k_peak_mb", plain["peak_kb"] / 1024, "MB")
    stock = run_child(url, store_id, include_stock=True)
    figure("export_100k_stock_s", stock["seconds"], "s")
    figure("export_100k_stock_peak_mb", stock["peak_kb"] / 1024, "MB")
    figure("export_baseline_mb", stock["baseline_kb"] / 1024, "MB")
    figure("export_100k_stock_file_mb", stock["bytes"] / 1024 / 1024, "MB")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(int(sys.argv[2]), include_stock=sys.argv[3] == "stock")
    else:
        main()
