"""How the API key appears in the OpenAPI schema (imported by the API urls)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "outlets.api.auth.ApiKeyAuthentication"
    name = "storeApiKey"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "The store's API key."}
