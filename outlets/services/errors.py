"""Errors a service raises for the caller to show. Each says what is wrong and how to fix it."""

from __future__ import annotations


class DocumentInvalid(Exception):
    """The document cannot be stored as it is. `errors` maps a field path to a readable message."""

    def __init__(self, errors: dict[str, str], message: str = "The document is not valid.") -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors


class DocumentConflict(Exception):
    """The POS number is already used by a different document (or the change is not allowed now)."""

    def __init__(self, message: str, fields: list[str] | None = None, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or []
        self.hint = hint


class DocumentNotFound(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
