"""Export Product and Push products while SKUs need fixing: disabled (and styled so), their reason beside
them linking the problems page; the push's refusal links it too; enabled once the catalogue is clean."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from mapping.models import AddOn
from outlets.models import Product
from sync.models import ProductPush

pytestmark = pytest.mark.django_db

ADDON = "/apps/accurate/"
PUSH = "/apps/accurate/products/push/"
PUSH_START = "/apps/accurate/products/push/start/"
DETAILS_LINK = '<a href="/apps/accurate/products/problems/">Show details</a>'


@pytest.fixture
def owner(client, tenant):
    AddOn.objects.get_or_create(store=tenant.store, defaults={"activated_by": tenant.owner})
    client.force_login(tenant.owner)
    return client


@pytest.fixture
def broken(tenant):
    Product.objects.create(store=tenant.store, pos_id="N1", sku="", name="Gula Aren", price=1)
    return tenant


def panel(html: str) -> str:
    return html.split('data-testid="panel-products"', 1)[1].split("</section>", 1)[0]


def test_the_export_button_itself_is_disabled_with_its_reason_while_skus_need_fixing(owner, broken):
    html = panel(owner.get(ADDON).content.decode())

    assert (
        '<button type="submit" class="primary" data-testid="export-button" disabled '
        'aria-describedby="export-blocked">Export Product</button>'
    ) in html
    assert (
        '<span class="help blocked" id="export-blocked" data-testid="export-blocked">'
        f"Off until every active product has its own SKU: {DETAILS_LINK}</span>"
    ) in html


def test_a_clean_catalogue_enables_the_export_button(owner, tenant):
    html = panel(owner.get(ADDON).content.decode())

    assert '<button type="submit" class="primary" data-testid="export-button">Export Product</button>' in html
    assert 'data-testid="export-blocked"' not in html


def test_push_products_is_a_disabled_button_with_its_reason_while_skus_need_fixing(owner, broken):
    html = panel(owner.get(ADDON).content.decode())

    assert (
        '<button type="button" class="primary" data-testid="push-products-blocked" disabled '
        'aria-describedby="push-blocked">Push products</button>'
    ) in html
    assert f"Off until every active product has its own SKU: {DETAILS_LINK}" in html
    assert f'href="{PUSH}"' not in html


def test_a_clean_catalogue_links_push_products(owner, tenant):
    html = panel(owner.get(ADDON).content.decode())

    assert f'<p data-testid="push-products"><a href="{PUSH}">Push products</a>' in html
    assert 'data-testid="push-products-blocked"' not in html


def test_the_stylesheet_makes_a_disabled_button_look_disabled():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text()
    rule = re.search(r"button:disabled[^{]*\{([^}]*)\}", css)

    assert rule is not None
    assert "cursor: not-allowed" in rule.group(1)
    assert "color: var(--muted)" in rule.group(1)
    # After button.primary, so a disabled primary button does not keep the brand colour.
    assert css.index("button:disabled") > css.index("button.primary {")


def test_the_push_page_disables_its_button_and_says_why_with_a_link(owner, broken):
    html = owner.get(PUSH).content.decode()

    assert re.search(
        r'data-testid="push-start"\s+disabled aria-describedby="push-blocked">Push products</button>', html
    )
    reason = re.search(
        r'<p class="help blocked" id="push-blocked" data-testid="push-blocked">(.*?)</p>', html
    )
    assert reason is not None
    assert reason.group(1) == (
        "Fix the SKUs first: 1 product has no SKU. Accurate knows items by code, so each product needs its "
        f"own SKU. {DETAILS_LINK} lists them, and you can fix them there or in the POS."
    )


def test_a_clean_push_page_leaves_its_button_enabled(owner, tenant):
    html = owner.get(PUSH).content.decode()

    assert re.search(r'data-testid="push-start"\s+>Push products</button>', html)
    assert 'data-testid="push-blocked"' not in html


def test_the_push_refusal_links_the_problems_page(owner, broken, connected):
    response = owner.post(PUSH_START, follow=True)

    html = response.content.decode()
    messages = re.findall(r'<li class="message error">(.*?)</li>', html)
    assert messages == [
        "Fix the SKUs first: 1 product has no SKU. Accurate knows items by code, so each product needs its "
        f"own SKU. {DETAILS_LINK} lists them, and you can fix them there or in the POS."
    ]
    assert not ProductPush.objects.exists()


def test_the_export_refusal_links_the_problems_page(owner, broken):
    response = owner.post("/apps/accurate/products/export/", {"scope": "all"}, follow=True)

    assert re.findall(r'<li class="message error">(.*?)</li>', response.content.decode()) == [
        "Fix the SKUs first: 1 product has no SKU. Accurate knows items by code, so each product needs its "
        f"own SKU. {DETAILS_LINK} lists them, and you can fix them there or in the POS."
    ]
