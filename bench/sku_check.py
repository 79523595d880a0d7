"""SKU check benchmark: the panel's counts over a catalogue of 100,000 products.

Run alone: `python bench/sku_check.py`. It uses the PostgreSQL database in DATABASE_URL (default: a
local `iseller_accurate_bench`, created and migrated if missing), creates a fresh store with 100,000
active products (bulk_create), about 1% without SKU, 1% sharing a SKU that differs only in case or
spaces and 0.5% with a SKU over 30 characters, analyses the table, then times the checks three times.

Prints one JSON line per figure: {"figure": …, "value": …, "unit": …}. `sku_check_100k_s` is the
slowest of three runs of the counts (what the add-on page and every export or push run);
`sku_details_100k_s` the slowest of three runs of the details page's lists.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The script's own folder is on sys.path: the ingestion bench's database set-up is shared.
from ingest import DEFAULT_DATABASE_URL, ensure_database, setup_django  # noqa: E402

if TYPE_CHECKING:
    from outlets.models import Store

PRODUCTS = 100_000
RUNS = 3


def figure(name: str, value: float, unit: str) -> None:
    print(json.dumps({"figure": name, "value": round(value, 3), "unit": unit}), flush=True)


def sku_for(n: int) -> str:
    if n % 100 == 1:
        return "   " if n % 200 == 1 else ""
    if n % 100 == 2:
        return (
            f" dup-{n // 200} " if n % 200 == 2 else f"DUP-{n // 200}"
        )  # pairs differing in case and spaces
    if n % 200 == 3:
        return f"LONG-{n:06d}-" + "X" * 30
    return f"SKU-{n:06d}"


def set_up_store() -> Store:
    from django.db import connection

    from outlets.models import Product
    from outlets.services.stores import store_create

    run = datetime.now().strftime("%Y%m%d%H%M%S") + f"{random.randrange(16**4):04x}"
    store = store_create(name=f"SKU bench {run}", slug=f"sku-bench-{run}")
    Product.objects.bulk_create(
        (
            Product(store=store, pos_id=f"P{n}", sku=sku_for(n), name=f"Produk {n}", price=1000 + n)
            for n in range(PRODUCTS)
        ),
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE outlets_product")
    return store


def slowest(action: Callable[[], Any]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return max(times)


def main() -> None:
    url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    ensure_database(url)
    setup_django(url)
    from mapping.products.checks import sku_problem_counts, sku_problem_details

    store = set_up_store()
    counts = sku_problem_counts(store)
    expected = (PRODUCTS // 100, PRODUCTS // 100, PRODUCTS // 200)
    if (counts.no_sku, counts.duplicate, counts.too_long) != expected:
        raise SystemExit(f"The checks found {counts}, not {expected}: the benchmark data is wrong.")
    figure("sku_check_100k_s", slowest(lambda: sku_problem_counts(store)), "s")
    figure("sku_details_100k_s", slowest(lambda: sku_problem_details(store)), "s")


if __name__ == "__main__":
    main()
