"""What a merchant reads when a document cannot be mapped: the thing, the outlet, and the fix."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sync.mappers import (
    MappingProblem,
    plan_adjustment,
    plan_deposit,
    plan_order,
    plan_refund,
    plan_stock_take,
    plan_transfer_in,
    plan_transfer_out,
)

from .documents import (
    BALI,
    JAKARTA,
    D,
    at,
    make_adjustment,
    make_deposit,
    make_order,
    make_refund,
    make_transfer,
)
from .documents import make_stock_take as make_count

MAPPING = "set it in Apps → Accurate → Outlet mapping."


def problem(plan, *args) -> str:
    with pytest.raises(MappingProblem) as caught:
        plan(*args)
    return str(caught.value)


@pytest.mark.django_db
def test_a_product_without_sku_names_the_product_and_the_fix(tenant):
    product = tenant.products[0]
    product.sku = "  "
    product.save()
    order = make_order(tenant.outlet, [(product, "1", "10000", "0")])

    assert problem(plan_order, order, JAKARTA) == (
        "Product Kopi 1 (POS id P1) has no SKU: give it a SKU at the POS and export it to Accurate "
        "(Apps → Accurate → Product mapping)."
    )


@pytest.mark.django_db
def test_a_sku_longer_than_accurate_takes_names_the_product_and_the_fix(tenant):
    product = tenant.products[1]
    product.sku = "S" * 31
    product.save()
    adjustment = make_adjustment(tenant.outlet, [(product, "1", "0")])

    assert problem(plan_adjustment, adjustment, JAKARTA) == (
        "Product Kopi 2 (POS id P2) has a SKU longer than 30 characters, which Accurate does not accept: "
        "shorten it at the POS and export it to Accurate (Apps → Accurate → Product mapping)."
    )


@pytest.mark.django_db
def test_an_unmapped_payment_method_names_the_method_and_the_outlet(tenant):
    order = make_order(tenant.outlet, [(tenant.products[0], "1", "10000", "0")], [("qris", "10000")])

    assert problem(plan_order, order, replace(JAKARTA, payment_accounts={"cash": "1101"})) == (
        "Payment method QRIS has no Accurate account for outlet JKT01: "
        "map it in Apps → Accurate → Outlet mapping."
    )


@pytest.mark.django_db
def test_iseller_pay_without_a_clearing_account_asks_for_the_clearing_account(tenant):
    order = make_order(tenant.outlet, [(tenant.products[0], "1", "10000", "0")], [("iseller_pay", "10000")])
    without = replace(JAKARTA, payment_accounts={"cash": "1101"}, mdr_account_no="6101")

    assert problem(plan_order, order, without) == (
        "Payment method iSellerPay has no Accurate account for outlet JKT01: "
        "set the iSellerPay clearing account in Apps → Accurate → Outlet mapping."
    )


@pytest.mark.django_db
def test_a_deposit_by_an_unmapped_method_names_the_method(tenant):
    deposit = make_deposit(tenant.outlet, payment_method="e_wallet")

    assert problem(plan_deposit, deposit, JAKARTA) == (
        "Payment method E-wallet has no Accurate account for outlet JKT01: "
        "map it in Apps → Accurate → Outlet mapping."
    )


@pytest.mark.django_db
def test_a_sale_needs_the_branch_and_the_warehouse(tenant):
    order = make_order(tenant.outlet, [(tenant.products[0], "1", "10000", "0")])

    assert problem(plan_order, order, replace(JAKARTA, branch_name="")) == (
        f"Outlet JKT01 has no Accurate branch: {MAPPING}"
    )
    assert problem(plan_order, order, replace(JAKARTA, warehouse_name=" ")) == (
        f"Outlet JKT01 has no Accurate warehouse: {MAPPING}"
    )


@pytest.mark.django_db
def test_a_service_charge_needs_the_service_charge_account(tenant):
    order = make_order(tenant.outlet, [(tenant.products[0], "1", "10000", "0")], service_charge="500")

    assert problem(plan_order, order, replace(JAKARTA, service_charge_account_no="")) == (
        f"Outlet JKT01 has no service charge account: {MAPPING}"
    )


@pytest.mark.django_db
def test_a_rounding_difference_needs_the_rounding_account_and_none_needs_no_account(tenant):
    rounded = make_order(tenant.outlet, [(tenant.products[0], "1", "10050", "0")], rounding="-50")
    exact = make_order(tenant.outlet, [(tenant.products[0], "1", "10000", "0")], number="ORD-0002")
    no_accounts = replace(JAKARTA, rounding_account_no="", service_charge_account_no="")

    assert problem(plan_order, rounded, no_accounts) == (
        f"Outlet JKT01 has no rounding difference account: {MAPPING}"
    )
    assert [p.module for p in plan_order(exact, no_accounts)] == ["sales-invoice", "sales-receipt"]


@pytest.mark.django_db
def test_a_walk_in_sale_needs_the_walk_in_customer(tenant):
    order = make_order(tenant.outlet, [(tenant.products[0], "1", "10000", "0")])
    refund = make_refund(order, [(tenant.products[0], "1", "10000")])
    message = (
        "No walk-in customer is set for sales without a customer: choose the Accurate customer for them "
        "in Apps → Accurate → Synchronization schedule."
    )

    assert problem(plan_order, order, replace(JAKARTA, walk_in_customer_no="")) == message
    assert problem(plan_refund, refund, replace(JAKARTA, walk_in_customer_no="")) == message


@pytest.mark.django_db
def test_a_transfer_needs_the_transit_warehouse(tenant):
    transfer = make_transfer(
        tenant.outlet,
        tenant.other_outlet,
        [(tenant.products[0], "1")],
        received_at=at("2026-11-21T10:00:00Z"),
    )
    message = (
        "No transit warehouse is set for transfers between outlets: choose the Accurate transit warehouse "
        "in Apps → Accurate → Synchronization schedule."
    )

    assert problem(plan_transfer_out, transfer, replace(JAKARTA, transit_warehouse_name="")) == message
    assert problem(plan_transfer_in, transfer, replace(JAKARTA, transit_warehouse_name=""), BALI) == message
    assert problem(plan_transfer_in, transfer, JAKARTA, replace(BALI, warehouse_name="")) == (
        f"Outlet BALI1 has no Accurate warehouse: {MAPPING}"
    )


@pytest.mark.django_db
def test_adjustments_and_stock_takes_need_the_adjustment_account(tenant):
    adjustment = make_adjustment(tenant.outlet, [(tenant.products[0], "1", "0")])
    stock_take = make_count(tenant.outlet, [(tenant.products[0], "3")])
    message = f"Outlet JKT01 has no stock adjustment account: {MAPPING}"

    assert problem(plan_adjustment, adjustment, replace(JAKARTA, adjustment_account_no="")) == message
    assert problem(plan_stock_take, stock_take, replace(JAKARTA, adjustment_account_no="")) == message


@pytest.mark.django_db
def test_a_deposit_needs_the_deposit_account(tenant):
    deposit = make_deposit(tenant.outlet, amount=D("1000"))

    assert problem(plan_deposit, deposit, replace(JAKARTA, deposit_account_no="")) == (
        f"Outlet JKT01 has no customer deposit account: {MAPPING}"
    )
