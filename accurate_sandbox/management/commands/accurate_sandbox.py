"""`manage.py accurate_sandbox --port 8001`: a local stand-in for Accurate Online, in this process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from accurate_sandbox.config import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, SandboxConfig
from accurate_sandbox.server import serve


class Command(BaseCommand):
    help = "Run the Accurate Online sandbox (account and data host in one) on its own SQLite file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8001, help="0 picks a free port")
        parser.add_argument(
            "--data-file", type=Path, default=None, help="default: VAR_DIR/accurate_sandbox.sqlite3"
        )
        parser.add_argument("--client-id", default=DEFAULT_CLIENT_ID)
        parser.add_argument("--client-secret", default=DEFAULT_CLIENT_SECRET)
        parser.add_argument("--latency-ms", type=int, default=0, help="added to every data call")
        parser.add_argument("--fail-rate", type=float, default=0.0, help="share of data calls answered 503")
        parser.add_argument(
            "--drop-rate", type=float, default=0.0, help="share of data calls dropped unanswered"
        )
        parser.add_argument("--rate-limit", type=int, default=8, help="requests started per second per token")
        parser.add_argument("--in-flight-limit", type=int, default=8, help="requests in flight per token")
        parser.add_argument("--log-requests", action="store_true", help="print one line per request")

    def handle(self, *args: Any, **options: Any) -> None:
        config = SandboxConfig(
            host=options["host"],
            port=options["port"],
            data_file=options["data_file"] or Path(settings.VAR_DIR) / "accurate_sandbox.sqlite3",
            client_id=options["client_id"],
            client_secret=options["client_secret"],
            rate_limit=options["rate_limit"],
            in_flight_limit=options["in_flight_limit"],
            latency_ms=options["latency_ms"],
            fail_rate=options["fail_rate"],
            drop_rate=options["drop_rate"],
            quiet=not options["log_requests"],
        )
        serve(config)
