"""What every page shares: a favicon (and /favicon.ico answered), the Apps tab marked on the add-on's
pages, and icons that need no font (a glyph a system font lacks renders as an empty box)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.mapping.test_pages import addon_for

TEMPLATES = Path(settings.BASE_DIR) / "templates"
STATIC = Path(settings.BASE_DIR) / "static"
APPS_TAB = '<summary aria-current="true">Apps</summary>'


@pytest.fixture
def owner(tenant) -> Client:
    addon_for(tenant)
    client = Client()
    client.force_login(tenant.owner)
    return client


def test_favicon_ico_goes_to_the_icon_every_page_links(client):
    response = client.get("/favicon.ico")

    assert (response.status_code, response["Location"]) == (302, "/static/favicon.svg")
    icon = ET.parse(STATIC / "favicon.svg").getroot()
    assert (icon.tag, icon.get("viewBox")) == ("{http://www.w3.org/2000/svg}svg", "0 0 32 32")
    assert (
        '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'
        in client.get("/login/").content.decode()
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/apps/", "/apps/accurate/", "/apps/accurate/activity/", "/apps/accurate/reconciliation/"]
)
def test_the_apps_tab_is_current_on_the_apps_and_addon_pages(owner, url):
    assert APPS_TAB in owner.get(url).content.decode()


@pytest.mark.django_db
def test_the_apps_tab_is_not_current_elsewhere_and_all_apps_is_on_its_page(owner):
    dashboard = owner.get("/").content.decode()
    apps = owner.get("/apps/").content.decode()

    assert "<summary>Apps</summary>" in dashboard
    assert '<a href="/" aria-current="page">Dashboard</a>' in dashboard
    assert '<a href="/apps/" aria-current="page">All apps</a>' in apps


def test_no_template_relies_on_a_glyph_few_fonts_have():
    # Miscellaneous Technical (⏷ ⌛ ⏳ …) and emoji are missing from Debian's default fonts.
    rare = re.compile("[\u2300-\u23ff\U0001f000-\U0001faff]")
    found = [
        f"{path.relative_to(TEMPLATES)}: {char}"
        for path in TEMPLATES.rglob("*.html")
        for char in rare.findall(path.read_text())
    ]
    assert found == []


@pytest.mark.django_db
def test_the_filters_funnel_is_drawn(owner):
    html = owner.get("/apps/accurate/activity/").content.decode()

    assert (
        '<summary><svg class="icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">'
        '<path d="M1 2h14l-5.5 6.5V14l-3-1.5v-4z"/></svg> Filters</summary>'
    ) in html
