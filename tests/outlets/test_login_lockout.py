"""Wrong passwords lock the log-in out (django-axes): per account and per address, for a while, with
a message on the log-in page that says when to try again, in English and Bahasa Indonesia."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client

from outlets.login_lockout import client_ip

pytestmark = pytest.mark.django_db

OWNER = "kopi-owner"
RIGHT = "pw-owner-123"


def post_login(client: Client, username: str, password: str, address: str = "10.0.0.1") -> Any:
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client: Client, times: int, username: str = OWNER, address: str = "10.0.0.1") -> list[int]:
    return [post_login(client, username, "wrong-password", address).status_code for _ in range(times)]


def test_five_wrong_passwords_lock_the_account_out_with_when_to_try_again(tenant):
    client = Client()
    # Four answered with the form's error; the fifth locks the account out.
    assert fail(client, 5) == [200, 200, 200, 200, 429]

    response = post_login(client, OWNER, RIGHT)

    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    html = response.content.decode()
    assert "Too many failed log-in attempts. Try again in 15 minutes." in html
    assert 'role="alert"' in html
    assert "_auth_user_id" not in client.session


def test_the_lockout_holds_from_another_address_and_for_another_account_at_the_same_address(tenant):
    fail(Client(), 5, address="10.0.0.1")

    assert post_login(Client(), OWNER, RIGHT, address="10.0.0.2").status_code == 429  # the account
    assert post_login(Client(), "kopi-staff", "pw-staff-123", address="10.0.0.1").status_code == 429
    staff = post_login(Client(), "kopi-staff", "pw-staff-123", address="10.0.0.3")
    assert staff.status_code == 302  # another account from another address is not affected


def test_four_wrong_passwords_then_the_right_one_logs_in_and_starts_the_count_again(tenant):
    client = Client()
    assert fail(client, 4) == [200] * 4

    assert post_login(client, OWNER, RIGHT).status_code == 302

    assert fail(Client(), 4, address="10.0.0.9") == [200] * 4
    assert post_login(Client(), OWNER, RIGHT, address="10.0.0.9").status_code == 302


def test_the_lockout_ends_after_the_wait(tenant, settings):
    settings.AXES_COOLOFF_TIME = 0.0001  # hours: well under a second
    fail(Client(), 5)

    time.sleep(0.5)
    assert post_login(Client(), OWNER, RIGHT).status_code == 302


def test_the_lockout_message_speaks_indonesian(tenant):
    client = Client(HTTP_ACCEPT_LANGUAGE="id")
    fail(client, 5)

    response = post_login(client, OWNER, RIGHT)

    assert response.status_code == 429
    assert "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam 15 menit." in response.content.decode()


def test_client_login_without_a_request_still_works(tenant, client):
    assert client.login(username=OWNER, password=RIGHT)
    assert not client.login(username=OWNER, password="wrong")


def test_the_counted_address_behind_trusted_proxies(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.1.1.1"  # a forged header counts for nothing
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.7"  # what the one trusted proxy saw
