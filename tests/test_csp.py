"""Content-Security-Policy: every page says where scripts may come from — our own static files,
never inline — and no template carries an inline script or an inline event handler."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def directives(header: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        found[name] = values
    return found


@pytest.mark.django_db
def test_pages_forbid_inline_scripts_and_allow_the_redirect_to_accurates_login(client, tenant):
    client.force_login(tenant.owner)

    for url in ("/", "/login/", "/apps/accurate/"):
        policy = directives(client.get(url)["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["form-action"] == ["'self'", settings.ACCURATE_ACCOUNT_URL]


def test_no_template_has_an_inline_script_or_event_handler():
    inline = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag:
                inline.append(f"{path.relative_to(TEMPLATES)}: {tag}")
        inline += [f"{path.relative_to(TEMPLATES)}: {m}" for m in re.findall(r"\son[a-z]+=", text)]
    assert inline == []
