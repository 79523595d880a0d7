"""The Content-Security-Policy header: django-csp's middleware, with Accurate's login host added as a
form target as the settings name it when the response is made (Connect posts to us and is
redirected there, and a form's redirect counts for `form-action`)."""

from __future__ import annotations

from csp.constants import SELF
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        parts.replace = {**(parts.replace or {}), "form-action": [SELF, settings.ACCURATE_ACCOUNT_URL]}
        return parts
