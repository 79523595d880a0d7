"""A system check of the metrics token: `manage.py check --deploy` warns about one easy to guess."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

# As long as SECRET_KEY's own minimum in Django's deploy checks is 50; 32 random bytes are plenty.
MIN_METRICS_TOKEN_LENGTH = 32


@checks.register(checks.Tags.security, deploy=True)
def metrics_token_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """METRICS_TOKEN, when set, is long enough not to be guessed (unset: /metrics is off)."""
    token = settings.METRICS_TOKEN
    if token and len(token) < MIN_METRICS_TOKEN_LENGTH:
        return [
            checks.Warning(
                f"METRICS_TOKEN is shorter than {MIN_METRICS_TOKEN_LENGTH} characters.",
                hint="Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'",
                id="sync.W001",
            )
        ]
    return []
