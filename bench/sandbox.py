"""Sandbox benchmark: sales invoices accepted per second through bulk-save.do, no latency.

Run alone: `python bench/sandbox.py`. It starts `python -m accurate_sandbox` on a free loopback port
with a temporary data file and the limits raised, gets a token through the OAuth pages, opens a
database, creates a few items, then posts pre-built bulk-save batches of 100 invoices (3 lines each)
from one client for a bounded time. Prints one JSON line: {"figure": …, "value": …, "unit": …}.
Always stops the sandbox.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.sandbox_fixture import SandboxProcess, start_sandbox, stop_sandbox  # noqa: E402

DURATION_S = 10.0
BATCH_SIZE = 100
ITEMS = 20
HTTP_TIMEOUT = (5, 120)


def invoice(number: int) -> dict[str, Any]:
    lines = [
        {
            "itemNo": f"BENCH-{(number + line) % ITEMS}",
            "quantity": line + 1,
            "unitPrice": "12500.50",
            "itemCashDiscount": "500",
            "warehouseName": "Gudang Utama",
            "useTax1": True,  # PPN goes by the line flags, as the product sends them
        }
        for line in range(3)
    ]
    return {
        "number": f"B-{number:08d}",
        "transDate": "20/11/2026",
        "customerNo": "C-WALKIN",
        "branchName": "Pusat",
        "taxable": True,
        "detailItem": lines,
    }


def prepare(sandbox: SandboxProcess) -> tuple[requests.Session, str]:
    token = sandbox.token()
    host, session_id = sandbox.open_db(token["access_token"])
    client = requests.Session()
    client.headers.update({"Authorization": f"Bearer {token['access_token']}", "X-Session-ID": session_id})
    items = [{"no": f"BENCH-{i}", "name": f"Barang {i}", "unitPrice": "12500.50"} for i in range(ITEMS)]
    reply = client.post(f"{host}/accurate/api/item/bulk-save.do", json={"data": items}, timeout=HTTP_TIMEOUT)
    assert reply.json()["s"], reply.text
    return client, host


def measure(client: requests.Session, host: str) -> float:
    url = f"{host}/accurate/api/sales-invoice/bulk-save.do"
    sent = 0
    started = time.perf_counter()
    while time.perf_counter() - started < DURATION_S:
        body = json.dumps({"data": [invoice(sent + i) for i in range(BATCH_SIZE)]})
        reply = client.post(
            url, data=body, headers={"Content-Type": "application/json"}, timeout=HTTP_TIMEOUT
        )
        assert reply.status_code == 200 and reply.json()["s"], reply.text[:500]
        sent += BATCH_SIZE
    return sent / (time.perf_counter() - started)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        sandbox = start_sandbox(Path(folder), "--rate-limit", "100000", "--in-flight-limit", "1000")
        try:
            client, host = prepare(sandbox)
            rate = measure(client, host)
        finally:
            stop_sandbox(sandbox)
    print(json.dumps({"figure": "sandbox_records_per_s", "value": round(rate, 1), "unit": "records/s"}))


if __name__ == "__main__":
    main()
