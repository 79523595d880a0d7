"""Helpers of the engine tests: a store ready to sync (connected, outlets mapped and active, items in
the sandbox), documents posted through the API, and pushing the way a task does, in-process."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from mapping.models import Connection, OutletMapping, PaymentAccount, SyncSettings
from mapping.services.credentials import accurate_client_for
from sync.engine.run import RunResult, connection_push
from sync.models import SyncActivity

# Accounts of the sandbox's seed (accurate_sandbox/seed.py): iSellerPay money waits in the clearing
# account 1103, payouts land in the bank 1102 with the MDR fee an expense (6101), refunds are paid
# back against the receivable 1201.
ACCOUNTS = {
    "mdr_account_no": "6101",
    "payout_account_no": "1102",
    "refund_account_no": "1201",
    "sales_discount_account_no": "4103",
    "tax_account_no": "2103",
    "service_charge_account_no": "4102",
    "rounding_account_no": "6102",
    "adjustment_account_no": "5101",
    "deposit_account_no": "2104",
}
PAYMENT_ACCOUNTS = {"cash": "1101", "qris": "1102", "debit_card": "1102", "iseller_pay": "1103"}


def map_outlet(outlet: Any, *, branch: str = "Pusat", warehouse: str = "Gudang Utama") -> OutletMapping:
    mapping = OutletMapping.objects.create(
        outlet=outlet,
        branch_name=branch,
        warehouse_name=warehouse,
        active=True,
        activated_at=timezone.now(),
        **ACCOUNTS,
    )
    for method, account in PAYMENT_ACCOUNTS.items():
        PaymentAccount.objects.create(mapping=mapping, method=method, account_no=account)
    return mapping


def make_ready(tenant: Any, connection: Connection, *, items: bool = True) -> Connection:
    """Both outlets mapped and active, the store's settings, and the tenant's products in Accurate."""
    map_outlet(tenant.outlet)
    map_outlet(tenant.other_outlet, branch="Cabang Bali", warehouse="Gudang Bali")
    SyncSettings.objects.create(
        store=tenant.store, walk_in_customer_no="C-WALKIN", transit_warehouse_name="Transit"
    )
    if items:
        accurate_client_for(connection).bulk_save(
            "item",
            [{"no": p.sku, "name": p.name, "unitPrice": p.price} for p in tenant.products],
        )
    return connection


def post(
    tenant: Any, path: str, body: dict[str, Any], outlet: str = "JKT01", expect: int = 201
) -> dict[str, Any]:
    answer = tenant.api().post(f"/api/v1/outlets/{outlet}/{path}", body, format="json")
    assert answer.status_code == expect, answer.content
    return dict(answer.json())


def release(tenant: Any) -> None:
    """Every held or waiting row of the store due now (as "Sync now" or the schedule would)."""
    SyncActivity.objects.filter(store=tenant.store, status="pending").update(due_at=timezone.now())


def push(connection: Connection) -> RunResult:
    return connection_push(connection_id=connection.pk, lanes=2)


def total(record: dict[str, Any]) -> Decimal:
    return Decimal(str(record["totalAmount"]))
