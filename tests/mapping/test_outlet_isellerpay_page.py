"""The outlet mapping page's iSellerPay accounts: the clearing account (pre-filled, checked, or created
in Accurate from the page), the MDR fee expense and the payout bank; and the refund account."""

from __future__ import annotations

import pytest

from mapping.models import AccurateList, OutletMapping, PaymentAccount
from tests.mapping.test_pages import accurate_now, addon_for, form_post, outlet_url, ready  # noqa: F401

pytestmark = pytest.mark.django_db


def field_html(response, name: str) -> str:
    """The rendered <select> of one form field."""
    return str(response.context["form"][name])


def test_the_page_prefills_the_isellerpay_accounts_and_the_refund_account(client, ready):  # noqa: F811
    client.force_login(ready.owner)

    response = client.get(outlet_url(ready.outlet))

    initial = response.context["form"].initial
    assert (initial["payment_iseller_pay"], initial["mdr_account_no"], initial["payout_account_no"]) == (
        "1104",
        "6101",
        "1103",
    )
    assert initial["refund_account_no"] == "1201"
    titles = [title for title, _ in response.context["sections"]]
    assert titles == [
        "Branch and warehouse",
        "Payment accounts",
        "iSellerPay",
        "Transaction accounts",
        "Posting mode",
    ]
    isellerpay = [field.name for field, _ in response.context["sections"][2][1]]
    assert isellerpay == [
        "payment_iseller_pay",
        "new_clearing_no",
        "new_clearing_name",
        "mdr_account_no",
        "payout_account_no",
    ]
    assert b'<label for="id_payment_iseller_pay">iSellerPay clearing account</label>' in response.content
    assert b'<label for="id_mdr_account_no">iSellerPay MDR fee account</label>' in response.content
    assert b'<label for="id_payout_account_no">iSellerPay payout bank account</label>' in response.content
    assert b"where iSellerPay money waits until iSeller pays it out" in response.content


def test_the_mdr_fee_is_chosen_among_expenses_and_the_payout_bank_among_cash_and_bank(client, ready):  # noqa: F811
    client.force_login(ready.owner)

    response = client.get(outlet_url(ready.outlet))

    mdr = field_html(response, "mdr_account_no")
    payout = field_html(response, "payout_account_no")
    assert ('value="6101"' in mdr, 'value="6102"' in mdr, 'value="1104"' in mdr) == (True, True, False)
    assert ('value="1103"' in payout, 'value="1104"' in payout, 'value="6101"' in payout) == (
        True,
        True,
        False,
    )


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("mdr_account_no", "1104", "Account 1104 Kas iSellerPay (clearing) is not an expense account."),
        ("payout_account_no", "6101", "Account 6101 Biaya MDR is not a cash or bank account."),
        ("payment_iseller_pay", "6101", "Account 6101 Biaya MDR is not a cash or bank account."),
        ("payment_iseller_pay", "1105", "Account 1105 Bank Mandiri (lama) is suspended in Accurate."),
        ("payment_iseller_pay", "9999", "Account 9999 is not in Accurate any more."),
    ],
)
def test_an_account_of_the_wrong_type_is_refused_on_its_field_and_nothing_is_saved(
    client,
    ready,  # noqa: F811
    field,
    value,
    error,
):
    client.force_login(ready.owner)

    response = client.post(outlet_url(ready.outlet), form_post(**{field: value}))

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [error]}
    assert f'<div class="error">{error}</div>' in response.content.decode()
    assert not OutletMapping.objects.filter(outlet=ready.outlet).exists()


def test_the_owner_saves_the_isellerpay_accounts(client, ready):  # noqa: F811
    client.force_login(ready.owner)

    response = client.post(outlet_url(ready.outlet), form_post(payout_account_no="1102"))

    assert response.status_code == 302
    mapping = OutletMapping.objects.get(outlet=ready.outlet)
    assert (mapping.mdr_account_no, mapping.payout_account_no, mapping.refund_account_no) == (
        "6101",
        "1102",
        "1201",
    )
    assert PaymentAccount.objects.get(mapping=mapping, method="iseller_pay").account_no == "1104"


# --- against the live sandbox: creating the clearing account ---


def test_the_owner_creates_the_isellerpay_clearing_account_in_accurate_from_the_form(
    client, tenant, connected
):
    addon_for(tenant)
    client.force_login(tenant.owner)
    post = form_post(payment_iseller_pay="", new_clearing_no="1105", new_clearing_name="")

    response = client.post(outlet_url(tenant.outlet), post)

    assert (response.status_code, response["Location"]) == (302, outlet_url(tenant.outlet))
    mapping = OutletMapping.objects.get(outlet=tenant.outlet)
    assert PaymentAccount.objects.get(mapping=mapping, method="iseller_pay").account_no == "1105"
    [created] = [row for row in connected_sandbox_accounts(connected) if row["no"] == "1105"]
    assert (created["name"], created["accountType"]) == ("Kliring iSellerPay", "CASH_BANK")
    kept = AccurateList.objects.get(connection=connected, kind="glaccount").rows
    assert [(row["no"], row["name"], row["accountType"]) for row in kept][-1] == (
        "1105",
        "Kliring iSellerPay",
        "CASH_BANK",
    )
    page = client.get(outlet_url(tenant.outlet))
    assert page.context["form"].initial["payment_iseller_pay"] == "1105"


def test_a_clearing_account_number_accurate_already_has_is_refused_and_nothing_is_saved(
    client, tenant, connected
):
    addon_for(tenant)
    client.force_login(tenant.owner)
    post = form_post(payment_iseller_pay="", new_clearing_no="1101", new_clearing_name="Kliring")

    response = client.post(outlet_url(tenant.outlet), post)

    assert response.status_code == 200
    [error] = response.context["form"].non_field_errors()
    assert "Sudah ada data lain dengan No Akun 1101" in error
    assert not OutletMapping.objects.filter(outlet=tenant.outlet).exists()


def connected_sandbox_accounts(connection) -> list[dict]:
    from mapping.services.credentials import accurate_client_for

    return list(accurate_client_for(connection).list("glaccount", fields=("id", "no", "name", "accountType")))
