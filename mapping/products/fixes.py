"""Fixing SKUs where the merchant sees them: the problems page lets the owner give a product its SKU,
or settle a SKU that products share by letting one keep it while the others get distinct ones.

Both go through the ingestion API's own product upsert (`outlets.services.products.products_upsert`),
with the product's stored body and only the SKU changed, so a fix is the same write a POS makes, and
the POS's next post of the product wins as any later post does. A SKU is checked as the checks read
it (trimmed, case-insensitive, at most 30 characters) and stored trimmed. Each fix runs in one
transaction under the store's row lock (as a push's start does), so two fixes cannot hand out one
SKU twice and a push never starts half-way through a fix.
"""

from __future__ import annotations

import itertools
import unicodedata
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet, Value
from django.db.models.functions import Lower, Trim
from django.utils.translation import gettext as _

from mapping.products.checks import SKU_MAX_LENGTH
from outlets.models import Product, Store
from outlets.services.products import product_item, products_upsert


class SkuRefused(Exception):
    """The SKU cannot be given; the message says why. Nothing was saved."""


@dataclass(frozen=True)
class SkuChange:
    name: str
    pos_id: str
    old: str  # as Accurate would have read it: trimmed, "" for none
    new: str

    @property
    def message(self) -> str:
        names = {"name": self.name, "pos_id": self.pos_id, "old": self.old, "new": self.new}
        if not self.old:
            return _("“%(name)s” (POS id %(pos_id)s) now has the SKU %(new)s; it had none.") % names
        return _("The SKU of “%(name)s” (POS id %(pos_id)s) changed from %(old)s to %(new)s.") % names


def product_sku_set(*, store: Store, product_id: int, sku: str) -> SkuChange | None:
    """Give one of the store's products `sku`; None when it already had that SKU (trimmed).

    Raises Product.DoesNotExist for a product of another store, SkuRefused for a SKU that is empty,
    too long for Accurate, holds control characters, or is another product's (in any case, trimmed)."""
    new = sku.strip()
    refusal = _format_refusal(new)
    if refusal is not None:
        raise SkuRefused(refusal)
    with transaction.atomic():
        _lock_store(store)
        product = _locked_products(store).get(pk=product_id)
        holder = _products_with_key(store, new).exclude(pk=product.pk).first()
        if holder is not None:
            raise SkuRefused(
                _(
                    "The SKU %(sku)s is already used by “%(name)s” (POS id %(pos_id)s); each product "
                    "needs a SKU of its own. Nothing was changed."
                )
                % {"sku": new, "name": holder.name, "pos_id": holder.pos_id}
            )
        if product.sku.strip() == new:  # Accurate reads the same code: nothing to change
            return None
        products_upsert(store=store, items=[product_item(product, sku=new)])
    return SkuChange(product.name, product.pos_id, product.sku.strip(), new)


def product_sku_keep(*, store: Store, product_id: int) -> list[SkuChange]:
    """Settle a shared SKU: the product keeps it, and every other active product sharing it (trimmed,
    case-insensitive) gets it with -2, -3… added, cut to fit 30 characters, skipping SKUs any product
    of the store has. Returns the changes (none when nothing shares the SKU).

    Raises Product.DoesNotExist for a product of another store, SkuRefused for one without a SKU."""
    with transaction.atomic():
        _lock_store(store)
        kept = _locked_products(store).get(pk=product_id)
        code = kept.sku.strip()
        if not code:
            raise SkuRefused(_("“%(name)s” has no SKU to keep; give it one first.") % {"name": kept.name})
        sharing = list(
            _products_with_key(_locked_products(store), code)
            .filter(active=True)
            .exclude(pk=kept.pk)
            .order_by("pk")
        )
        # Every SKU a candidate could equal starts with the code's first characters (the suffix
        # takes at most ten of the thirty).
        taken = set(
            Product.objects.filter(store=store)
            .annotate(sku_key=Lower(Trim("sku")))
            .filter(sku_key__startswith=code.lower()[: SKU_MAX_LENGTH - 10].rstrip())
            .values_list("sku_key", flat=True)
        )
        changes = [
            SkuChange(product.name, product.pos_id, product.sku.strip(), _distinct(code, taken))
            for product in sharing
        ]
        if changes:
            items = [product_item(p, sku=c.new) for p, c in zip(sharing, changes, strict=True)]
            products_upsert(store=store, items=items)
    return changes


def _format_refusal(sku: str) -> str | None:
    if not sku:
        return _("Enter a SKU: it cannot be empty or only spaces. Nothing was changed.")
    if len(sku) > SKU_MAX_LENGTH:
        return _(
            "A SKU has at most %(max)d characters (Accurate's limit for an item code); this one has "
            "%(length)d. Nothing was changed."
        ) % {"max": SKU_MAX_LENGTH, "length": len(sku)}
    if any(unicodedata.category(char) == "Cc" for char in sku):
        return _("A SKU cannot hold tabs, line breaks or other control characters. Nothing was changed.")
    return None


def _distinct(code: str, taken: set[str]) -> str:
    for n in itertools.count(2):
        suffix = f"-{n}"
        candidate = code[: SKU_MAX_LENGTH - len(suffix)].rstrip() + suffix
        if candidate.lower() not in taken:
            taken.add(candidate.lower())
            return candidate
    raise AssertionError("unreachable")  # itertools.count never ends


def _lock_store(store: Store) -> None:
    Store.objects.select_for_update().get(pk=store.pk)


def _locked_products(store: Store) -> QuerySet[Product]:
    return Product.objects.select_for_update().filter(store=store)


def _products_with_key(source: Store | QuerySet[Product], code: str) -> QuerySet[Product]:
    """The products (of a store, or of a queryset) whose SKU is `code` as the checks compare SKUs:
    trimmed and case-folded, both sides by the database."""
    products = source if isinstance(source, QuerySet) else Product.objects.filter(store=source)
    return products.annotate(sku_key=Lower(Trim("sku"))).filter(sku_key=Lower(Value(code)))
