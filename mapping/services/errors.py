"""Errors the mapping services raise for a page to show. Each message is for the merchant."""

from __future__ import annotations


class ConnectError(Exception):
    """Connecting to Accurate (or choosing its database) did not work; nothing was stored."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
