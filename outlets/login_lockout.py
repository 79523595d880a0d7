"""The log-in lockout (django-axes): wrong passwords are counted per account and per address, and
a locked-out log-in gets the log-in page back with when to try again (settings: AXES_*)."""

from __future__ import annotations

import math
from typing import Any

from axes.backends import AxesStandaloneBackend  # type: ignore[import-untyped]
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext


class LoginLockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out account or address before any password is checked. Without a request
    (`client.login()` in tests, the shell) there is no address to count: it stands aside."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        super().authenticate(request, username, password, **kwargs)
        return None


def lockout_minutes() -> int:
    """The wait, whole minutes: each try while locked out starts it again, so it runs from now."""
    return max(1, math.ceil(float(settings.AXES_COOLOFF_TIME) * 60))


def lockout_message() -> str:
    minutes = lockout_minutes()
    return ngettext(
        "Too many failed log-in attempts. Try again in %(minutes)d minute.",
        "Too many failed log-in attempts. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The log-in page with the lockout message, 429 Too Many Requests and Retry-After."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    context = {"form": form, "lockout_message": lockout_message(), "next": request.POST.get("next", "")}
    response = render(request, "registration/login.html", context, status=429)
    response["Retry-After"] = str(lockout_minutes() * 60)
    return response


def client_ip(request: HttpRequest) -> str | None:
    """The address that is counted: the one that connected, or behind TRUSTED_PROXY_COUNT proxies
    the one the outermost trusted proxy saw (X-Forwarded-For, read from the right)."""
    remote: str | None = request.META.get("REMOTE_ADDR")
    proxies: int = settings.TRUSTED_PROXY_COUNT
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    if proxies <= 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return remote
    return hops[-min(proxies, len(hops))]
