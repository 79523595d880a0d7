"""The link to Accurate: the add-on, the store's connection (tokens encrypted at rest), cached lists
from Accurate, and each outlet's mapping to an Accurate branch, warehouse and accounts."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from outlets.models import Outlet, PaymentMethod, Product, Store


class AddOn(models.Model):
    """The Accurate add-on, activated for a store from the Apps menu."""

    store = models.OneToOneField(Store, on_delete=models.CASCADE, related_name="accurate_addon")
    activated_at = models.DateTimeField(auto_now_add=True)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )


class Connection(models.Model):
    """One store's link to one Accurate database. Tokens and the session are encrypted (Fernet)."""

    class Status(models.TextChoices):
        CHOOSING_DATABASE = "choosing_database", "Choose a database"
        CONNECTED = "connected", "Connected"
        NEEDS_RECONNECT = "needs_reconnect", "Needs reconnecting"
        DISCONNECTED = "disconnected", "Disconnected"

    store = models.OneToOneField(Store, on_delete=models.CASCADE, related_name="accurate_connection")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DISCONNECTED)
    # Who approved the access in Accurate.
    accurate_user_id = models.CharField(max_length=64, blank=True, default="")
    accurate_email = models.CharField(max_length=254, blank=True, default="")
    accurate_name = models.CharField(max_length=200, blank=True, default="")
    # Encrypted with mapping.crypto (MultiFernet over ACCURATE_TOKEN_KEYS); never stored in clear.
    access_token_encrypted = models.TextField(blank=True, default="")
    refresh_token_encrypted = models.TextField(blank=True, default="")
    token_expires_at = models.DateTimeField(null=True, blank=True)
    scopes = models.TextField(blank=True, default="", help_text="Granted scopes, space separated.")
    database_id = models.BigIntegerField(null=True, blank=True)
    database_alias = models.CharField(max_length=200, blank=True, default="")
    host = models.CharField(max_length=255, blank=True, default="")
    session_encrypted = models.TextField(blank=True, default="")
    # The rate limiter's key for this connection's token: opaque, never the token.
    limiter_key = models.UUIDField(default=uuid.uuid4, editable=False)
    connected_at = models.DateTimeField(null=True, blank=True)
    needs_reconnect_since = models.DateTimeField(null=True, blank=True)
    reconnect_email_sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.store} → {self.database_alias or '(no database)'} ({self.status})"

    @property
    def is_connected(self) -> bool:
        return self.status == self.Status.CONNECTED


class AccurateList(models.Model):
    """Master data read from Accurate once and kept, so opening a page spends no rate limit."""

    class Kind(models.TextChoices):
        BRANCH = "branch", "Branches"
        WAREHOUSE = "warehouse", "Warehouses"
        GLACCOUNT = "glaccount", "Accounts"
        CUSTOMER = "customer", "Customers"

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="lists")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    rows = models.JSONField(default=list)
    fetched_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "kind"], name="accurate_list_one_per_kind")
        ]


class OutletMapping(models.Model):
    """Where an outlet's documents go in Accurate. Active once every field checked out."""

    class PostingMode(models.TextChoices):
        """How the outlet's sales go to Accurate: each as its own invoice, or summed up per shift or
        per local day into one summary invoice (with a receipt per payment method)."""

        PER_SALE = "per_sale", _("One invoice per sale")
        PER_SHIFT = "per_shift", _("One summary invoice per shift")
        PER_DAY = "per_day", _("One summary invoice per day")

    outlet = models.OneToOneField(Outlet, on_delete=models.CASCADE, related_name="accurate_mapping")
    branch_name = models.CharField(max_length=200, blank=True, default="")
    warehouse_name = models.CharField(max_length=200, blank=True, default="")
    # The expense account iSellerPay's MDR fee is booked to when a payout arrives. (iSellerPay money
    # itself goes to the iSellerPay payment account: a cash/bank clearing account.)
    mdr_account_no = models.CharField(
        max_length=50, blank=True, default="", help_text="iSellerPay MDR fee (expense) account."
    )
    # The cash/bank account iSellerPay payouts land in.
    payout_account_no = models.CharField(max_length=50, blank=True, default="")
    # The account a refund's money is taken against: what the sales return credited (the customer's
    # receivable). The money leaves the refund method's cash/bank account. [U]
    refund_account_no = models.CharField(max_length=50, blank=True, default="")
    sales_discount_account_no = models.CharField(max_length=50, blank=True, default="")
    tax_account_no = models.CharField(max_length=50, blank=True, default="")
    service_charge_account_no = models.CharField(max_length=50, blank=True, default="")
    rounding_account_no = models.CharField(max_length=50, blank=True, default="")
    adjustment_account_no = models.CharField(max_length=50, blank=True, default="")
    deposit_account_no = models.CharField(max_length=50, blank=True, default="")
    # Read by the outbox when a sale is recorded: switching it changes only sales not yet posted.
    posting_mode = models.CharField(max_length=10, choices=PostingMode.choices, default=PostingMode.PER_SALE)
    active = models.BooleanField(default=False)
    activated_at = models.DateTimeField(null=True, blank=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The account fields of an outlet, with the merchant's name for each. Every active outlet needs
    # them, but the iSellerPay ones only where the store takes iSellerPay (mapping/services/outlets.py).
    ACCOUNT_FIELDS = {
        "mdr_account_no": _("iSellerPay MDR fee account"),
        "payout_account_no": _("iSellerPay payout bank account"),
        "sales_discount_account_no": _("Sales discount account"),
        "tax_account_no": _("Tax account"),
        "service_charge_account_no": _("Service charge account"),
        "rounding_account_no": _("Rounding difference account"),
        "adjustment_account_no": _("Stock adjustment account"),
        "deposit_account_no": _("Customer deposit account"),
        "refund_account_no": _("Refund account"),
    }


class PaymentAccount(models.Model):
    """The Accurate cash/bank account a payment method's money goes into, per outlet."""

    mapping = models.ForeignKey(OutletMapping, on_delete=models.CASCADE, related_name="payment_accounts")
    method = models.CharField(max_length=20, choices=PaymentMethod.choices)
    account_no = models.CharField(max_length=50)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mapping", "method"], name="payment_account_one_per_method")
        ]


class ProductExport(models.Model):
    """One Excel export of the catalogue for Accurate's item import: who, when, with which options."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="product_exports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    options = models.JSONField(default=dict)
    count = models.PositiveIntegerField(default=0, help_text="Products in the file.")

    class Meta:
        ordering = ["-created_at"]


class ProductExported(models.Model):
    """A product that went out in an export: "only products not exported before" skips these."""

    export = models.ForeignKey(ProductExport, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["product"], name="product_exported_product")]


class SyncSettings(models.Model):
    """The merchant's choices for how and when documents go to Accurate (one row per store).

    The schedule follows the merchant-facing help: transfers on = automatically at the set hour, off =
    only by hand; sales on = when a shift/register closes, off = daily at the set hour. Hours are in
    the store's time zone. The sync app reads these; only the add-on page writes them.
    """

    store = models.OneToOneField(Store, on_delete=models.CASCADE, related_name="accurate_sync_settings")
    transfers_auto = models.BooleanField(default=True)
    transfers_hour = models.PositiveSmallIntegerField(default=22)
    sales_on_shift_close = models.BooleanField(default=True)
    sales_hour = models.PositiveSmallIntegerField(default=23)
    # The Accurate customer a sale without a synced customer is invoiced to ("Pelanggan Umum").
    walk_in_customer_no = models.CharField(max_length=50, blank=True, default="")
    # Send an order's own customer (created in Accurate when missing) instead of the walk-in one.
    sync_customers = models.BooleanField(default=False)
    # The warehouse goods sit in between a transfer's sending and its receiving.
    transit_warehouse_name = models.CharField(max_length=200, blank=True, default="")
    # [U] Accurate takes PPN from each item's tax code; the mapper predicts it with this rate so the
    # invoice total equals the POS total, any difference going to the rounding account.
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("11.00"))
    # [U] The name of the database's PPN tax (Accurate's tax1Name); blank: Accurate's default tax.
    tax_name = models.CharField(max_length=100, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "sync settings"

    def __str__(self) -> str:
        return f"Sync settings of {self.store}"
