"""Fixing SKUs on the problems page: the owner gives a product its SKU, or lets one product keep a
shared SKU; through the ingestion API's own product upsert, all or nothing, the POS still winning
afterwards; refused SKUs, staff and other stores' products."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages

from mapping.models import AddOn
from mapping.products.checks import SkuCounts, sku_problem_counts
from mapping.products.fixes import SkuChange, SkuRefused, product_sku_keep, product_sku_set
from outlets.models import OutletStock, Product
from outlets.services.products import products_upsert

pytestmark = pytest.mark.django_db

PROBLEMS = "/apps/accurate/products/problems/"
REMINDER = (
    "Change the SKU in the POS as well: the next time the POS sends the product, its SKU replaces the one "
    "given here."
)


def product(tenant, pos_id, sku, **fields):
    return Product.objects.create(
        store=tenant.store, pos_id=pos_id, sku=sku, name=fields.pop("name", f"Produk {pos_id}"), **fields
    )


def sku_of(pos_id: str, tenant) -> str:
    return Product.objects.get(store=tenant.store, pos_id=pos_id).sku


def set_url(item: Product) -> str:
    return f"/apps/accurate/products/{item.pk}/sku/"


def keep_url(item: Product) -> str:
    return f"/apps/accurate/products/{item.pk}/sku/keep/"


def said(response) -> list[tuple[str, str]]:
    return [(message.level_tag, str(message)) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def shared(tenant):
    """Three products sharing one SKU as Accurate compares them (case, spaces), and one without."""
    product(tenant, "D1", "Teh-01", name="Teh Manis")
    product(tenant, "D2", " teh-01 ", name="Teh Tawar")
    product(tenant, "D3", "TEH-01", name="Teh Susu")
    product(tenant, "N1", "", name="Gula Aren", price=Decimal("15000"), cost=Decimal("9000"))
    return tenant


@pytest.fixture
def owner(client, shared):
    AddOn.objects.create(store=shared.store, activated_by=shared.owner)
    client.force_login(shared.owner)
    return client


# --- the service: giving a SKU ---


def test_a_product_without_sku_gets_the_typed_sku_trimmed_and_nothing_else_changes(shared):
    gula = Product.objects.get(store=shared.store, pos_id="N1")
    OutletStock.objects.create(
        outlet=shared.outlet, product=gula, quantity=Decimal(7), unit_cost=Decimal(9000)
    )
    before = Product.objects.filter(pk=gula.pk).values().get()

    change = product_sku_set(store=shared.store, product_id=gula.pk, sku="  GULA-1 ")

    assert change == SkuChange(name="Gula Aren", pos_id="N1", old="", new="GULA-1")
    after = Product.objects.filter(pk=gula.pk).values().get()
    assert after["sku"] == "GULA-1"
    assert {k: v for k, v in after.items() if k not in ("sku", "updated_at")} == {
        k: v for k, v in before.items() if k not in ("sku", "updated_at")
    }
    assert list(OutletStock.objects.values_list("product__pos_id", "quantity")) == [("N1", Decimal(7))]
    assert sku_problem_counts(shared.store) == SkuCounts(no_sku=0, duplicate=3, too_long=0)


def test_it_is_the_ingestion_apis_product_upsert_that_writes(shared, monkeypatch):
    calls = []
    real = products_upsert

    def spy(*, store, items):
        calls.append((store, [dict(item) for item in items]))
        return real(store=store, items=items)

    monkeypatch.setattr("mapping.products.fixes.products_upsert", spy)
    gula = Product.objects.get(store=shared.store, pos_id="N1")

    product_sku_set(store=shared.store, product_id=gula.pk, sku="GULA-1")

    assert calls == [
        (
            shared.store,
            [
                {
                    "pos_id": "N1",
                    "stock": [],
                    "sku": "GULA-1",
                    "name": "Gula Aren",
                    "barcode": "",
                    "unit": "PCS",
                    "price": Decimal("15000.00"),
                    "cost": Decimal("9000.00"),
                    "item_type": "inventory",
                    "category": "",
                    "taxable": True,
                    "has_serial_number": False,
                    "active": True,
                }
            ],
        )
    ]


def test_a_sku_another_product_has_is_refused_whatever_its_case_or_spaces(shared):
    gula = Product.objects.get(store=shared.store, pos_id="N1")

    with pytest.raises(SkuRefused) as refused:
        product_sku_set(store=shared.store, product_id=gula.pk, sku=" sku-1")

    assert str(refused.value) == (
        "The SKU sku-1 is already used by “Kopi 1” (POS id P1); each product needs a SKU of its own. "
        "Nothing was changed."
    )
    assert sku_of("N1", shared) == ""


def test_an_inactive_products_sku_is_refused_too(shared):
    product(shared, "OLD", "GULA-LAMA", name="Gula Lama", active=False)
    gula = Product.objects.get(store=shared.store, pos_id="N1")

    with pytest.raises(SkuRefused, match="already used by “Gula Lama” \\(POS id OLD\\)"):
        product_sku_set(store=shared.store, product_id=gula.pk, sku="gula-lama")
    assert sku_of("N1", shared) == ""


def test_another_stores_skus_do_not_count(shared, outsider):
    product(outsider, "X1", "GULA-1")
    gula = Product.objects.get(store=shared.store, pos_id="N1")

    assert product_sku_set(store=shared.store, product_id=gula.pk, sku="GULA-1") is not None
    assert sku_of("N1", shared) == "GULA-1"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter a SKU: it cannot be empty or only spaces. Nothing was changed."),
        ("   ", "Enter a SKU: it cannot be empty or only spaces. Nothing was changed."),
        (
            "G" * 31,
            "A SKU has at most 30 characters (Accurate's limit for an item code); this one has 31. "
            "Nothing was changed.",
        ),
        ("GULA\t1", "A SKU cannot hold tabs, line breaks or other control characters. Nothing was changed."),
        (
            "GULA\x001",
            "A SKU cannot hold tabs, line breaks or other control characters. Nothing was changed.",
        ),
    ],
)
def test_empty_too_long_or_control_characters_are_refused(shared, typed, message):
    gula = Product.objects.get(store=shared.store, pos_id="N1")

    with pytest.raises(SkuRefused) as refused:
        product_sku_set(store=shared.store, product_id=gula.pk, sku=typed)

    assert str(refused.value) == message
    assert sku_of("N1", shared) == ""


def test_thirty_characters_is_allowed(shared):
    gula = Product.objects.get(store=shared.store, pos_id="N1")

    product_sku_set(store=shared.store, product_id=gula.pk, sku="G" * 30 + " ")

    assert sku_of("N1", shared) == "G" * 30


def test_a_too_long_sku_is_shortened(shared):
    long = product(shared, "L1", "X" * 31)

    change = product_sku_set(store=shared.store, product_id=long.pk, sku="X" * 29)

    assert change == SkuChange("Produk L1", "L1", "X" * 31, "X" * 29)
    assert sku_problem_counts(shared.store).too_long == 0


def test_the_same_sku_again_changes_nothing(shared):
    kopi = shared.products[0]
    stamp = Product.objects.get(pk=kopi.pk).updated_at

    assert product_sku_set(store=shared.store, product_id=kopi.pk, sku=" SKU-1 ") is None
    assert Product.objects.get(pk=kopi.pk).updated_at == stamp


def test_a_product_of_another_store_is_not_found(shared, outsider):
    with pytest.raises(Product.DoesNotExist):
        product_sku_set(store=shared.store, product_id=outsider.products[0].pk, sku="NEW-1")
    assert Product.objects.get(pk=outsider.products[0].pk).sku == "SKU-1"


# --- the service: keeping a shared SKU ---


def test_keeping_a_shared_sku_gives_the_others_distinct_ones_skipping_skus_in_use(shared):
    product(shared, "T2", "TEH-01-2", name="Teh Botol")  # -2 is taken already
    kept = Product.objects.get(store=shared.store, pos_id="D2")

    changes = product_sku_keep(store=shared.store, product_id=kept.pk)

    assert changes == [
        SkuChange("Teh Manis", "D1", "Teh-01", "teh-01-3"),
        SkuChange("Teh Susu", "D3", "TEH-01", "teh-01-4"),
    ]
    assert [sku_of(p, shared) for p in ("D1", "D2", "D3", "T2")] == [
        "teh-01-3",
        " teh-01 ",
        "teh-01-4",
        "TEH-01-2",
    ]
    assert sku_problem_counts(shared.store) == SkuCounts(no_sku=1, duplicate=0, too_long=0)


def test_a_kept_sku_of_thirty_characters_leaves_room_for_the_suffix(tenant):
    code = "A" * 30
    kept = product(tenant, "A1", code)
    product(tenant, "A2", code.lower())

    assert product_sku_keep(store=tenant.store, product_id=kept.pk) == [
        SkuChange("Produk A2", "A2", code.lower(), "A" * 28 + "-2")
    ]


def test_inactive_products_sharing_the_sku_are_left_alone(shared):
    product(shared, "OLD", "teh-01", active=False)
    kept = Product.objects.get(store=shared.store, pos_id="D1")

    changes = product_sku_keep(store=shared.store, product_id=kept.pk)

    assert [change.pos_id for change in changes] == ["D2", "D3"]
    assert sku_of("OLD", shared) == "teh-01"


def test_keeping_needs_a_sku_to_keep(shared):
    gula = Product.objects.get(store=shared.store, pos_id="N1")

    with pytest.raises(SkuRefused, match=r"^“Gula Aren” has no SKU to keep; give it one first\.$"):
        product_sku_keep(store=shared.store, product_id=gula.pk)


def test_a_sku_nobody_shares_changes_nothing(shared):
    assert product_sku_keep(store=shared.store, product_id=shared.products[0].pk) == []


def test_nothing_is_half_saved_when_the_write_fails(shared, monkeypatch):
    real = products_upsert

    def fail_after_writing(*, store, items):
        real(store=store, items=items)
        raise RuntimeError("the database went away")

    monkeypatch.setattr("mapping.products.fixes.products_upsert", fail_after_writing)
    kept = Product.objects.get(store=shared.store, pos_id="D1")

    with pytest.raises(RuntimeError):
        product_sku_keep(store=shared.store, product_id=kept.pk)

    assert [sku_of(p, shared) for p in ("D1", "D2", "D3")] == ["Teh-01", " teh-01 ", "TEH-01"]


def test_a_product_of_another_store_cannot_be_kept(shared, outsider):
    with pytest.raises(Product.DoesNotExist):
        product_sku_keep(store=shared.store, product_id=outsider.products[0].pk)


# --- the page ---


def test_the_owner_gives_a_sku_on_the_page_and_is_told_what_changed(owner, shared):
    gula = Product.objects.get(store=shared.store, pos_id="N1")

    response = owner.post(set_url(gula), {"sku": "GULA-1"})

    assert (response.status_code, response["Location"]) == (302, PROBLEMS)
    assert said(response) == [
        ("success", "“Gula Aren” (POS id N1) now has the SKU GULA-1; it had none."),
        ("info", REMINDER),
    ]
    assert sku_of("N1", shared) == "GULA-1"


def test_what_was_typed_is_shown_escaped(owner, shared):
    gula = Product.objects.get(store=shared.store, pos_id="N1")

    html = owner.post(set_url(gula), {"sku": "<b>G</b>"}, follow=True).content.decode()

    assert "“Gula Aren” (POS id N1) now has the SKU &lt;b&gt;G&lt;/b&gt;; it had none." in html
    assert "<b>G</b>" not in html
    assert sku_of("N1", shared) == "<b>G</b>"


def test_a_refused_sku_is_said_on_the_page_and_nothing_changes(owner, shared):
    gula = Product.objects.get(store=shared.store, pos_id="N1")

    response = owner.post(set_url(gula), {"sku": "Teh-01"}, follow=True)

    assert response.redirect_chain == [(PROBLEMS, 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "The SKU Teh-01 is already used by “Teh Manis” (POS id D1); each product needs a SKU of its own. "
        "Nothing was changed."
    ]
    assert sku_of("N1", shared) == ""


def test_the_same_sku_again_is_said_to_change_nothing(owner, shared):
    response = owner.post(set_url(shared.products[0]), {"sku": "SKU-1"})

    assert said(response) == [("info", "That product already has this SKU; nothing was changed.")]


def test_the_owner_keeps_a_shared_sku_on_one_product_and_is_told_each_change(owner, shared):
    kept = Product.objects.get(store=shared.store, pos_id="D3")

    response = owner.post(keep_url(kept))

    assert (response.status_code, response["Location"]) == (302, PROBLEMS)
    assert said(response) == [
        ("success", "The SKU of “Teh Manis” (POS id D1) changed from Teh-01 to TEH-01-2."),
        ("success", "The SKU of “Teh Tawar” (POS id D2) changed from teh-01 to TEH-01-3."),
        ("info", REMINDER),
    ]
    assert [sku_of(p, shared) for p in ("D1", "D2", "D3")] == ["TEH-01-2", "TEH-01-3", "TEH-01"]


def test_keeping_a_sku_nobody_shares_is_said_to_change_nothing(owner, shared):
    response = owner.post(keep_url(shared.products[0]))

    assert said(response) == [("info", "No other active product shares this SKU; nothing was changed.")]


def test_the_page_offers_the_owner_a_form_per_product_and_keep_on_shared_ones(owner, shared):
    html = owner.get(PROBLEMS).content.decode()

    for pos_id in ("D1", "D2", "D3", "N1"):
        item = Product.objects.get(store=shared.store, pos_id=pos_id)
        assert f'action="{set_url(item)}"' in html
        assert (f'action="{keep_url(item)}"' in html) == pos_id.startswith("D")
    assert "in the POS" in html  # still offered, beside fixing it here
    assert "Give it a SKU in the POS" not in html
    assert "Give one of these products another SKU in the POS" not in html


def test_after_an_inline_fix_the_pos_posting_the_product_again_wins(owner, shared):
    gula = Product.objects.get(store=shared.store, pos_id="N1")
    owner.post(set_url(gula), {"sku": "GULA-1"})

    answer = shared.api().post(
        "/api/v1/products/",
        {"products": [{"pos_id": "N1", "sku": "GULA-POS", "name": "Gula Aren", "price": "15000"}]},
        format="json",
    )

    assert (answer.status_code, answer.json()["updated"]) == (200, 1)
    assert sku_of("N1", shared) == "GULA-POS"


def test_staff_may_not_fix_a_sku_and_see_no_forms(client, shared):
    AddOn.objects.create(store=shared.store, activated_by=shared.owner)
    client.force_login(shared.staff)
    gula = Product.objects.get(store=shared.store, pos_id="N1")
    teh = Product.objects.get(store=shared.store, pos_id="D1")

    html = client.get(PROBLEMS).content.decode()
    set_answer = client.post(set_url(gula), {"sku": "GULA-1"})
    keep_answer = client.post(keep_url(teh))

    assert (set_answer.status_code, keep_answer.status_code) == (403, 403)
    assert [sku_of(p, shared) for p in ("N1", "D1", "D2", "D3")] == ["", "Teh-01", " teh-01 ", "TEH-01"]
    assert 'data-testid="sku-form"' not in html and 'data-testid="sku-keep-form"' not in html
    assert "Only the store owner can fix a SKU here." in html


def test_another_stores_product_ids_are_not_found(owner, shared, outsider):
    theirs = product(outsider, "N1", "")
    shared_theirs = product(outsider, "D1", "SKU-1")

    assert owner.post(set_url(theirs), {"sku": "GULA-1"}).status_code == 404
    assert owner.post(keep_url(shared_theirs)).status_code == 404
    assert Product.objects.get(pk=theirs.pk).sku == ""
    assert [p.sku for p in outsider.products] == ["SKU-1", "SKU-2", "SKU-3"]


def test_the_fixes_need_a_post(owner, shared):
    gula = Product.objects.get(store=shared.store, pos_id="N1")

    assert owner.get(set_url(gula)).status_code == 405
    assert owner.get(keep_url(gula)).status_code == 405
