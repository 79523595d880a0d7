"""Answers `/healthz`, `/readyz` and `/metrics` early in the middleware stack.

Load balancers and Prometheus reach each web process by its address, over plain HTTP: their Host is
an address ALLOWED_HOSTS does not list (CommonMiddleware would answer 400), and SECURE_SSL_REDIRECT
would send them to HTTPS (SECURE_REDIRECT_EXEMPT lists the three paths). Placed right after
SecurityMiddleware, these requests get its headers and nothing else of the stack: no session, no
language, no host check. None of the answers uses the host; `/metrics` asks for its token.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

from sync.ops import views

ENDPOINTS: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/healthz": views.healthz,
    "/readyz": views.readyz,
    "/metrics": views.metrics,
}


class OpsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        endpoint = ENDPOINTS.get(request.path_info)
        if endpoint is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return endpoint(request)
