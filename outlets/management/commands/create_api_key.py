"""`manage.py create_api_key --store <slug>`: a new ingestion API key, printed once on stdout."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from outlets.models import Store
from outlets.services.stores import api_key_create


class Command(BaseCommand):
    help = "Create an API key for a store and print it. Only its hash is kept: store it now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--store", required=True, help="The store's slug, e.g. demo.")
        parser.add_argument("--name", default="POS", help="What the key is for (shown in the list).")

    def handle(self, *args: Any, **options: Any) -> None:
        store = Store.objects.filter(slug=options["store"]).first()
        if store is None:
            raise CommandError(f"No store with slug '{options['store']}'.")
        _, raw = api_key_create(store=store, name=options["name"])
        # The raw key alone on stdout, so that `KEY=$(manage.py create_api_key …)` works.
        self.stdout.write(raw)
