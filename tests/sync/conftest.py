"""The sync tests share the mapping tests' sandbox connection: a store connected to database 101.

The sync pages belong to the Accurate add-on: the personas a test uses have it activated.
"""

from typing import Any

import pytest

from mapping.models import AddOn
from tests.mapping.conftest import DB_ID, TEST_KEY, accurate_at, connected, token_keys

__all__ = ["DB_ID", "TEST_KEY", "accurate_at", "addon_activated", "connected", "token_keys"]


@pytest.fixture(autouse=True)
def addon_activated(request: Any) -> None:
    for name in ("tenant", "outsider"):
        if name in request.fixturenames:
            persona = request.getfixturevalue(name)
            AddOn.objects.get_or_create(store=persona.store, defaults={"activated_by": persona.owner})
