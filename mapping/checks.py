"""System checks of the link to Accurate: `manage.py check --deploy` refuses to pass without keys
to encrypt Accurate tokens, instead of the first merchant to connect finding out."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from mapping import crypto


@checks.register(checks.Tags.security, deploy=True)
def token_keys_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """ACCURATE_TOKEN_KEYS: set and every value a Fernet key when DEBUG is off."""
    if settings.DEBUG:
        return []
    try:
        crypto.ensure_keys()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="mapping.E001")]
    return []
