"""The one error type the client raises, and the mapping from Accurate's messages to its kinds."""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum


class ErrorKind(StrEnum):
    rate_limited = "rate_limited"
    session_expired = "session_expired"
    token_invalid = "token_invalid"
    insufficient_scope = "insufficient_scope"
    duplicate_number = "duplicate_number"
    validation = "validation"
    not_found = "not_found"
    unavailable = "unavailable"
    # A write was sent and no answer came back (read timeout, dropped connection): the document may
    # exist in Accurate. Look it up by number before posting it again.
    unclear = "unclear"


RETRYABLE = frozenset(
    {ErrorKind.rate_limited, ErrorKind.session_expired, ErrorKind.unavailable, ErrorKind.unclear}
)

_SUMMARIES = {
    ErrorKind.rate_limited: "Accurate is receiving too many requests; the sync will try again shortly.",
    ErrorKind.session_expired: "The Accurate database session expired; the sync will try again.",
    ErrorKind.token_invalid: "The connection to Accurate is no longer authorized. Connect to Accurate again.",
    ErrorKind.insufficient_scope: "Accurate refused: a permission was not granted. Connect to Accurate "
    "again and approve every permission.",
    ErrorKind.duplicate_number: "Accurate already has a document with this number.",
    ErrorKind.validation: "Accurate rejected the data.",
    ErrorKind.not_found: "Accurate does not have this record.",
    ErrorKind.unavailable: "Accurate could not be reached; the sync will try again.",
    ErrorKind.unclear: "No answer from Accurate after sending; the document may already be there. "
    "It is checked before sending again.",
}


class AccurateError(Exception):
    """Any failure talking to Accurate. `retryable` tells a task whether trying later can help."""

    def __init__(
        self,
        kind: ErrorKind,
        messages: Iterable[str] = (),
        *,
        number: str | None = None,
        http_status: int | None = None,
    ) -> None:
        self.kind = kind
        self.messages = [str(message) for message in messages]
        self.number = number
        self.http_status = http_status
        super().__init__(str(self))

    @property
    def retryable(self) -> bool:
        return self.kind in RETRYABLE

    def __str__(self) -> str:
        if (
            self.kind in (ErrorKind.validation, ErrorKind.not_found, ErrorKind.duplicate_number)
            and self.messages
        ):
            # Accurate's own words (Indonesian) are what the merchant sees in Accurate too.
            return "Accurate: " + "; ".join(self.messages)
        if self.kind is ErrorKind.duplicate_number and self.number:
            return f"Accurate already has a document with number {self.number}."
        return _SUMMARIES[self.kind]

    def __repr__(self) -> str:
        return (
            f"AccurateError(kind={self.kind.value!r}, messages={self.messages!r}, "
            f"number={self.number!r}, http_status={self.http_status!r})"
        )


# Accurate answers these failures with HTTP 200 and `s: false`; only the message tells them apart.
# The wording is from recorded live calls [S]; matched loosely (lower case, no punctuation).
_SESSION_MARK = "session key"  # "Data Session Key tidak tepat"
_RATE_MARK = "melebihi toleransi"  # "Jumlah request API melebihi toleransi yang diperbolehkan…"
# "Sudah ada data lain dengan No X" for documents; items and master data name their key field
# instead ("… dengan Kode Barang X", "… dengan Nama Cabang X") [S/U].
_DUPLICATE_MARK = "sudah ada data lain dengan"
_DUPLICATE_NO = re.compile(r"sudah ada data lain dengan no\b[.:]?\s*(?P<rest>.*)", re.IGNORECASE | re.DOTALL)


def duplicate_number_in(message: str) -> str | None:
    """The number in "Sudah ada data lain dengan No X", or None when the message is not a duplicate.

    [U] Only "… dengan No X" is known to carry the number last; for other key names ("Kode Barang")
    it returns "" and the caller uses the number it sent. Quotes and a trailing full stop are dropped.
    """
    if _DUPLICATE_MARK not in message.lower():
        return None
    match = _DUPLICATE_NO.search(message)
    if match is None:
        return ""
    return match.group("rest").strip().strip("\"'“”").rstrip(".").strip().strip("\"'“”")


def error_from_messages(
    messages: list[str], *, http_status: int | None = None, sent_number: str | None = None
) -> AccurateError:
    """Map the messages of an `s: false` answer to the error they mean."""
    lowered = [message.lower() for message in messages]
    if any(_SESSION_MARK in message for message in lowered):
        return AccurateError(ErrorKind.session_expired, messages, http_status=http_status)
    if any(_RATE_MARK in message for message in lowered):
        return AccurateError(ErrorKind.rate_limited, messages, http_status=http_status)
    for message in messages:
        number = duplicate_number_in(message)
        if number is not None:
            return AccurateError(
                ErrorKind.duplicate_number, messages, number=number or sent_number, http_status=http_status
            )
    return AccurateError(ErrorKind.validation, messages, http_status=http_status)
