"""`manage.py seed_demo`: the demo store "Kopi Nusantara (demo)" with the last week of POS documents.

Every document goes through the service the ingestion API calls, with a body the API's serializer
validated, so each one gets its outbox row exactly as if the POS had posted it. Seeding happens once:
a second run changes nothing (`--reset` deletes the demo store and builds it again).
"""

from __future__ import annotations

import random
import time as clock
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone
from rest_framework import serializers

from outlets import demo
from outlets.api import serializers as api_serializers
from outlets.models import (
    Adjustment,
    Deposit,
    Membership,
    Order,
    Outlet,
    Payment,
    Payout,
    Product,
    Refund,
    Shift,
    StockTake,
    Store,
    Transfer,
)
from outlets.services.deposits import deposit_create
from outlets.services.documents import Ingested
from outlets.services.orders import order_void, orders_ingest
from outlets.services.payouts import payout_create
from outlets.services.products import products_upsert
from outlets.services.refunds import refund_create
from outlets.services.shifts import shift_close, shift_open
from outlets.services.stock import adjustment_create, stock_take_create, transfer_receive, transfer_send
from outlets.services.stores import member_create, outlet_create, store_create
from sync.outbox import activities_pending_count

DEMO_SLUG = "demo"
DEMO_NAME = "Kopi Nusantara (demo)"
DEMO_ZONE = "Asia/Jakarta"
DEMO_PASSWORD = "accurate-demo"
DEMO_USERS = [("owner", Membership.Role.OWNER), ("staff", Membership.Role.STAFF)]
DEMO_OUTLETS = [
    ("JKT01", "Jakarta", ""),  # the store's zone, WIB
    ("BDG01", "Bandung", ""),
    ("DPS01", "Denpasar", "Asia/Makassar"),  # WITA: its accounting day starts an hour earlier
]
DAYS = 7
ORDERS_PER_DAY = (30, 60)
OPENING_FLOAT = Decimal(500_000)
# Which of the 7 days (0 = the oldest) get the rarer documents, at every outlet.
VOID_DAYS = (1, 4)
REFUND_DAYS = (2, 5)
DEPOSIT_DAYS = {0: "cash_in", 3: "customer_deposit"}
ADJUSTMENT_DAYS = {1: False, 4: True}  # day → whether it also puts stock back in
# Day of an iSellerPay payout → the days whose iSellerPay takings it pays out; the last day's
# takings wait in the clearing account for the next payout.
PAYOUT_DAYS = {3: (0, 2), 6: (3, 5)}
PAYOUT_AT = time(10, 0)
TRANSFERS_IN_TRANSIT = 2  # the transfers of the last two days are not received yet

Service = Callable[..., Ingested[Any]]


def validated(serializer_class: type[serializers.Serializer], body: dict[str, Any]) -> dict[str, Any]:
    """The body as the API view would hand it to the service; a bad body is a bug in the generator."""
    serializer = serializer_class(data=body)
    if not serializer.is_valid():
        raise CommandError(f"The demo data is not valid ({serializer_class.__name__}): {serializer.errors}")
    return dict(serializer.validated_data)


def local(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone)


class Command(BaseCommand):
    help = "Create the demo store with users, outlets, products and a week of POS documents (once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="Delete the demo store and rebuild it.")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed of the demo data.")

    def handle(self, *args: Any, **options: Any) -> None:
        existing = Store.objects.filter(slug=DEMO_SLUG).first()
        if existing is not None and not options["reset"]:
            self.stdout.write(
                f"The demo store '{DEMO_SLUG}' is already seeded; nothing changed (--reset rebuilds it)."
            )
            return
        started = clock.monotonic()
        today = timezone.now().astimezone(ZoneInfo(DEMO_ZONE)).date()
        days = [today - timedelta(days=n) for n in range(DAYS, 0, -1)]
        # One transaction: a failure half-way leaves no half-seeded store that blocks the next run.
        with transaction.atomic():
            if existing is not None:
                _delete(existing)
            store = DemoBuilder(random.Random(options["seed"]), days).build()
        self.stdout.write(summary(store, days, clock.monotonic() - started))


def _delete(store: Store) -> None:
    """Delete the demo store with everything in it, and its users."""
    user_ids = list(Membership.objects.filter(store=store).values_list("user_id", flat=True))
    store.delete()
    User.objects.filter(pk__in=user_ids).delete()


class DemoBuilder:
    """Builds the store day by day, in the order the POS would have posted things."""

    def __init__(self, rng: random.Random, days: list[date]) -> None:
        self.rng = rng
        self.days = days
        self.menu = demo.Menu([])
        self.outlets: list[Outlet] = []
        # Outlet code → what iSellerPay collected each day, less what it paid back.
        self.iseller_pay: dict[str, list[Decimal]] = {}

    def build(self) -> Store:
        store = store_create(name=DEMO_NAME, slug=DEMO_SLUG, time_zone=DEMO_ZONE)
        for username, role in DEMO_USERS:
            if User.objects.filter(username=username).exists():
                raise CommandError(f"A user '{username}' exists outside the demo store; remove it first.")
            member_create(
                store=store,
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                email=f"{username}@kopinusantara.example",
            )
        self.outlets = [
            outlet_create(store=store, code=code, name=f"Kopi Nusantara {name}", time_zone=zone)
            for code, name, zone in DEMO_OUTLETS
        ]
        self._products(store)
        for index, day in enumerate(self.days):
            for outlet in self.outlets:
                self._outlet_day(outlet, index, day)
            self._transfer(index, day)
        self._stock_take(self.outlets[0], self.days[-1])
        return store

    def _products(self, store: Store) -> None:
        products = demo.catalogue(self.rng)
        codes = [outlet.code for outlet in self.outlets]
        bodies = [demo.product_body(self.rng, product, codes) for product in products]
        data = validated(api_serializers.ProductUpsertSerializer, {"products": bodies})
        products_upsert(store=store, items=data["products"])
        self.menu = demo.Menu(products)

    def _ingest(
        self, service: Service, serializer: type[serializers.Serializer], outlet: Outlet, body: dict[str, Any]
    ) -> None:
        service(outlet=outlet, data=validated(serializer, body))

    def _outlet_day(self, outlet: Outlet, index: int, day: date) -> None:
        """One shift with its sales, and the day's rarer documents; the drawer counted at close."""
        zone, stamp = outlet.zone, day.strftime("%y%m%d")
        shift = f"{outlet.code}-SH-{stamp}"
        opening = demo.shift_open_body(
            number=shift,
            cashier=demo.cashier(self.rng),
            opened_at=local(day, time(6, 45), zone),
            opening_float=OPENING_FLOAT,
        )
        self._ingest(shift_open, api_serializers.ShiftOpenSerializer, outlet, opening)
        times = demo.day_times(self.rng, day, zone, self.rng.randint(*ORDERS_PER_DAY))
        orders = [
            demo.order_body(
                self.rng, self.menu, number=f"{outlet.code}-{stamp}-{n:04d}", ordered_at=at, shift=shift
            )
            for n, at in enumerate(times, start=1)
        ]
        self._orders(outlet, orders)
        cash = OPENING_FLOAT + sum((demo.cash_paid(order) for order in orders), Decimal(0))
        taken = sum((demo.paid_by(order, demo.ISELLER_PAY) for order in orders), Decimal(0))
        voided, refunded = self.rng.sample(orders, 2)
        if index in VOID_DAYS:
            cash -= self._void(outlet, voided)
            taken -= demo.paid_by(voided, demo.ISELLER_PAY)
        if index in REFUND_DAYS:
            refund = self._refund(outlet, refunded, f"{outlet.code}-RF-{stamp}")
            cash -= demo.paid_by(refund, "cash")
            taken -= demo.paid_by(refund, demo.ISELLER_PAY)
        self.iseller_pay.setdefault(outlet.code, []).append(taken)
        if index in PAYOUT_DAYS:
            self._payout(outlet, day, *PAYOUT_DAYS[index])
        if index in DEPOSIT_DAYS:
            cash += self._deposit(outlet, DEPOSIT_DAYS[index], day, f"{outlet.code}-DP-{stamp}")
        if index in ADJUSTMENT_DAYS:
            self._adjustment(outlet, day, f"{outlet.code}-ADJ-{stamp}", stock_in=ADJUSTMENT_DAYS[index])
        closing = validated(
            api_serializers.ShiftCloseSerializer,
            demo.shift_close_body(closed_at=local(day, time(22, 0), zone), closing_cash=cash),
        )
        shift_close(outlet=outlet, number=shift, **closing)

    def _orders(self, outlet: Outlet, bodies: list[dict[str, Any]]) -> None:
        # One batch per shift, as the batch endpoint does it: a fixed number of queries per batch.
        parser = (
            api_serializers.OrderSerializer()
        )  # one instance for the batch: DRF copies its fields per instance
        try:
            items = [(index, parser.run_validation(body)) for index, body in enumerate(bodies)]
        except serializers.ValidationError as error:
            raise CommandError(f"The demo data is not valid (OrderSerializer): {error.detail}") from error
        for result in orders_ingest(outlet=outlet, items=items):
            if result.outcome != "created":
                raise CommandError(
                    f"Demo order {result.number} was {result.outcome}: {result.message} {result.errors}"
                )

    def _void(self, outlet: Outlet, order: dict[str, Any]) -> Decimal:
        """Void a sale a few minutes after it was rung up; returns the cash handed back."""
        voided_at = datetime.fromisoformat(order["ordered_at"]) + timedelta(minutes=3)
        data = validated(api_serializers.VoidSerializer, {"voided_at": demo.iso(voided_at)})
        order_void(outlet=outlet, number=order["number"], voided_at=data["voided_at"])
        return demo.cash_paid(order)

    def _refund(self, outlet: Outlet, order: dict[str, Any], number: str) -> dict[str, Any]:
        """Take one item back, paid back by the sale's first method; returns the refund's body."""
        refunded_at = datetime.fromisoformat(order["ordered_at"]) + timedelta(minutes=10)
        body = demo.refund_body(self.rng, number=number, order=order, refunded_at=refunded_at)
        self._ingest(refund_create, api_serializers.RefundSerializer, outlet, body)
        return body

    def _payout(self, outlet: Outlet, day: date, first: int, last: int) -> None:
        """iSellerPay pays out the takings of days `first` to `last` (indexes), less its MDR fee."""
        gross = sum(self.iseller_pay[outlet.code][first : last + 1], Decimal(0))
        if gross <= 0:
            return
        stamp = day.strftime("%y%m%d")
        body = demo.payout_body(
            number=f"{outlet.code}-PO-{stamp}",
            paid_at=local(day, PAYOUT_AT, outlet.zone),
            gross=gross,
            period_start=self.days[first],
            period_end=self.days[last],
            reference=f"ISP-{outlet.code}-{stamp}",
        )
        self._ingest(payout_create, api_serializers.PayoutSerializer, outlet, body)

    def _deposit(self, outlet: Outlet, kind: str, day: date, number: str) -> Decimal:
        """Money in outside a sale; returns what went into the drawer."""
        received_at = local(day, time(7, 5) if kind == "cash_in" else time(15, 0), outlet.zone)
        body = demo.deposit_body(self.rng, number=number, kind=kind, received_at=received_at)
        self._ingest(deposit_create, api_serializers.DepositSerializer, outlet, body)
        return Decimal(body["amount"]) if body["payment_method"] == "cash" else Decimal(0)

    def _adjustment(self, outlet: Outlet, day: date, number: str, *, stock_in: bool) -> None:
        body = demo.adjustment_body(
            self.rng,
            self.menu,
            number=number,
            adjusted_at=local(day, time(21, 50), outlet.zone),
            stock_in=stock_in,
        )
        self._ingest(adjustment_create, api_serializers.AdjustmentSerializer, outlet, body)

    def _transfer(self, index: int, day: date) -> None:
        """One transfer a day round the outlets; the last ones are still on the road."""
        source = self.outlets[index % len(self.outlets)]
        target = self.outlets[(index + 1) % len(self.outlets)]
        number = f"{source.code}-TR-{day.strftime('%y%m%d')}"
        body = demo.transfer_body(
            self.rng,
            self.menu,
            number=number,
            to_outlet=target.code,
            sent_at=local(day, time(9, 30), source.zone),
        )
        self._ingest(transfer_send, api_serializers.TransferSerializer, source, body)
        if index < len(self.days) - TRANSFERS_IN_TRANSIT:
            received = validated(
                api_serializers.ReceiveSerializer,
                {"received_at": demo.iso(local(day + timedelta(days=1), time(10, 0), target.zone))},
            )
            transfer_receive(outlet=source, number=number, **received)

    def _stock_take(self, outlet: Outlet, day: date) -> None:
        body = demo.stock_take_body(
            self.rng,
            self.menu,
            number=f"{outlet.code}-ST-{day.strftime('%y%m%d')}",
            counted_at=local(day, time(22, 15), outlet.zone),
        )
        self._ingest(stock_take_create, api_serializers.StockTakeSerializer, outlet, body)


def summary(store: Store, days: list[date], seconds: float) -> str:
    """What was created, counted back from the database."""
    outlets = store.outlets.order_by("pk")
    orders = Order.objects.filter(outlet__store=store)
    in_store: dict[str, QuerySet[Any]] = {
        name: model._default_manager.filter(outlet__store=store)
        for name, model in [
            ("shifts", Shift),
            ("refunds", Refund),
            ("adjustments", Adjustment),
            ("stock takes", StockTake),
        ]
    }
    transfers = Transfer.objects.filter(outlet__store=store)
    deposits = Deposit.objects.filter(outlet__store=store)
    payouts = Payout.objects.filter(outlet__store=store)
    paid_out = payouts.aggregate(gross=Sum("gross", default=Decimal(0)), fee=Sum("fee", default=Decimal(0)))
    products = Product.objects.filter(store=store)
    shared = products.exclude(sku="").values("sku").annotate(n=Count("pk")).filter(n__gt=1)
    methods = Payment.objects.filter(order__outlet__store=store).values_list("method").annotate(n=Count("pk"))
    pending = activities_pending_count(store)
    users = ", ".join(
        f"{m.user.username} ({m.role})" for m in store.memberships.select_related("user").order_by("pk")
    )
    lines = [
        f"Seeded the demo store '{store.name}' (slug {store.slug}, {store.time_zone}) "
        f"in {seconds:.1f} s, {days[0]} to {days[-1]}:",
        f"  users        {users}; password '{DEMO_PASSWORD}'",
        "  outlets      "
        + ", ".join(f"{o.code} {o.name} ({o.time_zone or store.time_zone})" for o in outlets),
        f"  products     {products.count()} ({products.filter(sku='').count()} without SKU, "
        f"{len(shared)} SKU shared: {', '.join(row['sku'] for row in shared)})",
        f"  orders       {orders.count()} ({orders.filter(status=Order.Status.VOID).count()} void); "
        "payments: " + ", ".join(f"{method} {n}" for method, n in sorted(methods)),
        f"  transfers    {transfers.count()} "
        f"({transfers.filter(received_at__isnull=True).count()} in transit)",
        f"  deposits     {deposits.count()} "
        f"({deposits.filter(kind=Deposit.Kind.CUSTOMER_DEPOSIT).count()} customer deposits)",
        f"  payouts      {payouts.count()} iSellerPay (Rp {paid_out['gross']:,.0f} collected, "
        f"Rp {paid_out['fee']:,.0f} MDR fee)",
        *(f"  {name:<12} {queryset.count()}" for name, queryset in in_store.items()),
        f"  outbox       {pending} Pending sync activities",
        f"Create an API key for the POS: manage.py create_api_key --store {store.slug}",
    ]
    return "\n".join(lines)
