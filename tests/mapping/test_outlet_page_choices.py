"""The outlet page says what it will do: a branch (warehouse, clearing account) is picked from the
list or typed to be created, never both at once; a warehouse another outlet uses is warned about;
the extra fee is asked for first, and only not confirming it a second time is an error."""

from __future__ import annotations

import re

import pytest

from mapping.models import OutletMapping
from mapping.services.outlets import outlet_mapping_save
from tests.mapping.test_outlet_mapping import COMPLETE
from tests.mapping.test_pages import accurate_now, addon_for, form_post, outlet_url, ready

__all__ = ["accurate_now", "ready"]  # the page tests' fixtures: a store connected, its lists kept

pytestmark = pytest.mark.django_db


def field_errors(response, name):
    return list(response.context["form"].errors.get(name, []))


@pytest.mark.parametrize(
    ("picked", "typed", "post", "error"),
    [
        (
            "branch_name",
            "new_branch",
            {"new_branch": "Cabang Bandung"},
            "Pick a branch or type a new one, not both: to create “Cabang Bandung”, set the list above "
            "to “— choose —”; to use “Pusat”, clear this name.",
        ),
        (
            "warehouse_name",
            "new_warehouse",
            {"new_warehouse": "Gudang Bandung"},
            "Pick a warehouse or type a new one, not both: to create “Gudang Bandung”, set the list "
            "above to “— choose —”; to use “Gudang Utama”, clear this name.",
        ),
        (
            "payment_iseller_pay",
            "new_clearing_no",
            {"new_clearing_no": "1199"},
            "Pick a clearing account or type a new one, not both: to create account 1199, set the list "
            "above to “— choose —”; to use account 1104, clear this number.",
        ),
    ],
)
def test_picking_from_the_list_and_typing_a_new_one_is_refused_and_nothing_is_saved(
    client, ready, picked, typed, post, error, monkeypatch
):
    created = []
    for name in ("branch_create", "warehouse_create", "clearing_account_create"):
        monkeypatch.setattr(f"mapping.services.outlets.{name}", lambda **kw: created.append(kw))
    client.force_login(ready.owner)

    response = client.post(outlet_url(ready.outlet), form_post(action="activate", **post))

    assert response.status_code == 200
    assert field_errors(response, typed) == [error]
    assert field_errors(response, picked) == []
    assert created == []
    assert not OutletMapping.objects.filter(outlet=ready.outlet).exists()
    assert f'<div class="error">{error}</div>' in response.content.decode()


def test_a_new_name_typed_with_the_list_left_empty_is_created(client, ready, monkeypatch):
    created = []

    def branch_create(*, connection, name):
        created.append(name)
        return {"name": name}

    monkeypatch.setattr("mapping.services.outlets.branch_create", branch_create)
    client.force_login(ready.owner)

    response = client.post(outlet_url(ready.outlet), form_post(branch_name="", new_branch="Cabang Bandung"))

    assert (response.status_code, created) == (302, ["Cabang Bandung"])
    assert OutletMapping.objects.get(outlet=ready.outlet).branch_name == "Cabang Bandung"


def test_the_typed_fields_name_the_list_their_script_empties(client, ready):
    client.force_login(ready.owner)

    html = client.get(outlet_url(ready.outlet)).content.decode()

    assert re.search(r'<input[^>]*name="new_branch"[^>]*data-picked="id_branch_name"', html) or re.search(
        r'<input[^>]*data-picked="id_branch_name"[^>]*name="new_branch"', html
    )
    assert 'data-picked="id_warehouse_name"' in html
    assert 'data-picked="id_payment_iseller_pay"' in html
    assert "/static/js/picked-or-typed.js" in html


# --- a warehouse two outlets share ---


def test_a_warehouse_another_outlet_uses_is_warned_about_and_still_saved(client, ready, outsider):
    outlet_mapping_save(outlet=ready.other_outlet, data=COMPLETE)  # Denpasar on Gudang Utama too
    addon_for(outsider)
    outlet_mapping_save(outlet=outsider.other_outlet, data=COMPLETE)  # another store's: not named
    client.force_login(ready.owner)

    page = client.get(outlet_url(ready.outlet))
    saved = client.post(outlet_url(ready.outlet), form_post(), follow=True)

    warning = (
        "Outlet Denpasar (BALI1) already uses warehouse “Gudang Utama”: the stock of both outlets will "
        "be counted together in Accurate."
    )
    assert page.context["shared_warehouse"] == [warning]
    assert (
        f'<div class="warning note" data-testid="shared-warehouse">{warning}</div>' in page.content.decode()
    )
    assert saved.redirect_chain == [(outlet_url(ready.outlet), 302)]
    assert OutletMapping.objects.get(outlet=ready.outlet).warehouse_name == "Gudang Utama"
    assert saved.context["shared_warehouse"] == [warning]


def test_no_warning_for_a_warehouse_of_its_own_or_a_new_one(client, ready):
    outlet_mapping_save(outlet=ready.other_outlet, data={**COMPLETE, "warehouse_name": "Gudang Bali"})
    client.force_login(ready.owner)

    page = client.get(outlet_url(ready.outlet))
    shared = outlet_mapping_save(outlet=ready.other_outlet, data=COMPLETE)
    typed = client.post(
        outlet_url(ready.outlet), form_post(warehouse_name="Gudang Utama", new_warehouse="Gudang Baru")
    )

    assert page.context["shared_warehouse"] == []
    assert shared.warehouse_name == "Gudang Utama"
    assert typed.context["shared_warehouse"] == []  # refused for both, and a new one is nobody's
    assert 'data-testid="shared-warehouse"' not in page.content.decode()


# --- the extra fee ---


def activate_first(client, tenant):
    client.post(outlet_url(tenant.outlet), form_post(action="activate"))
    assert OutletMapping.objects.get(outlet=tenant.outlet).active


def test_the_fee_is_first_asked_for_without_an_error(client, ready, settings):
    settings.ACCURATE_EXTRA_OUTLET_FEE = 99000
    client.force_login(ready.owner)
    activate_first(client, ready)

    page = client.get(outlet_url(ready.other_outlet)).content.decode()
    refused = client.post(outlet_url(ready.other_outlet), form_post(action="activate"))

    html = refused.content.decode()
    fee = re.search(r'<div class="([^"]*)" data-testid="fee">(.*?)\n        </div>', html, re.S)
    assert fee is not None
    assert fee.group(1) == "warning fee"
    assert 'role="alert"' not in fee.group(2)
    assert "Tick the box to confirm the fee" not in html
    assert (
        '<p class="help" data-testid="fee-ask">The mapping is saved. To activate this outlet, tick the box '
        "to agree to the fee, then press Save and activate again.</p>"
    ) in html
    assert '<input type="hidden" name="fee_asked" value="1">' in html
    assert 'data-testid="fee-ask"' not in page and 'name="fee_asked"' not in page
    assert OutletMapping.objects.get(outlet=ready.other_outlet).active is False


def test_not_confirming_the_fee_once_asked_is_an_error(client, ready, settings):
    settings.ACCURATE_EXTRA_OUTLET_FEE = 99000
    client.force_login(ready.owner)
    activate_first(client, ready)
    client.post(outlet_url(ready.other_outlet), form_post(action="activate"))

    again = client.post(outlet_url(ready.other_outlet), form_post(action="activate", fee_asked="1"))

    html = again.content.decode()
    assert '<div class="warning fee has-problem" data-testid="fee">' in html
    assert (
        '<div class="error" role="alert" data-testid="fee-error">Tick the box to confirm the fee, then '
        "activate again.</div>"
    ) in html
    assert 'data-testid="fee-ask"' not in html
    assert OutletMapping.objects.get(outlet=ready.other_outlet).active is False

    confirmed = client.post(
        outlet_url(ready.other_outlet), form_post(action="activate", fee_asked="1", confirm_fee="on")
    )

    assert confirmed.status_code == 302
    assert OutletMapping.objects.get(outlet=ready.other_outlet).active is True


def test_outlet_page_of_a_first_outlet_has_no_fee_box(client, ready):
    client.force_login(ready.owner)

    html = client.get(outlet_url(ready.outlet)).content.decode()

    assert 'data-testid="fee"' not in html
