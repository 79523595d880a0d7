"""Re-encrypt every connection's tokens and session under the newest key of ACCURATE_TOKEN_KEYS."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mapping.services.keys import connections_reencrypt


class Command(BaseCommand):
    help = (
        "Re-encrypt every Accurate connection's tokens and session under the newest key of "
        "ACCURATE_TOKEN_KEYS. Run it after putting a new key in front; drop the old key afterwards."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = connections_reencrypt()
        self.stdout.write(f"Re-encrypted the secrets of {count} connection(s) under the newest key.")
