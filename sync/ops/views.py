"""`/healthz`, `/readyz` and `/metrics` (a bearer token from METRICS_TOKEN; without one, 404), all
answered by OpsMiddleware, before the host check and the HTTPS redirect."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST

from sync.ops.exposition import scrape
from sync.ops.readiness import readiness


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is alive and answers: nothing else is looked at."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when every check passes, else 503; each check's status and heartbeat age either way."""
    checks = readiness(now=timezone.now())
    ready = all(check.ok for check in checks.values())
    body = {
        "status": "ok" if ready else "fail",
        "checks": {name: check.as_json() for name, check in checks.items()},
    }
    answer = JsonResponse(body, status=200 if ready else 503)
    # Not ready is an answer, not a server error: Django would log every probe's 503 at ERROR.
    answer._has_been_logged = True  # type: ignore[attr-defined]
    return answer


def _bearer(request: HttpRequest) -> str | None:
    scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
    return credential.strip() if scheme.lower() == "bearer" and credential.strip() else None


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """The metrics in Prometheus' text format, for whoever holds METRICS_TOKEN."""
    expected = settings.METRICS_TOKEN
    if not expected:
        return HttpResponseNotFound("metrics are off\n", content_type="text/plain")
    given = _bearer(request)
    if given is None:
        refused = HttpResponse("a bearer token is required\n", status=401, content_type="text/plain")
        refused["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return refused
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return HttpResponse("wrong token\n", status=403, content_type="text/plain")
    return HttpResponse(scrape(), content_type=CONTENT_TYPE_LATEST)
