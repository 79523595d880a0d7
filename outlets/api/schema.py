"""The OpenAPI schema as the API answers: the key scheme, the answers' shapes, every error.

Imported by the API urls (the extensions register themselves). Response serializers here are for
the schema only; the views build their bodies in `representation.py`, `orders.py` and `products.py`,
and the fuzzer in the suite (tests/outlets/test_api_fuzz.py) checks every answer against this.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import serializers

from . import fields  # noqa: F401  (registers the amounts' schema)


class ApiKeyScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "outlets.api.auth.ApiKeyAuthentication"
    name = "storeApiKey"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "The store's API key."}


# --- what the API answers ---


class OutletListSerializer(serializers.Serializer):
    class OutletSerializer(serializers.Serializer):
        code = serializers.CharField()
        name = serializers.CharField()
        time_zone = serializers.CharField(help_text="IANA name, e.g. Asia/Jakarta.")

    outlets = OutletSerializer(many=True)


def stored(
    serializer: type[serializers.Serializer], **extra: serializers.Field
) -> type[serializers.Serializer]:
    """A stored document as the API answers it: the body as posted (normalised), its id and
    outlet, and `extra` state fields."""
    attrs: dict[str, Any] = {
        "id": serializers.IntegerField(help_text="The add-on's id of the stored document."),
        "outlet": serializers.CharField(help_text="The outlet's code."),
        **extra,
    }
    name = serializer.__name__.removesuffix("Serializer") + "StoredSerializer"
    return type(name, (serializer,), attrs)


class ProblemSerializer(serializers.Serializer):
    path = serializers.CharField(help_text="Where in the body, e.g. `lines[0].quantity`.")
    message = serializers.CharField()


class OrderResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The order's place in the batch, from 0.")
    number = serializers.CharField()
    outcome = serializers.ChoiceField(choices=["created", "replayed", "conflict", "invalid"])
    id = serializers.IntegerField(required=False, help_text="Stored: the add-on's id.")
    message = serializers.CharField(required=False, help_text="Conflict or invalid: what is wrong.")
    # The metaclass takes declared fields off the class: `errors` and `fields` stay the properties.
    errors = ProblemSerializer(many=True, required=False, help_text="Invalid: each problem.")  # type: ignore[assignment]
    fields = serializers.ListField(  # type: ignore[assignment]
        child=serializers.CharField(), required=False, help_text="Conflict: the fields that differ."
    )


class OrderBatchResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    replayed = serializers.IntegerField()
    conflict = serializers.IntegerField()
    invalid = serializers.IntegerField()
    results = OrderResultSerializer(many=True, help_text="One per order, in the batch's order.")


class ProductResultSerializer(serializers.Serializer):
    pos_id = serializers.CharField()
    outcome = serializers.ChoiceField(choices=["created", "updated", "unchanged"])
    id = serializers.IntegerField()


class ProductUpsertResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    results = ProductResultSerializer(many=True)


# --- every error, one shape ---

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Every 4xx and 5xx under /api/v1/ has this body.",
    "required": ["error", "message"],
    "properties": {
        "error": {
            "type": "string",
            "description": "invalid, malformed, not_authenticated, authentication_failed, "
            "not_found, method_not_allowed, conflict, too_large, unsupported_media_type, "
            "throttled, server_error.",
        },
        "message": {"type": "string", "description": "What is wrong and how to fix it."},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["path", "message"],
                "properties": {"path": {"type": "string"}, "message": {"type": "string"}},
            },
        },
        "fields": {"type": "array", "items": {"type": "string"}},
    },
}
ERRORS = {
    "400": "The body or a field is not what the schema says (`invalid`), or not JSON (`malformed`).",
    "401": "No API key, or a key that is wrong or revoked.",
    "404": "No such outlet in the key's store, or no such document.",
    "409": "A document with this number exists with other content, or it can no longer change.",
    "413": "The body is larger than 5 MiB (`too_large`).",
    "415": "The body is not `application/json`.",
    "422": "Well formed, but refused by a rule the schema cannot state (`invalid`): the totals "
    "do not add up, a product or outlet the store does not have, a refund larger than its order.",
    "429": "Too many requests (`throttled`); `Retry-After` says when to try again.",
    "500": "An error on our side (`server_error`); the body says nothing internal.",
}
# Writes that answer 409 never: products are upserted, a batch reports each order's conflict.
NO_CONFLICT = ("/api/v1/products/", "/orders/batch/")


def error_codes(path: str, method: str, has_body: bool) -> list[str]:
    codes = ["401", "429", "500"]
    if "{" in path:
        codes.append("404")
    if has_body:
        codes += ["400", "413", "415", "422"]
    if method in ("post", "put") and not path.endswith(NO_CONFLICT):
        codes.append("409")
    return sorted(codes)


def document_errors(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Postprocessing hook: the one error shape, and each operation's error answers."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for code in error_codes(path, method, "requestBody" in operation):
                response: dict[str, Any] = {
                    "description": ERRORS[code],
                    "content": {"application/json": {"schema": ref}},
                }
                if code == "429":
                    response["headers"] = {
                        "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}
                    }
                responses.setdefault(code, response)
    return result
