"""The sync tests share the mapping tests' sandbox connection: a store connected to database 101."""

from tests.mapping.conftest import DB_ID, TEST_KEY, accurate_at, connected, token_keys

__all__ = ["DB_ID", "TEST_KEY", "accurate_at", "connected", "token_keys"]
