"""The outlets tests: each starts in the default language."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def default_language_after_each_test() -> Iterator[None]:
    """A request in Indonesian leaves its language active in the thread (LocaleMiddleware does not
    reset it); messages built outside a request in the next test would come out in Indonesian."""
    yield
    translation.deactivate()
