"""`manage.py simulate_pos`: realistic orders posted over real HTTP to a live server."""

from __future__ import annotations

import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from outlets.models import ApiKey, Order, Payment, Shift
from outlets.models.stores import api_key_hash
from sync.models import SyncActivity

SUMMARY = re.compile(
    r"^Posted 25 orders to (?P<url>\S+) \(store kopi, outlet JKT01, shift (?P<shift>SIM-\S+)\) in 3 "
    r"batches of up to 10: created 25, replayed 0, conflict 0, invalid 0\. [\d.]+ s, [\d.]+ orders/s\.\n$"
)


def simulate(live_server, *extra: str) -> str:
    out = StringIO()
    call_command(
        "simulate_pos",
        "--orders=25",
        f"--url={live_server.url}",
        "--store=kopi",
        "--outlet=JKT01",
        "--batch-size=10",
        *extra,
        stdout=out,
    )
    return out.getvalue()


def test_it_posts_the_orders_in_one_closed_shift_each_with_its_outbox_row(live_server, tenant):
    output = simulate(live_server)

    match = SUMMARY.match(output)
    assert match, output
    assert match["url"] == live_server.url
    shift = Shift.objects.get(outlet=tenant.outlet, number=match["shift"])
    assert shift.closed_at is not None and shift.closed_at >= shift.opened_at
    orders = Order.objects.filter(outlet=tenant.outlet)
    assert orders.count() == 25
    assert set(orders.values_list("shift", "status")) == {(shift.pk, "completed")}
    numbers = sorted(orders.values_list("number", flat=True))
    assert numbers == [f"{match['shift']}-{n:06d}" for n in range(1, 26)]
    for order in orders:
        paid = Payment.objects.filter(order=order).values_list("method", "amount")
        posted = order.payload["payments"]
        assert [(m, format(a.normalize(), "f")) for m, a in paid] == [
            (p["method"], p["amount"]) for p in posted
        ]
        assert sum(a for _, a in paid) == order.total
    activities = SyncActivity.objects.filter(order__in=orders)
    assert Counter(activities.values_list("kind", "status")) == {("order", "pending"): 25}
    assert activities.values("order").distinct().count() == 25


def test_it_makes_a_key_for_the_run_never_prints_it_and_revokes_it(live_server, tenant):
    keys = set(ApiKey.objects.values_list("pk", flat=True))

    output = simulate(live_server)

    [made] = ApiKey.objects.exclude(pk__in=keys)
    assert made.store == tenant.store and made.name.startswith("simulate_pos ")
    assert made.revoked_at is not None and made.last_used_at is not None
    assert "isk_" not in output and made.prefix not in output


def test_a_given_key_is_used_and_no_key_is_made(live_server, tenant):
    keys = ApiKey.objects.count()

    simulate(live_server, f"--api-key={tenant.api_key}")

    assert ApiKey.objects.count() == keys
    assert ApiKey.objects.get(key_hash=api_key_hash(tenant.api_key)).revoked_at is None
    assert Order.objects.filter(outlet=tenant.outlet).count() == 25


def test_every_run_posts_new_numbers(live_server, tenant):
    simulate(live_server)
    simulate(live_server)

    assert Order.objects.filter(outlet=tenant.outlet).count() == 50
    assert Shift.objects.filter(outlet=tenant.outlet).count() == 2
    assert SyncActivity.objects.filter(kind="order", status="pending").count() == 50


def test_an_unknown_outlet_is_an_error_naming_the_ones_there_are(live_server, tenant):
    with pytest.raises(CommandError, match=r"^The store has no outlet 'NOPE' \(it has: BALI1, JKT01\)\.$"):
        call_command(
            "simulate_pos", "--orders=1", f"--url={live_server.url}", "--store=kopi", "--outlet=NOPE"
        )

    assert Order.objects.count() == 0
