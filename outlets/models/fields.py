"""Field shapes shared by every POS model. Money is Decimal end to end, never float."""

from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

MONEY_PLACES = 2
QUANTITY_PLACES = 3
ZERO = Decimal("0")


def money_field(**kwargs: Any) -> models.DecimalField:
    kwargs.setdefault("default", ZERO)
    return models.DecimalField(max_digits=18, decimal_places=MONEY_PLACES, **kwargs)


def quantity_field(**kwargs: Any) -> models.DecimalField:
    return models.DecimalField(max_digits=14, decimal_places=QUANTITY_PLACES, **kwargs)


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    DEBIT_CARD = "debit_card", _("Debit card")
    CREDIT_CARD = "credit_card", _("Credit card")
    QRIS = "qris", "QRIS"
    E_WALLET = "e_wallet", _("E-wallet")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    ISELLER_PAY = "iseller_pay", "iSellerPay"
