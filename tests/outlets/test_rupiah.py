"""Amounts on the pages are rupiah: dot for thousands, cents only when there are some."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template

from outlets.templatetags.rupiah import format_rupiah


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        (Decimal("41800.00"), "Rp 41.800"),
        (Decimal("0"), "Rp 0"),
        (Decimal("1234567.5"), "Rp 1.234.567,50"),
        (Decimal("-2500"), "-Rp 2.500"),
        (Decimal("999.995"), "Rp 1.000"),
        (125, "Rp 125"),
    ],
)
def test_it_formats_rupiah(amount, shown):
    assert format_rupiah(amount) == shown


def test_the_template_filter_formats_and_leaves_nothing_for_no_amount():
    template = Template("{% load rupiah %}[{{ a|rupiah }}][{{ b|rupiah }}]")

    assert template.render(Context({"a": Decimal("41800"), "b": None})) == "[Rp 41.800][]"
