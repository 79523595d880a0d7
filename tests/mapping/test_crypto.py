from io import StringIO

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from mapping import crypto
from mapping.models import Connection
from tests.mapping.conftest import TEST_KEY


def test_it_round_trips_a_token_without_keeping_it_in_clear():
    encrypted = crypto.encrypt("access-token-123")

    assert "access-token-123" not in encrypted
    assert crypto.decrypt(encrypted) == "access-token-123"
    assert Fernet(TEST_KEY.encode()).decrypt(encrypted.encode()) == b"access-token-123"


def test_it_keeps_blank_as_blank():
    assert crypto.encrypt("") == ""
    assert crypto.decrypt("") == ""
    assert crypto.rotate("") == ""


def test_it_refuses_to_run_without_keys_when_debug_is_off(settings):
    settings.ACCURATE_TOKEN_KEYS = []
    settings.DEBUG = False

    with pytest.raises(ImproperlyConfigured, match="ACCURATE_TOKEN_KEYS must be set when DEBUG is off"):
        crypto.encrypt("x")


def test_the_embedded_run_derives_a_key_from_the_secret_key(settings):
    settings.ACCURATE_TOKEN_KEYS = []
    settings.DEBUG = True

    encrypted = crypto.encrypt("x")

    assert crypto.decrypt(encrypted) == "x"
    settings.SECRET_KEY = "another-secret-key"
    with pytest.raises(InvalidToken):
        crypto.decrypt(encrypted)


def test_it_names_the_setting_when_a_key_is_malformed(settings):
    settings.ACCURATE_TOKEN_KEYS = ["not-a-key"]

    with pytest.raises(ImproperlyConfigured, match="ACCURATE_TOKEN_KEYS holds a value"):
        crypto.encrypt("x")


def test_an_older_key_still_decrypts_and_rotate_moves_to_the_newest(settings):
    old_token = crypto.encrypt("secret")
    new_key = crypto.generate_key()
    settings.ACCURATE_TOKEN_KEYS = [new_key, TEST_KEY]

    assert crypto.decrypt(old_token) == "secret"
    rotated = crypto.rotate(old_token)
    assert Fernet(new_key.encode()).decrypt(rotated.encode()) == b"secret"


@pytest.mark.django_db
def test_the_command_reencrypts_every_connection_under_the_newest_key(settings, tenant, outsider):
    for tenant_ in (tenant, outsider):
        Connection.objects.create(
            store=tenant_.store,
            access_token_encrypted=crypto.encrypt(f"access-{tenant_.store.slug}"),
            refresh_token_encrypted=crypto.encrypt(f"refresh-{tenant_.store.slug}"),
            session_encrypted=crypto.encrypt(f"session-{tenant_.store.slug}"),
        )
    new_key = crypto.generate_key()
    settings.ACCURATE_TOKEN_KEYS = [new_key, TEST_KEY]
    out = StringIO()

    call_command("accurate_reencrypt_tokens", stdout=out)

    assert out.getvalue() == "Re-encrypted the secrets of 2 connection(s) under the newest key.\n"
    settings.ACCURATE_TOKEN_KEYS = [new_key]  # the old key dropped: everything still opens
    row = Connection.objects.get(store=tenant.store)
    assert crypto.decrypt(row.access_token_encrypted) == "access-kopi"
    assert crypto.decrypt(row.refresh_token_encrypted) == "refresh-kopi"
    assert crypto.decrypt(row.session_encrypted) == "session-kopi"
    settings.ACCURATE_TOKEN_KEYS = [TEST_KEY]  # and the old key alone no longer does
    with pytest.raises(InvalidToken):
        crypto.decrypt(row.access_token_encrypted)
