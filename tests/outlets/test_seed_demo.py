"""`manage.py seed_demo`: the demo store, its people, outlets, catalogue and a week of documents.

The store is seeded once for the module (in a transaction rolled back at the end); each test runs in
its own savepoint inside it.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q
from django.test import override_settings
from django.utils import timezone

from outlets.models import (
    Adjustment,
    AdjustmentLine,
    ApiKey,
    Deposit,
    Membership,
    Order,
    OrderLine,
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
from sync.models import SyncActivity
from sync.outbox import activities_recent

Kind = SyncActivity.Kind
MODELS = [Store, Membership, Outlet, Product, Shift, Order, OrderLine, Payment, Refund, Transfer]
MODELS += [Adjustment, StockTake, Deposit, Payout, SyncActivity, ApiKey]


# The hasher the conftest sets for every test; seeding happens before it applies.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        out = StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def store(seeded, db) -> Store:
    return Store.objects.get(slug="demo")


def recent_documents(store: Store) -> list:
    """Every outbox row of the demo as the dashboard lists its latest ones."""
    return activities_recent(store, limit=SyncActivity.objects.filter(store=store).count())


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in MODELS}


def test_it_creates_the_demo_store_in_jakarta_time(store, seeded):
    assert (store.name, store.time_zone, store.currency) == ("Kopi Nusantara (demo)", "Asia/Jakarta", "IDR")
    assert seeded.startswith("Seeded the demo store 'Kopi Nusantara (demo)' (slug demo, Asia/Jakarta)")


def test_the_owner_and_the_staff_member_can_log_in_with_their_roles(store):
    owner = authenticate(username="owner", password="accurate-demo")
    staff = authenticate(username="staff", password="accurate-demo")

    assert owner is not None and staff is not None
    assert (owner.membership.store, owner.membership.role, owner.email) == (
        store,
        "owner",
        "owner@kopinusantara.example",
    )
    assert (staff.membership.store, staff.membership.role) == (store, "staff")
    assert authenticate(username="owner", password="wrong") is None


def test_it_creates_three_outlets_with_denpasar_in_wita(store):
    outlets = [(o.code, o.time_zone, o.zone.key) for o in store.outlets.order_by("code")]

    assert outlets == [
        ("BDG01", "", "Asia/Jakarta"),
        ("DPS01", "Asia/Makassar", "Asia/Makassar"),
        ("JKT01", "", "Asia/Jakarta"),
    ]


def test_it_creates_200_products_four_without_sku_and_one_sku_on_two(store):
    products = Product.objects.filter(store=store)
    shared = products.exclude(sku="").values("sku").annotate(n=Count("pk")).filter(n__gt=1)

    assert products.count() == 200
    assert products.filter(sku="").count() == 4
    assert [row["n"] for row in shared] == [2]
    assert set(products.values_list("unit", flat=True)) == {"PCS", "CUP", "KG"}
    stocked = products.filter(item_type="inventory")
    assert stocked.filter(stock__isnull=True).count() == 0
    assert {s.outlet.code for p in stocked[:1] for s in p.stock.select_related("outlet")} == {
        "BDG01",
        "DPS01",
        "JKT01",
    }


def test_every_outlet_sells_on_each_of_the_seven_days_before_today(store):
    today = timezone.now().astimezone(ZoneInfo("Asia/Jakarta")).date()
    week = [today - timedelta(days=n) for n in range(7, 0, -1)]
    for outlet in store.outlets.all():
        per_day = Counter(
            at.astimezone(outlet.zone).date()
            for at in Order.objects.filter(outlet=outlet).values_list("ordered_at", flat=True)
        )
        assert sorted(per_day) == week, outlet.code
        assert all(30 <= n <= 60 for n in per_day.values()), (outlet.code, per_day)


def test_every_outlet_opens_and_closes_one_shift_a_day_around_its_sales(store):
    for outlet in store.outlets.all():
        shifts = Shift.objects.filter(outlet=outlet)
        assert shifts.count() == 7
        for shift in shifts:
            times = shift.orders.values_list("ordered_at", flat=True)
            assert shift.closed_at is not None, shift.number
            assert shift.opened_at <= min(times) and max(times) <= shift.closed_at


def test_payments_mix_every_method_iseller_pay_included_and_some_are_split(store):
    payments = Payment.objects.filter(order__outlet__store=store)
    methods = set(payments.values_list("method", flat=True))
    split = Order.objects.filter(outlet__store=store).annotate(n=Count("payments")).filter(n=2)

    assert "iseller_pay" in methods
    assert methods == {
        "cash",
        "qris",
        "iseller_pay",
        "e_wallet",
        "debit_card",
        "credit_card",
        "bank_transfer",
    }
    assert split.exists()


def test_it_records_refunds_voids_transfers_adjustments_a_stock_take_and_deposits(store):
    in_store = Q(outlet__store=store)
    transfers = Transfer.objects.filter(in_store)
    lines = AdjustmentLine.objects.filter(adjustment__outlet__store=store)

    assert Refund.objects.filter(in_store).count() == 6
    assert Order.objects.filter(in_store, status="void").count() == 6
    assert (transfers.count(), transfers.filter(received_at__isnull=True).count()) == (7, 2)
    assert Adjustment.objects.filter(in_store).count() == 6
    assert (lines.filter(quantity__gt=0).exists(), lines.filter(quantity__lt=0).exists()) == (True, True)
    assert list(StockTake.objects.filter(in_store).values_list("outlet__code", flat=True)) == ["JKT01"]
    kinds = Counter(Deposit.objects.filter(in_store).values_list("kind", flat=True))
    assert kinds == {"customer_deposit": 3, "cash_in": 3}


def test_every_completed_order_has_exactly_one_pending_order_activity(store):
    completed = Order.objects.filter(outlet__store=store, status="completed")
    rows = completed.annotate(
        pending=Count(
            "syncactivity", filter=Q(syncactivity__kind=Kind.ORDER, syncactivity__status="pending")
        ),
        rows=Count("syncactivity"),
    )

    assert completed.count() > 600
    assert set(rows.values_list("pending", "rows")) == {(1, 1)}


def test_void_orders_have_no_open_activity_only_a_cancelled_one(store):
    void = Order.objects.filter(outlet__store=store, status="void")
    activities = SyncActivity.objects.filter(order__in=void)

    assert activities.filter(status__in=SyncActivity.OPEN_STATUSES).count() == 0
    assert Counter(activities.values_list("kind", "status")) == {("order", "cancelled"): 6}


def test_every_other_document_has_its_pending_outbox_row(store):
    other = SyncActivity.objects.filter(store=store).exclude(kind=Kind.ORDER)

    assert Counter(other.values_list("kind", "status")) == {
        ("refund", "pending"): 6,
        ("transfer_out", "pending"): 7,
        ("transfer_in", "pending"): 5,
        ("adjustment", "pending"): 6,
        ("stock_take", "pending"): 1,
        ("deposit", "pending"): 6,
        ("payout", "pending"): 6,
    }


def test_the_dashboard_dates_each_row_by_its_documents_day_across_the_week_not_by_the_seeding(store):
    jakarta = ZoneInfo("Asia/Jakarta")
    today = timezone.now().astimezone(jakarta).date()
    week = [today - timedelta(days=n) for n in range(7, 0, -1)]
    days: dict[str, set] = {}
    for row in recent_documents(store):
        days.setdefault(row.activity.kind, set()).add(row.happened_at.astimezone(jakarta).date())

    assert days == {
        "order": set(week),
        "refund": {week[2], week[5]},
        "transfer_out": set(week),
        "transfer_in": set(week[1:6]),  # each received the day after it was sent; two still on the road
        "adjustment": {week[1], week[4]},
        "stock_take": {week[6]},
        "deposit": {week[0], week[3]},
        "payout": {week[3], week[6]},
    }


def test_isellerpay_pays_out_twice_per_outlet_what_it_collected_less_the_mdr_fee(store):
    """The days 0–2 and 3–5 of the week are paid out on days 3 and 6; the last day's takings wait."""
    week = sorted(
        {shift.opened_at.astimezone(ZoneInfo("Asia/Jakarta")).date() for shift in Shift.objects.all()}
    )
    for outlet in store.outlets.all():
        payouts = list(Payout.objects.filter(outlet=outlet).order_by("paid_at"))
        assert [(p.period_start, p.period_end) for p in payouts] == [(week[0], week[2]), (week[3], week[5])]
        for payout in payouts:
            start, end = payout.period_start, payout.period_end
            assert start is not None and end is not None
            assert payout.paid_at.astimezone(outlet.zone).date() == end + timedelta(days=1)
            assert payout.gross == isellerpay_takings(outlet, start, end), payout.number
            assert payout.fee == (payout.gross * Decimal("0.007")).quantize(Decimal(1), ROUND_HALF_UP)
            assert payout.net == payout.gross - payout.fee


def isellerpay_takings(outlet, start, end) -> Decimal:
    """iSellerPay payments of the completed sales of those local days, less iSellerPay refunds."""

    def local_day(moment):
        return moment.astimezone(outlet.zone).date()

    paid = sum(
        (
            p.amount
            for p in Payment.objects.filter(
                order__outlet=outlet, order__status="completed", method="iseller_pay"
            ).select_related("order")
            if start <= local_day(p.order.ordered_at) <= end
        ),
        Decimal(0),
    )
    refunds = Refund.objects.filter(outlet=outlet, refund_method="iseller_pay")
    return paid - sum((r.total for r in refunds if start <= local_day(r.refunded_at) <= end), Decimal(0))


def test_running_it_again_changes_nothing(store):
    before = counts()
    out = StringIO()

    call_command("seed_demo", stdout=out)

    assert counts() == before
    assert out.getvalue() == (
        "The demo store 'demo' is already seeded; nothing changed (--reset rebuilds it).\n"
    )


def test_reset_builds_the_same_store_again(store):
    before = counts()
    old_ids = set(Order.objects.values_list("pk", flat=True))

    call_command("seed_demo", "--reset", stdout=StringIO())

    assert counts() == before
    assert old_ids.isdisjoint(Order.objects.values_list("pk", flat=True))
    assert authenticate(username="owner", password="accurate-demo") is not None
