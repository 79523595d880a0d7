"""Activity page benchmark: full page renders over 1,000,000 sync activities on PostgreSQL.

Run alone: `python bench/activity_page.py`. It uses the PostgreSQL database in DATABASE_URL (default:
a local `iseller_accurate_bench`, created and migrated if missing). The data set is made once and
kept (`--fresh` makes it again): a store "bench-activity" with 50 outlets and 900,000 activities over
a year (96 % Success, 3 % Failed, 1 % Pending), and a second store with 100,000, each row with its
order, all written by `INSERT … SELECT generate_series` in a few statements.

Then, logged in as the store's owner through Django's test Client, it renders each page RUNS times:
the first page with a few filter combinations (status=failed&outlet=X among them) and the page a
cursor 10,000 rows deep reaches; and the add-on page's status panel on its own.

Prints one JSON line per figure: {"figure": …, "value": …, "unit": …}:
`activity_first_page_p95_ms` (over all the first-page combinations), `activity_deep_page_p95_ms`,
`activity_status_panel_p95_ms`, and one `activity_page_p95_ms` line per combination.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The script's own folder is on sys.path: the ingestion bench's database set-up is shared.
from ingest import DEFAULT_DATABASE_URL, ensure_database, setup_django  # noqa: E402

SLUG = "bench-activity"
OTHER_SLUG = "bench-activity-other"
MAIN_ROWS = 900_000
OTHER_ROWS = 100_000
OUTLETS = 50
RUNS = 40
DEEP = 10_000
PASSWORD = "bench-only-password"


def figure(name: str, value: float, unit: str, **extra: Any) -> None:
    print(json.dumps({"figure": name, "value": round(value, 1), "unit": unit, **extra}), flush=True)


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


# One statement per table: orders first (the activities point at them), then their activities.
# Row n of a store is created n/rows of a year after the start, at outlet n % outlets; its status
# is spread over the outlets (96 % Success, 3 % Failed, 1 % Pending).
ORDERS_SQL = """
INSERT INTO outlets_order (outlet_id, number, payload, payload_hash, created_at, updated_at, status,
    ordered_at, customer_code, customer_name, customer_phone, customer_email, subtotal, order_discount,
    tax, tax_inclusive, service_charge, rounding, total, note, version)
SELECT o.ids[1 + n %% %(outlets)s], 'ORD-' || lpad(n::text, 7, '0'), '{}'::jsonb, '', t, t, 'completed',
    t, '', '', '', '', 10000 + n %% 90000, 0, 0, false, 0, 0, 10000 + n %% 90000, '', 1
FROM generate_series(1, %(rows)s) AS n,
     LATERAL (SELECT %(start)s::timestamptz + (n * interval '1 year') / %(rows)s AS t) AS at,
     (SELECT array_agg(id ORDER BY code) AS ids FROM outlets_outlet WHERE store_id = %(store)s) AS o
"""

ACTIVITIES_SQL = """
INSERT INTO sync_syncactivity (store_id, outlet_id, kind, status, pos_number, order_id, status_reason,
    due_at, needs_lookup, attempts, accurate_id, accurate_number, created_at, updated_at, started_at,
    completed_at)
SELECT %(store)s, o.outlet_id, 'order', s.status, o.number, o.id,
    CASE WHEN s.status = 'failed' THEN 'Item SKU-' || (o.id %% 97) || ' is not in Accurate.' ELSE '' END,
    CASE WHEN s.status = 'pending' THEN o.created_at END, false,
    CASE WHEN s.status = 'pending' THEN 0 ELSE 1 END,
    CASE WHEN s.status = 'success' THEN o.id END,
    CASE WHEN s.status = 'pending' THEN '' ELSE oc.code || '-' || o.number END,
    o.created_at, o.created_at,
    CASE WHEN s.status = 'pending' THEN NULL ELSE o.created_at + interval '3 minutes' END,
    CASE WHEN s.status = 'pending' THEN NULL ELSE o.created_at + interval '3 minutes 2 seconds' END
FROM outlets_order o
JOIN outlets_outlet oc ON oc.id = o.outlet_id
CROSS JOIN LATERAL (SELECT (o.id / %(outlets)s * 37) %% 100 AS d) AS mix
CROSS JOIN LATERAL (SELECT CASE WHEN mix.d < 96 THEN 'success'
                                WHEN mix.d < 99 THEN 'failed' ELSE 'pending' END AS status) AS s
WHERE oc.store_id = %(store)s
ORDER BY o.created_at, o.id
"""


def make_store(slug: str, rows: int) -> Any:
    from datetime import timedelta

    from django.contrib.auth.models import User
    from django.db import connection
    from django.utils import timezone

    from outlets.models import Store
    from outlets.services.stores import member_create, outlet_create, store_create

    Store.objects.filter(slug=slug).delete()
    User.objects.filter(username=f"{slug}-owner").delete()
    store = store_create(name=f"Bench {slug}", slug=slug)
    member_create(store=store, username=f"{slug}-owner", password=PASSWORD, role="owner")
    for n in range(OUTLETS):
        outlet_create(store=store, code=f"O{n:02d}", name=f"Outlet {n:02d}")
    start = timezone.now() - timedelta(days=365)
    params: dict[str, Any] = {"store": store.pk, "rows": rows, "outlets": OUTLETS, "start": start}
    with connection.cursor() as cursor:
        cursor.execute(ORDERS_SQL, params)
        cursor.execute(ACTIVITIES_SQL, params)
    return store


def ensure_data(fresh: bool) -> Any:
    from django.db import connection

    from outlets.models import Store
    from sync.models import SyncActivity

    store = Store.objects.filter(slug=SLUG).first()
    if fresh or store is None or SyncActivity.objects.filter(store=store).count() != MAIN_ROWS:
        started = time.perf_counter()
        # Activities restrict their orders: remove the old rows before the stores cascade.
        SyncActivity.objects.filter(store__slug__in=[SLUG, OTHER_SLUG]).delete()
        make_store(OTHER_SLUG, OTHER_ROWS)
        store = make_store(SLUG, MAIN_ROWS)
        figure("activity_data_setup_s", time.perf_counter() - started, "s", rows=MAIN_ROWS + OTHER_ROWS)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE sync_syncactivity")
    return store


def timed(client: Any, url: str, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code}")
    return samples


def deep_cursor(store: Any, **filters: Any) -> str:
    from sync.activity.selectors import Cursor
    from sync.models import SyncActivity

    row = SyncActivity.objects.filter(store=store, **filters).order_by("-created_at", "-id")[DEEP - 1]
    return Cursor.of(row).token()


def main() -> None:
    url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    ensure_database(url)
    setup_django(url)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    store = ensure_data("--fresh" in sys.argv)
    outlet = store.outlets.order_by("code")[7]
    client = Client(SERVER_NAME="127.0.0.1")  # the settings allow only the loopback host
    if not client.login(username=f"{SLUG}-owner", password=PASSWORD):
        raise SystemExit("login failed")
    base = "/apps/accurate/activity/"
    combos = {
        "failed+outlet": f"?status=failed&outlet={outlet.pk}",
        "none": "",
        "success+outlet": f"?status=success&outlet={outlet.pk}",
        "pending": "?status=pending",
        "outlet+end+type": f"?outlet={outlet.pk}&end=2020-01-01&kind=order",
        "search": "?q=ORD-00450",
    }
    first: list[float] = []
    for name, query in combos.items():
        client.get(base + query)  # warm the plan and the cache of the connection
        samples = timed(client, base + query, RUNS)
        first += samples
        figure("activity_page_p95_ms", p95(samples), "ms", page=name)
    figure("activity_first_page_p95_ms", p95(first), "ms", runs=len(first))

    deep = f"{base}?older={deep_cursor(store)}"
    deep_failed = f"{base}?status=failed&older={deep_cursor(store, status='failed')}"
    samples = timed(client, deep, RUNS) + timed(client, deep_failed, RUNS)
    figure("activity_deep_page_p95_ms", p95(samples), "ms", rows_deep=DEEP, runs=len(samples))

    from django.template import Context, Template

    panel = Template("{% load sync_status %}{% sync_status_panel %}")
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            panel.render(Context({"store": store}))
        samples.append((time.perf_counter() - started) * 1000)
    figure("activity_status_panel_p95_ms", p95(samples), "ms", queries=len(queries))


if __name__ == "__main__":
    main()
