"""The mapping selectors never return another store's rows."""

import pytest
from django.http import Http404

from mapping.models import OutletMapping
from mapping.selectors import connection_for_store, mapping_for_outlet, outlet_mappings_for_store

pytestmark = pytest.mark.django_db


def test_another_stores_outlet_is_not_found(tenant, outsider):
    OutletMapping.objects.create(outlet=outsider.outlet, branch_name="Pusat")

    with pytest.raises(Http404):
        mapping_for_outlet(tenant.store, outsider.outlet.pk)


def test_an_unmapped_outlet_gets_an_unsaved_empty_mapping(tenant):
    mapping = mapping_for_outlet(tenant.store, tenant.outlet.pk)

    assert mapping.pk is None
    assert mapping.outlet == tenant.outlet
    assert OutletMapping.objects.count() == 0


def test_the_outlets_come_with_their_mapping_and_only_the_stores_own(tenant, outsider):
    mapped = OutletMapping.objects.create(outlet=tenant.other_outlet, branch_name="Cabang Bali")
    OutletMapping.objects.create(outlet=outsider.outlet, branch_name="Pusat")

    rows = outlet_mappings_for_store(tenant.store)

    assert [(row.outlet.code, row.mapping) for row in rows] == [("BALI1", mapped), ("JKT01", None)]
    assert mapping_for_outlet(tenant.store, tenant.other_outlet.pk) == mapped
    assert connection_for_store(tenant.store) is None
