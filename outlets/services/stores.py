"""Stores, their members and their API keys."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, User
from django.db import transaction
from django.utils import timezone

from outlets.models import ApiKey, Membership, Outlet, Store
from outlets.models.stores import api_key_generate, api_key_hash


def store_create(*, name: str, slug: str, time_zone: str = "Asia/Jakarta") -> Store:
    return Store.objects.create(name=name, slug=slug, time_zone=time_zone)


def member_create(*, store: Store, username: str, password: str, role: str, email: str = "") -> Membership:
    """A new user who belongs to `store` as owner or staff."""
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password, email=email)
        return Membership.objects.create(user=user, store=store, role=role)


def outlet_create(*, store: Store, code: str, name: str, time_zone: str = "") -> Outlet:
    return Outlet.objects.create(store=store, code=code, name=name, time_zone=time_zone)


def api_key_create(
    *, store: Store, name: str, created_by: AbstractBaseUser | None = None
) -> tuple[ApiKey, str]:
    """Create a key and return it with the raw key, which is never stored and shown only once."""
    raw = api_key_generate()
    key = ApiKey.objects.create(
        store=store,
        name=name,
        prefix=raw[:10],
        key_hash=api_key_hash(raw),
        created_by=created_by if isinstance(created_by, User) else None,
    )
    return key, raw


def api_key_revoke(*, key: ApiKey) -> None:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
