"""API keys: `Authorization: Bearer isk_…`. The key identifies the store; nothing else does."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone
from rest_framework import authentication, exceptions, permissions, throttling
from rest_framework.request import Request
from rest_framework.settings import api_settings

from outlets.models import ApiKey, Store
from outlets.models.stores import api_key_hash

if TYPE_CHECKING:
    from rest_framework.views import APIView

# Recording every use would add a write to every request; a minute's precision is enough.
LAST_USED_PRECISION = timedelta(minutes=1)


def configured_rate(scope: str) -> str | None:
    """REST_FRAMEWORK's DEFAULT_THROTTLE_RATES[scope], read at each request: tests can change it."""
    rate = api_settings.DEFAULT_THROTTLE_RATES.get(scope)
    return str(rate) if rate else None


class ApiKeyRateThrottle(throttling.SimpleRateThrottle):
    """Requests per API key (REST_FRAMEWORK's `api_key` rate); a batch is one request."""

    scope = "api_key"

    def get_rate(self) -> str | None:
        return configured_rate(self.scope)

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if not isinstance(request.auth, ApiKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class UnauthenticatedRateThrottle(throttling.SimpleRateThrottle):
    """Calls without a valid key, per address (the `api_unauthenticated` rate). Checked while
    authenticating, since DRF refuses a bad key before its throttles run."""

    scope = "api_unauthenticated"

    def get_rate(self) -> str | None:
        return configured_rate(self.scope)

    def get_cache_key(self, request: Request, view: APIView | None) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def throttle_unauthenticated(request: Request) -> None:
    """Counts a call without a valid key; raises Throttled (429, Retry-After) beyond the rate."""
    throttle = UnauthenticatedRateThrottle()
    if not throttle.allow_request(request, None):  # type: ignore[arg-type]
        raise exceptions.Throttled(wait=throttle.wait())


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[None, ApiKey] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            throttle_unauthenticated(request)
            return None
        scheme, _, raw = header.partition(" ")
        if scheme != self.keyword or not raw.strip():
            throttle_unauthenticated(request)
            raise exceptions.AuthenticationFailed(
                "Send the store's API key as 'Authorization: Bearer <key>'."
            )
        key = (
            ApiKey.objects.select_related("store")
            .filter(key_hash=api_key_hash(raw.strip()), revoked_at__isnull=True)
            .first()
        )
        if key is None:
            throttle_unauthenticated(request)
            raise exceptions.AuthenticationFailed(
                "This API key is unknown or was revoked. Create a new one in the back office "
                "(Settings → API keys)."
            )
        now = timezone.now()
        if key.last_used_at is None or key.last_used_at < now - LAST_USED_PRECISION:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        return (None, key)

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class HasStoreApiKey(permissions.BasePermission):
    message = "Send the store's API key as 'Authorization: Bearer <key>'."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return isinstance(request.auth, ApiKey)


def request_store(request: Request) -> Store:
    """The store of the key that signed this request."""
    assert isinstance(request.auth, ApiKey)
    return request.auth.store
