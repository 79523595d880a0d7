"""API throttles: per API key, and per address for calls without a valid key; 429 with Retry-After."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from outlets.models import ApiKey

pytestmark = pytest.mark.django_db


def test_bad_keys_from_one_address_are_throttled_after_the_unauthenticated_rate(tenant, settings):
    address = "10.20.30.40"
    cache.delete(f"throttle_api_unauthenticated_{address}")
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION="Bearer isk_not-a-key")

    statuses = [client.get("/api/v1/outlets/").status_code for _ in range(65)]

    assert statuses == [401] * 60 + [429] * 5
    refused = client.get("/api/v1/outlets/")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused.json()["error"] == "throttled"
    # Without any key counts on the same address; another address is not affected.
    assert APIClient(REMOTE_ADDR=address).get("/api/v1/outlets/").status_code == 429
    other = APIClient(REMOTE_ADDR="10.20.30.41")
    other.credentials(HTTP_AUTHORIZATION="Bearer isk_not-a-key")
    assert other.get("/api/v1/outlets/").status_code == 401
    # A valid key from the throttled address still works: keys have their own rate.
    assert tenant.api().get("/api/v1/outlets/", REMOTE_ADDR=address).status_code == 200


def test_a_key_is_throttled_beyond_its_rate_and_other_keys_are_not(tenant, outsider, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "api_key": "3/min"},
    }
    api = tenant.api()
    key_pk = ApiKey.objects.get(store=tenant.store).pk
    cache.delete(f"throttle_api_key_{key_pk}")  # Redis outlives the test database between runs

    statuses = [api.get("/api/v1/outlets/").status_code for _ in range(5)]

    assert statuses == [200, 200, 200, 429, 429]
    assert 0 < int(api.get("/api/v1/outlets/")["Retry-After"]) <= 60
    assert outsider.api().get("/api/v1/outlets/").status_code == 200


def test_the_default_key_rate_leaves_room_for_a_busy_pos(settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert rates == {"api_key": "1200/min", "api_unauthenticated": "60/min"}
