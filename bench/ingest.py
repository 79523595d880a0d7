"""Ingestion benchmark: orders accepted per second through gunicorn, and queries per batch.

Run alone: `python bench/ingest.py`. It uses the PostgreSQL database in DATABASE_URL (default: a
local `iseller_accurate_bench`, created and migrated if missing), sets up a fresh store with one
outlet, 200 products and an open shift, then

- counts the queries of the batch endpoint in-process for 10 and for 500 orders (they must be equal),
- starts gunicorn with 2 workers on a free loopback port and posts pre-built batches of 500 orders
  (3 lines, 1 payment each) from a few client threads for a bounded time.

Prints one JSON line per figure: {"figure": …, "value": …, "unit": …}. Always stops gunicorn.
"""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/iseller_accurate_bench"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
BATCH_SIZE = 500
CLIENTS = 4  # two per worker: one being served while the next one is already on the wire
DURATION_S = 20.0
MAX_BATCHES = 60  # pre-built bodies; the run stops at DURATION_S or when they are all sent
READY_TIMEOUT_S = 30.0
HTTP_TIMEOUT = (5, 120)
SERVER_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-not-a-secret",
    "SECURE_SSL_REDIRECT": "0",
    "ALLOWED_HOSTS": "127.0.0.1",
    "LOG_LEVEL": "WARNING",
}


def figure(name: str, value: float, unit: str) -> None:
    print(json.dumps({"figure": name, "value": round(value, 1), "unit": unit}), flush=True)


def ensure_database(url: str) -> None:
    """Create the benchmark database when it is missing (connecting to the `postgres` database)."""
    import dj_database_url
    import psycopg2  # type: ignore[import-untyped]
    from psycopg2 import sql  # type: ignore[import-untyped]

    config = dj_database_url.parse(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit(f"The benchmark runs on PostgreSQL; DATABASE_URL is {config['ENGINE']}.")
    if config["HOST"] not in LOOPBACK:
        raise SystemExit(f"The benchmark only talks to loopback addresses, not {config['HOST']}.")
    conn = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=config["HOST"],
        port=config["PORT"] or 5432,
    )
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
            if cur.fetchone() is None:
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
    finally:
        conn.close()


def setup_django(url: str) -> None:
    # Static files are not collected for a benchmark; whitenoise's warning about it is noise here.
    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers.base")
    os.environ.update(SERVER_ENV, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="iseller_accurate.settings")
    os.environ.pop("REDIS_URL", None)  # ingestion needs no cache or broker
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


@dataclass
class Setup:
    run: str
    key: str
    outlet: str
    shift: str
    zone: ZoneInfo
    menu: Any  # outlets.demo.Menu


def set_up_store() -> Setup:
    """A fresh store per run (the numbers never collide with an earlier run's)."""
    from outlets import demo
    from outlets.api.serializers import ProductUpsertSerializer, ShiftOpenSerializer
    from outlets.services.products import products_upsert
    from outlets.services.shifts import shift_open
    from outlets.services.stores import api_key_create, outlet_create, store_create

    run = datetime.now().strftime("%Y%m%d%H%M%S") + f"{random.randrange(16**4):04x}"
    rng = random.Random(7)
    store = store_create(name=f"Bench {run}", slug=f"bench-{run}")
    outlet = outlet_create(store=store, code="B01", name="Bench outlet")
    products = demo.catalogue(rng)
    upsert = ProductUpsertSerializer(
        data={"products": [demo.product_body(rng, p, ["B01"]) for p in products]}
    )
    upsert.is_valid(raise_exception=True)
    products_upsert(store=store, items=upsert.validated_data["products"])
    zone = outlet.zone
    opened = datetime.now(zone) - timedelta(hours=1)
    body = demo.shift_open_body(number="SH-1", cashier="Bench", opened_at=opened, opening_float=Decimal(0))
    opening = ShiftOpenSerializer(data=body)
    opening.is_valid(raise_exception=True)
    shift_open(outlet=outlet, data=opening.validated_data)
    _, key = api_key_create(store=store, name="bench")
    return Setup(run, key, outlet.code, "SH-1", zone, demo.Menu(products))


def batch_body(setup: Setup, rng: random.Random, prefix: str, size: int) -> dict[str, Any]:
    from outlets import demo

    at = datetime.now(setup.zone)
    orders = [
        demo.order_body(
            rng,
            setup.menu,
            number=f"{prefix}-{n:04d}",
            ordered_at=at,
            shift=setup.shift,
            line_count=3,
            split=False,
        )
        for n in range(size)
    ]
    return {"orders": orders}


def queries_per_batch(setup: Setup) -> dict[int, int]:
    """Queries of one batch request, measured in-process (after a warm-up that records key use)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    client = APIClient(SERVER_NAME="127.0.0.1")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {setup.key}")
    url = f"/api/v1/outlets/{setup.outlet}/orders/batch/"
    rng = random.Random(1)
    counts: dict[int, int] = {}
    for size in (1, 10, BATCH_SIZE):
        body = batch_body(setup, rng, f"Q{size}-{setup.run}", size)
        with CaptureQueriesContext(connection) as captured:
            response = client.post(url, body, format="json")
        if response.status_code != 200 or response.json()["created"] != size:
            raise SystemExit(f"The query-count batch of {size} failed: {response.content[:500]!r}")
        counts[size] = len(captured)
    return counts


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_gunicorn(port: int, log: Any) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "gunicorn", "iseller_accurate.wsgi", "-w", "2"]
    command += ["-b", f"127.0.0.1:{port}", "--timeout", "120", "--log-level", "warning"]
    return subprocess.Popen(command, cwd=ROOT, env=dict(os.environ), stdout=log, stderr=log)


def wait_ready(base: str, key: str, server: subprocess.Popen[bytes]) -> None:
    import requests

    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode} before it answered.")
        try:
            response = requests.get(
                f"{base}/api/v1/outlets/", headers={"Authorization": f"Bearer {key}"}, timeout=2
            )
            if response.status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within {READY_TIMEOUT_S:.0f} s.")


@dataclass
class Throughput:
    created: int = 0
    other: int = 0
    batches: int = 0
    last_answer: float = 0.0


def post_batches(url: str, key: str, bodies: list[bytes]) -> tuple[Throughput, float]:
    """Post the bodies from CLIENTS threads until DURATION_S is over or they are all sent."""
    import requests

    source: Iterator[bytes] = iter(bodies)
    lock = threading.Lock()
    tally = Throughput()
    errors: list[str] = []
    started = time.monotonic()
    deadline = started + DURATION_S

    def client() -> None:
        with requests.Session() as session:
            session.headers.update({"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
            while time.monotonic() < deadline and not errors:
                with lock:
                    body = next(source, None)
                if body is None:
                    return
                response = session.post(url, data=body, timeout=HTTP_TIMEOUT)
                if response.status_code != 200:
                    errors.append(f"{response.status_code}: {response.text[:300]}")
                    return
                answer = response.json()
                with lock:
                    tally.created += answer["created"]
                    tally.other += answer["replayed"] + answer["conflict"] + answer["invalid"]
                    tally.batches += 1
                    tally.last_answer = time.monotonic()

    threads = [threading.Thread(target=client, name=f"client-{n}") for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(f"A batch failed: {errors[0]}")
    return tally, tally.last_answer - started


def throughput(setup: Setup) -> float:
    rng = random.Random(2)
    bodies = [
        json.dumps(batch_body(setup, rng, f"T{n:03d}-{setup.run}", BATCH_SIZE)).encode()
        for n in range(MAX_BATCHES)
    ]
    warm_up = [json.dumps(batch_body(setup, rng, f"W{n}-{setup.run}", 20)).encode() for n in range(4)]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    url = f"{base}/api/v1/outlets/{setup.outlet}/orders/batch/"
    with tempfile.TemporaryFile() as log:
        server = start_gunicorn(port, log)
        try:
            wait_ready(base, setup.key, server)
            post_batches(url, setup.key, warm_up)  # both workers load the URLconf and connect
            tally, elapsed = post_batches(url, setup.key, bodies)
        except BaseException:
            log.seek(0)
            sys.stderr.write(log.read().decode(errors="replace")[-3000:])
            raise
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)
    if tally.other:
        raise SystemExit(f"{tally.other} orders were not created; the benchmark data is wrong.")
    return tally.created / elapsed


def main() -> None:
    url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    ensure_database(url)
    setup_django(url)
    setup = set_up_store()
    counts = queries_per_batch(setup)
    figure("ingest_queries_per_batch_10", counts[10], "queries")
    figure(f"ingest_queries_per_batch_{BATCH_SIZE}", counts[BATCH_SIZE], "queries")
    figure("ingest_orders_per_s", throughput(setup), "orders/s")


if __name__ == "__main__":
    main()
