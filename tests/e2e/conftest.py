"""The end-to-end sync tests' running stack: a live sandbox, the store connected to it, and a real
worker and beat started by the test (see tests/e2e/sync_support.py). A module may define its own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.sync_support import SyncStack, sync_stack


@pytest.fixture
def stack(tmp_path: Path, tenant: Any, settings: Any) -> Iterator[SyncStack]:
    with sync_stack(tmp_path, tenant, settings) as running:
        yield running
