"""`manage.py create_api_key`: prints a new key once; only its hash is stored."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from outlets.models import ApiKey
from outlets.models.stores import api_key_hash


def bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.mark.django_db
def test_it_prints_only_a_key_that_authenticates_for_the_store(tenant):
    out = StringIO()

    call_command("create_api_key", "--store", "kopi", stdout=out)

    raw = out.getvalue().removesuffix("\n")
    assert raw.startswith("isk_") and len(raw) == 47 and "\n" not in raw
    key = ApiKey.objects.get(key_hash=api_key_hash(raw))
    assert (key.store, key.name, key.prefix, key.created_by) == (tenant.store, "POS", raw[:10], None)
    response = bearer(raw).get("/api/v1/outlets/")
    assert response.status_code == 200
    assert [o["code"] for o in response.json()["outlets"]] == ["BALI1", "JKT01"]


@pytest.mark.django_db
def test_it_names_the_key(tenant):
    out = StringIO()

    call_command("create_api_key", "--store", "kopi", "--name", "Kasir 2", stdout=out)

    assert ApiKey.objects.get(key_hash=api_key_hash(out.getvalue().strip())).name == "Kasir 2"


@pytest.mark.django_db
def test_an_unknown_store_is_an_error_naming_it_and_creates_no_key(tenant):
    keys = ApiKey.objects.count()

    with pytest.raises(CommandError, match=r"^No store with slug 'nope'\.$"):
        call_command("create_api_key", "--store", "nope", stdout=StringIO())

    assert ApiKey.objects.count() == keys
