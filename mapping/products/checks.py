"""SKU checks: Accurate knows items by code, so every product that may be sold needs a SKU that is
present, unique (trimmed, case-insensitive, as Accurate compares codes) and at most 30 characters.

Only active products are checked: inactive ones are not sold, so they are neither exported nor pushed.
Each check is one aggregate query in SQL, whatever the size of the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, IntegerField, Q, QuerySet, Sum, Window
from django.db.models.functions import Length, Lower, Trim
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from outlets.models import Product, Store

if TYPE_CHECKING:  # a typing helper of the stubs, installed with the dev requirements only
    from django_stubs_ext import WithAnnotations

# Accurate rejects longer item codes (docs/accurate.md, "Other traps").
SKU_MAX_LENGTH = 30
# The details page lists at most this many products per problem; the counts are always exact.
DETAILS_LIMIT = 500


class SkuFields(TypedDict):
    code: str
    sku_key: str


def checked_products(store: Store) -> QuerySet[WithAnnotations[Product, SkuFields]]:
    """The store's active products with the SKU as Accurate will see it (`code`) and the key that
    decides duplicates (`sku_key`)."""
    return Product.objects.filter(store=store, active=True).annotate(
        code=Trim("sku"), sku_key=Lower(Trim("sku"))
    )


def duplicate_keys(store: Store) -> QuerySet[WithAnnotations[Product, SkuFields], dict[str, object]]:
    """The SKU keys shared by more than one active product, with how many share each (`n`)."""
    return (
        checked_products(store)
        .exclude(sku_key="")
        .order_by()
        .values("sku_key")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )


@dataclass(frozen=True)
class SkuCounts:
    no_sku: int
    duplicate: int  # products sharing their SKU with another product
    too_long: int

    @property
    def total(self) -> int:
        return self.no_sku + self.duplicate + self.too_long


def sku_problem_counts(store: Store) -> SkuCounts:
    """How many active products have each problem (two queries)."""
    counts = (
        checked_products(store)
        .annotate(code_length=Length("code", output_field=IntegerField()))
        .aggregate(
            no_sku=Count("id", filter=Q(code="")),
            too_long=Count("id", filter=Q(code_length__gt=SKU_MAX_LENGTH)),
        )
    )
    duplicate = duplicate_keys(store).aggregate(products=Sum("n"))["products"] or 0
    return SkuCounts(no_sku=counts["no_sku"], duplicate=duplicate, too_long=counts["too_long"])


@dataclass(frozen=True)
class ProblemGroup:
    key: str  # no_sku, duplicate, too_long
    title: str
    count: int
    products: list[Product] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.products)


def sku_problem_details(store: Store, *, limit: int = DETAILS_LIMIT) -> list[ProblemGroup]:
    """The products with each problem, grouped (duplicates side by side, by SKU); empty groups left out."""
    counts = sku_problem_counts(store)
    base = checked_products(store).order_by("sku_key", "name", "pk")
    groups = [
        ProblemGroup("no_sku", "No SKU", counts.no_sku, list(base.filter(code="")[:limit])),
        ProblemGroup(
            "duplicate",
            "SKU shared with another product",
            counts.duplicate,
            # A window count, not `IN (GROUP BY …)`: the planner misjudges that join into minutes.
            list(
                base.exclude(sku_key="")
                .annotate(sharing=Window(Count("id"), partition_by=[Lower(Trim("sku"))]))
                .filter(sharing__gt=1)[:limit]
            ),
        ),
        ProblemGroup(
            "too_long",
            f"SKU longer than {SKU_MAX_LENGTH} characters",
            counts.too_long,
            list(
                base.annotate(code_length=Length("code", output_field=IntegerField())).filter(
                    code_length__gt=SKU_MAX_LENGTH
                )[:limit]
            ),
        ),
    ]
    return [group for group in groups if group.count]


def problems_message(counts: SkuCounts) -> str | None:
    if not counts.total:
        return None
    parts = []
    if counts.no_sku:
        parts.append(
            ngettext("%(count)d product has no SKU", "%(count)d products have no SKU", counts.no_sku)
            % {"count": counts.no_sku}
        )
    if counts.duplicate:
        parts.append(
            ngettext(
                "%(count)d product shares a SKU with another product",
                "%(count)d products share a SKU with another product",
                counts.duplicate,
            )
            % {"count": counts.duplicate}
        )
    if counts.too_long:
        parts.append(
            ngettext(
                "%(count)d product has a SKU longer than %(max)d characters",
                "%(count)d products have a SKU longer than %(max)d characters",
                counts.too_long,
            )
            % {"count": counts.too_long, "max": SKU_MAX_LENGTH}
        )
    details = format_html('<a href="{}">{}</a>', reverse("mapping:product_problems"), _("Show details"))
    return format_html(
        _(
            "Fix the SKUs first: {problems}. Accurate knows items by code, so each product needs its own "
            "SKU. {details} lists them, and you can fix them there or in the POS."
        ),
        problems=", ".join(parts),
        details=details,
    )


def product_problems_message(store: Store) -> str | None:
    """What the merchant must fix before products go to Accurate (export or push); None when clean.

    HTML-safe (a SafeString, which stays safe through an exception's str() and the messages framework):
    "Show details" links to the problems page wherever the refusal is shown."""
    return problems_message(sku_problem_counts(store))
