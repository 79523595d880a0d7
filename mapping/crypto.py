"""Encryption at rest for Accurate tokens and sessions: Fernet with keys from the environment.

`ACCURATE_TOKEN_KEYS` holds one or more Fernet keys, newest first. Encryption uses the newest;
decryption tries each, so a new key can be put in front, the tokens re-encrypted
(`manage.py accurate_reencrypt_tokens`) and the old key dropped afterwards.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = ["InvalidToken", "decrypt", "encrypt", "ensure_keys", "generate_key", "rotate"]

MISSING_KEYS = (
    "ACCURATE_TOKEN_KEYS must be set when DEBUG is off: one or more Fernet keys, comma separated, "
    "newest first. Make one with: python -c "
    '"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)


def generate_key() -> str:
    return Fernet.generate_key().decode()


def _keys() -> tuple[str, ...]:
    keys = tuple(key.strip() for key in settings.ACCURATE_TOKEN_KEYS if key.strip())
    if keys:
        return keys
    if not settings.DEBUG:
        raise ImproperlyConfigured(MISSING_KEYS)
    # The embedded run (DEBUG on, `make run`) has no secrets to configure: a key derived from its
    # SECRET_KEY keeps tokens out of the SQLite file in clear without asking for another setting.
    # Production never gets here (see above), so this key protects nothing that matters.
    digest = hashlib.sha256(b"accurate-token-key:" + settings.SECRET_KEY.encode()).digest()
    return (base64.urlsafe_b64encode(digest).decode(),)


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        message = f"ACCURATE_TOKEN_KEYS holds a value that is not a Fernet key: {exc}"
        raise ImproperlyConfigured(message) from exc


def _current() -> MultiFernet:
    # Keyed by the setting's value, so a changed setting (tests, a rotation) takes effect at once.
    return _fernet(_keys())


def ensure_keys() -> None:
    """Raises ImproperlyConfigured unless tokens can be encrypted now (keys set and all valid)."""
    _current().encrypt(b"ready")


def encrypt(text: str) -> str:
    """The text encrypted under the newest key; "" stays "" (a blank field means no secret)."""
    if not text:
        return ""
    return _current().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    """The clear text of `encrypt`'s output, under any configured key. Raises InvalidToken when no
    key opens it (a key was dropped before the re-encryption ran)."""
    if not token:
        return ""
    return _current().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    """The same secret encrypted under the newest key."""
    if not token:
        return ""
    return _current().rotate(token.encode()).decode()
