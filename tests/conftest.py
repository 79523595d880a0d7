"""Shared personas and helpers: two stores, each with an owner, a staff member, an outlet and a key.

Tests run on PostgreSQL and Redis (DATABASE_URL and REDIS_URL are set by `make test`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from rest_framework.test import APIClient

from outlets.models import Outlet, Product, Store
from outlets.services.stores import api_key_create, member_create, outlet_create, store_create

# The live Accurate sandbox: one process per session (per xdist worker), reset for each test
# (`sandbox`) or module (`sandbox_module`).
pytest_plugins = ["tests.sandbox_fixture"]


@dataclass
class Tenant:
    store: Store
    owner: User
    staff: User
    outlet: Outlet
    other_outlet: Outlet
    api_key: str
    products: list[Product]

    def api(self) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {self.api_key}")
        return client


def make_tenant(slug: str) -> Tenant:
    store = store_create(name=f"Toko {slug.title()}", slug=slug)
    owner = member_create(store=store, username=f"{slug}-owner", password="pw-owner-123", role="owner")
    staff = member_create(store=store, username=f"{slug}-staff", password="pw-staff-123", role="staff")
    outlet = outlet_create(store=store, code="JKT01", name="Jakarta Pusat")
    other = outlet_create(store=store, code="BALI1", name="Denpasar", time_zone="Asia/Makassar")
    _, raw = api_key_create(store=store, name="POS")
    products = [
        Product.objects.create(
            store=store,
            pos_id=f"P{i}",
            sku=f"SKU-{i}",
            name=f"Kopi {i}",
            price=Decimal("10000") * i,
            cost=Decimal("4000") * i,
        )
        for i in range(1, 4)
    ]
    return Tenant(store, owner.user, staff.user, outlet, other, raw, products)


@pytest.fixture
def tenant(db: Any) -> Tenant:
    return make_tenant("kopi")


@pytest.fixture
def outsider(db: Any) -> Tenant:
    """Another store, with the same outlet codes and product POS ids as `tenant`."""
    return make_tenant("roti")


@pytest.fixture
def order_body() -> Callable[..., dict[str, Any]]:
    """A valid order: 2 × P1 at 10,000 and 1 × P2 at 20,000 less 2,000; tax 3,800; total 41,800."""

    def build(number: str = "ORD-0001", **overrides: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "number": number,
            "ordered_at": "2026-11-20T10:15:00+07:00",
            "lines": [
                {"product": "P1", "quantity": "2", "unit_price": "10000"},
                {"product": "P2", "quantity": "1", "unit_price": "20000", "discount": "2000"},
            ],
            "tax": "3800",
            "total": "41800",
            "payments": [{"method": "cash", "amount": "41800"}],
        }
        body.update(overrides)
        return body

    return build


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    # The personas' passwords are hashed on every test; the real hasher is slow by design.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_unauthenticated_throttle() -> None:
    """The test client calls from 127.0.0.1 in every test, and the cache (Redis) outlives a test:
    calls without a valid key from earlier tests must not count against this one's (the throttle's
    own tests use their own addresses)."""
    cache.delete("throttle_api_unauthenticated_127.0.0.1")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """A test database of this run's own: two runs side by side never drop each other's."""
    import os

    from django.conf import settings

    for alias in settings.DATABASES.values():
        if "postgresql" in alias["ENGINE"]:
            alias.setdefault("TEST", {})["NAME"] = f"test_{alias['NAME']}_{os.getpid()}"
        elif "sqlite" in alias["ENGINE"]:
            # A file, not memory: the end-to-end tests' worker and beat open the same database.
            alias.setdefault("TEST", {})["NAME"] = str(Path(settings.VAR_DIR) / f"test-{os.getpid()}.sqlite3")
