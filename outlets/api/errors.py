"""One error shape for the whole API: `{"error", "message", "errors": [{"path", "message"}]}`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from outlets.services.errors import DocumentConflict, DocumentInvalid, DocumentNotFound


def flatten_errors(detail: Any, path: str = "") -> list[dict[str, str]]:
    """DRF's nested error detail as a flat list of {path, message}: `lines[0].quantity`."""
    if isinstance(detail, dict):
        out: list[dict[str, str]] = []
        for key, value in detail.items():
            if isinstance(key, int):  # a list's errors come keyed by the item's index
                sub = f"{path}[{key}]"
            elif key == "non_field_errors":
                sub = path
            else:
                sub = f"{path}.{key}" if path else str(key)
            out.extend(flatten_errors(value, sub))
        return out
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return [{"path": path or "(body)", "message": str(item)} for item in detail]
        out = []
        for index, item in enumerate(detail):
            if item:
                out.extend(flatten_errors(item, f"{path}[{index}]"))
        return out
    return [{"path": path or "(body)", "message": str(detail)}]


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": code, "message": message, **extra}


def invalid_body(exc: DocumentInvalid) -> dict[str, Any]:
    errors = [{"path": path, "message": message} for path, message in exc.errors.items()]
    return error_body("invalid", exc.message, errors=errors)


def conflict_body(exc: DocumentConflict) -> dict[str, Any]:
    return error_body("conflict", exc.message, fields=exc.fields)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DocumentInvalid):  # well formed, refused by a rule the schema cannot state
        return Response(invalid_body(exc), status=status.HTTP_422_UNPROCESSABLE_ENTITY)
    if isinstance(exc, DocumentConflict):
        return Response(conflict_body(exc), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DocumentNotFound):
        return Response(error_body("not_found", exc.message), status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, Http404):
        return Response(error_body("not_found", str(exc) or "Not found."), status=404)
    if isinstance(exc, RequestDataTooBig):  # raised by Django when DRF reads the body
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        message = f"The body is larger than the API takes: at most {limit:,} bytes. Send fewer at a time."
        return Response(error_body("too_large", message), status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, exceptions.ParseError):
        return Response(error_body("malformed", f"The body is not valid JSON: {exc.detail}"), status=400)
    if isinstance(exc, exceptions.ValidationError):
        body = error_body("invalid", "The document is not valid.", errors=flatten_errors(exc.detail))
        return Response(body, status=400)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        response.data = error_body(exc.default_code, str(exc.detail))
    return response
