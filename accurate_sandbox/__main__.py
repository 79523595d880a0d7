"""`python -m accurate_sandbox --port 8001`: a local stand-in for Accurate Online, in this process.

It needs no Django and no database of the product: its data lives in its own SQLite file, by default
`$VAR_DIR/accurate_sandbox.sqlite3` (`var/` beside manage.py when VAR_DIR is unset).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path

from accurate_sandbox.config import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, SandboxConfig
from accurate_sandbox.server import serve

PROJECT_DIR = Path(__file__).resolve().parents[1]


def parser() -> argparse.ArgumentParser:
    found = argparse.ArgumentParser(
        prog="python -m accurate_sandbox",
        description="Run the Accurate Online sandbox (account and data host in one) on its own SQLite file.",
    )
    found.add_argument("--host", default="127.0.0.1")
    found.add_argument("--port", type=int, default=8001, help="0 picks a free port")
    found.add_argument(
        "--data-file", type=Path, default=None, help="default: VAR_DIR/accurate_sandbox.sqlite3"
    )
    found.add_argument("--client-id", default=DEFAULT_CLIENT_ID)
    found.add_argument("--client-secret", default=DEFAULT_CLIENT_SECRET)
    found.add_argument("--latency-ms", type=int, default=0, help="added to every data call")
    found.add_argument("--fail-rate", type=float, default=0.0, help="share of data calls answered 503")
    found.add_argument("--drop-rate", type=float, default=0.0, help="share of data calls dropped unanswered")
    found.add_argument("--rate-limit", type=int, default=8, help="requests started per second per token")
    found.add_argument("--in-flight-limit", type=int, default=8, help="requests in flight per token")
    found.add_argument("--log-requests", action="store_true", help="print one line per request")
    return found


def config_from(argv: Sequence[str] | None = None) -> SandboxConfig:
    options = parser().parse_args(argv)
    var_dir = Path(os.environ.get("VAR_DIR") or PROJECT_DIR / "var")
    return SandboxConfig(
        host=options.host,
        port=options.port,
        data_file=options.data_file or var_dir / "accurate_sandbox.sqlite3",
        client_id=options.client_id,
        client_secret=options.client_secret,
        rate_limit=options.rate_limit,
        in_flight_limit=options.in_flight_limit,
        latency_ms=options.latency_ms,
        fail_rate=options.fail_rate,
        drop_rate=options.drop_rate,
        quiet=not options.log_requests,
    )


if __name__ == "__main__":
    serve(config_from())
