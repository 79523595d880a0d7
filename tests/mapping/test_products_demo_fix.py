"""The demo store's SKU problems fixed on the pages alone, as a newcomer on `make run` would: the owner
reads the problems page, fixes every product through its forms, and Push products is then allowed.

The demo is seeded once for the module (in a transaction rolled back at the end), as in
tests/outlets/test_seed_demo.py.
"""

from __future__ import annotations

import re
from io import StringIO
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from mapping.models import AddOn
from mapping.products.checks import SkuCounts, sku_problem_counts
from mapping.services.connection import database_choose
from outlets.demo import PRODUCTS_WITHOUT_SKU
from outlets.models import Product, Store
from sync.models import ProductPush
from tests.mapping.conftest import DB_ID, authorize, callback

PROBLEMS = "/apps/accurate/products/problems/"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        call_command("seed_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db) -> Store:
    return Store.objects.get(slug="demo")


def rows(html: str, group: str) -> list[dict[str, str]]:
    """Each product row of a group on the problems page: its POS id and the forms' addresses."""
    if f'data-testid="group-{group}"' not in html:
        return []
    section = html.split(f'data-testid="group-{group}"', 1)[1].split("</section>", 1)[0]
    found = []
    for row in section.split("<tr data-pos-id=")[1:]:
        actions = dict(
            re.findall(r'<form method="post" action="([^"]+)" class="inline" data-testid="([a-z-]+)"', row)
        )
        found.append({"pos_id": row.split('"')[1], **{testid: url for url, testid in actions.items()}})
    return found


def test_the_owner_fixes_every_demo_sku_on_the_page_and_may_then_push(
    demo, client, accurate_at, django_capture_on_commit_callbacks
):
    owner = User.objects.get(username="owner")
    client.force_login(owner)
    assert client.post("/apps/accurate/activate/").status_code == 302
    assert AddOn.objects.filter(store=demo).exists()
    assert sku_problem_counts(demo) == SkuCounts(no_sku=PRODUCTS_WITHOUT_SKU, duplicate=2, too_long=0)

    html = client.get(PROBLEMS).content.decode()
    missing, shared = rows(html, "no_sku"), rows(html, "duplicate")
    assert (len(missing), len(shared)) == (PRODUCTS_WITHOUT_SKU, 2)
    said = []
    for row in missing:
        answer = client.post(row["sku-form"], {"sku": f"FIX-{row['pos_id']}"}, follow=True)
        said += [str(m) for m in answer.context["messages"]][:1]
    answer = client.post(shared[0]["sku-keep-form"], follow=True)
    said += [str(m) for m in answer.context["messages"]][:1]

    first, second = (Product.objects.get(store=demo, pos_id=row["pos_id"]) for row in shared)
    names = {
        p.pos_id: p.name
        for p in Product.objects.filter(store=demo, pos_id__in=[r["pos_id"] for r in missing])
    }
    assert said == [
        f"“{names[row['pos_id']]}” (POS id {row['pos_id']}) now has the SKU FIX-{row['pos_id']}; it had none."
        for row in missing
    ] + [f"The SKU of “{second.name}” (POS id {second.pos_id}) changed from {first.sku} to {first.sku}-2."]
    assert second.sku == f"{first.sku}-2"
    assert 'data-testid="no-problems"' in answer.content.decode()
    assert sku_problem_counts(demo) == SkuCounts(no_sku=0, duplicate=0, too_long=0)

    # Push products is offered, and a push starts once the store is connected.
    panel = client.get("/apps/accurate/").content.decode()
    assert '<p data-testid="push-products"><a href="/apps/accurate/products/push/">Push products</a>' in panel
    session = SessionStore()
    database_choose(
        connection=callback(
            SimpleNamespace(store=demo, owner=owner), session, authorize(accurate_at, session, demo)
        ),
        database_id=DB_ID,
    )
    with django_capture_on_commit_callbacks():
        answer = client.post("/apps/accurate/products/push/start/", follow=True)
    active = Product.objects.filter(store=demo, active=True).count()
    assert [str(m) for m in answer.context["messages"]] == [
        f"Pushing {active} products to Accurate in the background."
    ]
    assert ProductPush.objects.get(store=demo).products_total == active
