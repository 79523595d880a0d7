"""`manage.py simulate_pos --orders N`: a POS posting realistic sales over the real HTTP API.

It opens a shift, posts the orders in batches to `/orders/batch/`, closes the shift and prints what
the server answered. POS numbers carry a run id, so every run posts new documents.
"""

from __future__ import annotations

import random
import secrets
import time as clock
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import requests
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from outlets import demo, selectors
from outlets.models import Store
from outlets.services.stores import api_key_create, api_key_revoke

OUTCOMES = ("created", "replayed", "conflict", "invalid")
TIMEOUT = (5, 120)  # seconds to connect, seconds to wait for an answer (a batch of 500 included)
OPENING_FLOAT = Decimal(500_000)
SHOWN_PROBLEMS = 5


@dataclass
class Tally:
    outcomes: Counter[str] = field(default_factory=Counter)
    problems: list[dict[str, Any]] = field(default_factory=list)
    cash: Decimal = Decimal(0)
    batches: int = 0


def store_menu(store: Store) -> demo.Menu:
    """The store's active products, as the POS would sell them."""
    products = [
        demo.DemoProduct(
            pos_id=p.pos_id,
            sku=p.sku,
            name=p.name,
            barcode=p.barcode,
            unit=p.unit,
            price=p.price,
            cost=p.cost,
            item_type=p.item_type,
            category=p.category,
        )
        for p in selectors.products_for_store(store).filter(active=True).order_by("pk")
    ]
    if not products:
        raise CommandError(f"Store '{store.slug}' has no active products: run seed_demo or post some.")
    return demo.Menu(products)


class Pos:
    """The HTTP side: one session, a timeout on every call, an error that says what went wrong."""

    def __init__(self, url: str, key: str, outlet: str) -> None:
        self.base = url.rstrip("/") + "/api/v1/"
        self.outlet_url = f"{self.base}outlets/{outlet}/"
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {key}"

    def call(self, method: str, url: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        try:
            response = self.session.request(method, url, json=body, timeout=TIMEOUT)
        except requests.RequestException as error:
            raise CommandError(f"{method} {url} failed: {error}") from error
        if response.status_code >= 400:
            raise CommandError(f"{method} {url} answered {response.status_code}: {response.text[:500]}")
        answer: dict[str, Any] = response.json()
        return answer

    def zone(self, outlet: str) -> ZoneInfo:
        outlets = self.call("GET", self.base + "outlets/")["outlets"]
        for entry in outlets:
            if entry["code"] == outlet:
                return ZoneInfo(entry["time_zone"])
        codes = ", ".join(entry["code"] for entry in outlets)
        raise CommandError(f"The store has no outlet '{outlet}' (it has: {codes}).")


class Command(BaseCommand):
    help = "Post realistic orders to the ingestion API over HTTP, in batches, inside one shift."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--orders", type=int, required=True, help="How many orders to post.")
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="Where the web app runs.")
        parser.add_argument("--store", default="demo", help="The store's slug.")
        parser.add_argument("--outlet", default="JKT01", help="The outlet's code.")
        parser.add_argument("--batch-size", type=int, default=100, help="Orders per request, 1 to 500.")
        parser.add_argument("--api-key", default="", help="The store's key (default: a new one).")
        parser.add_argument("--seed", type=int, default=None, help="Random seed of the order data.")

    def handle(self, *args: Any, **options: Any) -> None:
        count, size = options["orders"], options["batch_size"]
        if count < 1 or not 1 <= size <= 500:
            raise CommandError("--orders must be at least 1 and --batch-size between 1 and 500.")
        store = Store.objects.filter(slug=options["store"]).first()
        if store is None:
            raise CommandError(f"No store with slug '{options['store']}'.")
        menu = store_menu(store)
        run = f"{timezone.now():%y%m%d%H%M%S}-{secrets.token_hex(2)}"
        if options["api_key"]:
            self._simulate(menu, run, options["api_key"], options)
            return
        # A key made here lives for this run only: never printed, revoked at the end.
        made, key = api_key_create(store=store, name=f"simulate_pos {run}")
        try:
            self._simulate(menu, run, key, options)
        finally:
            api_key_revoke(key=made)

    def _simulate(self, menu: demo.Menu, run: str, key: str, options: dict[str, Any]) -> None:
        count, size = options["orders"], options["batch_size"]
        pos = Pos(options["url"], key, options["outlet"])
        zone = pos.zone(options["outlet"])
        shift = f"SIM-{run}"
        rng = random.Random(options["seed"])
        self._open_shift(pos, rng, shift, zone)
        started = clock.monotonic()
        tally = self._post_orders(pos, rng, menu, run=run, shift=shift, zone=zone, count=count, size=size)
        elapsed = clock.monotonic() - started
        closing = demo.shift_close_body(closed_at=datetime.now(zone), closing_cash=OPENING_FLOAT + tally.cash)
        pos.call("POST", f"{pos.outlet_url}shifts/{shift}/close/", closing)
        self._report(tally, options, shift=shift, count=count, elapsed=elapsed)

    def _open_shift(self, pos: Pos, rng: random.Random, shift: str, zone: ZoneInfo) -> None:
        body = demo.shift_open_body(
            number=shift, cashier=demo.cashier(rng), opened_at=datetime.now(zone), opening_float=OPENING_FLOAT
        )
        pos.call("POST", pos.outlet_url + "shifts/", body)

    def _post_orders(
        self,
        pos: Pos,
        rng: random.Random,
        menu: demo.Menu,
        *,
        run: str,
        shift: str,
        zone: ZoneInfo,
        count: int,
        size: int,
    ) -> Tally:
        tally = Tally()
        for start in range(0, count, size):
            # Built just before it is sent, so each sale carries the time it was "rung up".
            now = datetime.now(zone)
            orders = [
                demo.order_body(rng, menu, number=f"SIM-{run}-{n:06d}", ordered_at=now, shift=shift)
                for n in range(start + 1, min(start + size, count) + 1)
            ]
            answer = pos.call("POST", pos.outlet_url + "orders/batch/", {"orders": orders})
            tally.batches += 1
            for result in answer["results"]:
                tally.outcomes[result["outcome"]] += 1
                if result["outcome"] in ("created", "replayed"):
                    tally.cash += demo.cash_paid(orders[result["index"]])
                else:
                    tally.problems.append(result)
        return tally

    def _report(
        self, tally: Tally, options: dict[str, Any], *, shift: str, count: int, elapsed: float
    ) -> None:
        outcomes = ", ".join(f"{name} {tally.outcomes[name]}" for name in OUTCOMES)
        rate = tally.outcomes["created"] / elapsed if elapsed > 0 else 0.0
        self.stdout.write(
            f"Posted {count} orders to {options['url']} (store {options['store']}, outlet "
            f"{options['outlet']}, shift {shift}) in {tally.batches} batches of up to "
            f"{options['batch_size']}: {outcomes}. {elapsed:.2f} s, {rate:.1f} orders/s."
        )
        for problem in tally.problems[:SHOWN_PROBLEMS]:
            self.stderr.write(f"  {problem['number']}: {problem['outcome']}: {problem}")
        if tally.problems:
            raise CommandError(f"{len(tally.problems)} orders were not accepted (see above).")
