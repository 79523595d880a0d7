"""Every error under /api/v1/ in the API's one JSON shape, even those Django answers before DRF.

DRF's exception handler (errors.py) shapes what the views raise. What never reaches a view (an
unknown URL, a crash Django turns into its 500 page, a body Django refuses) comes back as an HTML
page; this rewrites it to `{"error", "message"}` with the same status. A path with a NUL byte is
answered 404 here: PostgreSQL cannot compare text with one, so it can name nothing stored.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase

from .errors import error_body

API_PREFIX = "/api/v1/"

MESSAGES: dict[int, tuple[str, str]] = {
    400: ("bad_request", "The request could not be read."),
    404: ("not_found", "Nothing at this URL. The endpoints are listed in the schema at /api/v1/schema/."),
    405: ("method_not_allowed", "This URL does not take this method."),
    413: ("too_large", "The body is larger than the API takes."),
    500: ("server_error", "Something went wrong on our side; it was logged. Try again later."),
}


def error_response(status: int) -> JsonResponse:
    code, message = MESSAGES.get(status, ("error", "The request failed."))
    if status >= 500 and status not in MESSAGES:
        code, message = MESSAGES[500]
    return JsonResponse(error_body(code, message), status=status)


class ApiErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        if "\x00" in request.path_info:
            return error_response(404)
        response = self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            replaced = error_response(response.status_code)
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if header in response:
                    replaced[header] = response[header]
            return replaced
        return response
