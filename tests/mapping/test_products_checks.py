"""SKU checks: no SKU, SKUs shared once trimmed and case-folded, SKUs over Accurate's 30 characters;
the panel's counts, the details page, and refusing export while a problem remains."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mapping.models import AddOn, ProductExport
from mapping.products.checks import (
    SkuCounts,
    product_problems_message,
    sku_problem_counts,
    sku_problem_details,
)
from outlets.models import Product

pytestmark = pytest.mark.django_db

ADDON = "/apps/accurate/"
DETAILS = "/apps/accurate/products/problems/"
EXPORT = "/apps/accurate/products/export/"


def product(tenant, pos_id, sku, **fields):
    return Product.objects.create(
        store=tenant.store, pos_id=pos_id, sku=sku, name=fields.pop("name", f"Produk {pos_id}"), **fields
    )


@pytest.fixture
def messy(tenant):
    """The tenant's three clean products (SKU-1..3) plus one of each problem."""
    product(tenant, "N1", "")
    product(tenant, "N2", "   ")
    product(tenant, "D1", "Teh-01")
    product(tenant, "D2", " teh-01 ")
    product(tenant, "D3", "TEH-01")
    product(tenant, "L1", "X" * 31)
    return tenant


def test_a_clean_catalogue_has_no_problem_and_no_message(tenant):
    product(tenant, "OK30", "Y" * 30)  # exactly 30 characters is allowed
    product(tenant, "OK2", " Gula ")

    assert sku_problem_counts(tenant.store) == SkuCounts(no_sku=0, duplicate=0, too_long=0)
    assert product_problems_message(tenant.store) is None
    assert sku_problem_details(tenant.store) == []


def test_it_counts_blank_skus_duplicates_differing_in_case_or_spaces_and_long_skus(messy):
    assert sku_problem_counts(messy.store) == SkuCounts(no_sku=2, duplicate=3, too_long=1)


def test_the_checks_take_the_same_few_queries_whatever_the_catalogue(messy, django_assert_num_queries):
    def queries():
        with django_assert_num_queries(2):
            sku_problem_counts(messy.store)
        with django_assert_num_queries(2):
            product_problems_message(messy.store)
        with django_assert_num_queries(5):  # the counts, then one list per problem
            sku_problem_details(messy.store)

    queries()
    Product.objects.bulk_create(
        Product(store=messy.store, pos_id=f"M{n}", sku=("" if n % 2 else "dup"), name="M") for n in range(300)
    )
    queries()


def test_inactive_products_are_not_checked(tenant):
    product(tenant, "OLD", "", active=False)
    product(tenant, "OLD2", "sku-1", active=False)  # same SKU as the active P1

    assert sku_problem_counts(tenant.store).total == 0


def test_the_details_group_the_products_by_problem(messy):
    groups = {group.key: group for group in sku_problem_details(messy.store)}

    assert list(groups) == ["no_sku", "duplicate", "too_long"]
    assert [p.pos_id for p in groups["no_sku"].products] == ["N1", "N2"]
    assert [p.pos_id for p in groups["duplicate"].products] == ["D1", "D2", "D3"]
    assert [p.pos_id for p in groups["too_long"].products] == ["L1"]
    assert groups["duplicate"].count == 3 and groups["duplicate"].more == 0


def test_the_details_list_at_most_the_limit_but_count_them_all(messy):
    duplicate = next(g for g in sku_problem_details(messy.store, limit=2) if g.key == "duplicate")

    assert len(duplicate.products) == 2
    assert duplicate.more == 1


def test_the_message_says_what_to_fix(messy):
    message = product_problems_message(messy.store)

    assert message == (
        "Fix the SKUs first: 2 products have no SKU, 3 products share a SKU with another product, "
        "1 product has a SKU longer than 30 characters. Accurate knows items by code, so each product "
        f'needs its own SKU. <a href="{DETAILS}">Show details</a> lists them, and you can fix them there or '
        "in the POS."
    )


def test_another_stores_products_never_count_or_show(tenant, outsider):
    product(outsider, "N1", "")
    product(outsider, "D1", "SKU-1")  # would collide with the tenant's P1 if stores mixed
    product(outsider, "L1", "Z" * 40)

    assert sku_problem_counts(tenant.store).total == 0
    assert sku_problem_details(tenant.store) == []
    assert sku_problem_counts(outsider.store) == SkuCounts(no_sku=1, duplicate=2, too_long=1)


# --- pages ---


def test_the_panel_shows_the_counts_and_a_details_link(client, messy):
    AddOn.objects.create(store=messy.store, activated_by=messy.owner)
    client.force_login(messy.owner)

    html = client.get(ADDON).content.decode()

    assert '<strong data-testid="count-no-sku">2</strong>' in html
    assert '<strong data-testid="count-duplicate">3</strong>' in html
    assert '<strong data-testid="count-too-long">1</strong>' in html
    assert f'href="{DETAILS}"' in html
    assert "{# push products #}" not in html  # the marker is a template comment


def test_a_clean_panel_offers_the_export(client, tenant):
    AddOn.objects.create(store=tenant.store, activated_by=tenant.owner)
    client.force_login(tenant.owner)

    html = client.get(ADDON).content.decode()

    assert 'data-testid="sku-clean"' in html
    assert f'action="{EXPORT}"' in html
    assert "<fieldset disabled>" not in html


def test_staff_see_the_counts_and_details_but_no_export(client, messy):
    AddOn.objects.create(store=messy.store, activated_by=messy.owner)
    client.force_login(messy.staff)

    html = client.get(ADDON).content.decode()
    details = client.get(DETAILS)

    assert '<strong data-testid="count-no-sku">2</strong>' in html
    assert f'action="{EXPORT}"' not in html
    assert details.status_code == 200


def test_the_details_page_lists_each_product_with_how_to_fix_it(client, messy, outsider):
    AddOn.objects.get_or_create(store=messy.store)
    product(outsider, "X9", "")
    client.force_login(messy.owner)

    html = client.get(DETAILS).content.decode()

    for group in ("no_sku", "duplicate", "too_long"):
        assert f'data-testid="group-{group}"' in html
    for pos_id in ("N1", "N2", "D1", "D2", "D3", "L1"):
        assert f'data-pos-id="{pos_id}"' in html
    assert 'data-pos-id="X9"' not in html
    assert "Give each product below a SKU of its own, here or in the POS (by its POS id)." in html


def test_export_is_refused_with_the_message_while_problems_remain(client, messy):
    AddOn.objects.create(store=messy.store, activated_by=messy.owner)
    client.force_login(messy.owner)

    response = client.post(EXPORT, {"scope": "all"}, follow=True)

    assert response.redirect_chain == [(ADDON, 302)]
    assert "Fix the SKUs first: 2 products have no SKU" in response.content.decode()
    assert not ProductExport.objects.exists()


def test_fixing_the_last_problem_lets_the_export_through(client, tenant):
    AddOn.objects.create(store=tenant.store)
    broken = product(tenant, "N1", "", price=Decimal("5000"))
    client.force_login(tenant.owner)
    assert client.post(EXPORT, {"scope": "all"}).status_code == 302

    Product.objects.filter(pk=broken.pk).update(sku="GULA-1")
    response = client.post(EXPORT, {"scope": "all"})

    assert response.status_code == 200
    assert ProductExport.objects.get().count == 4
