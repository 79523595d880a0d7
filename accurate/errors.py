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
    # Another record already has the same value in some other unique field (an item's barcode):
    # the record is NOT in Accurate. `clash` names the field and the value.
    duplicate_value = "duplicate_value"
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
    ErrorKind.duplicate_value: "Accurate already has another record with the same value in a unique field.",
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
        clash: tuple[str, str] | None = None,
    ) -> None:
        self.kind = kind
        self.messages = [str(message) for message in messages]
        self.number = number
        self.http_status = http_status
        self.clash = clash  # duplicate_value: (the field as Accurate names it, the value)
        super().__init__(str(self))

    @property
    def retryable(self) -> bool:
        return self.kind in RETRYABLE

    def __str__(self) -> str:
        if self.kind is ErrorKind.duplicate_value and self.clash:
            field, value = self.clash
            return f"Accurate already has another record with {field} {value}."
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
# "Sudah ada data lain dengan <field> <value>": another record has that value in a unique field.
# Only a clash on the record's own key means "this record is already there": the number of a
# document ("No"), the code of an item ("Kode Barang") or of other master data. A clash on any
# other field (an item's "UPC/Barcode") means the record is NOT there. [S] for "No", [U] for the
# other labels: Accurate's forms name their fields so; matched case-insensitively.
_DUPLICATE = re.compile(r"sudah ada data lain dengan\s+(?P<rest>.*)", re.IGNORECASE | re.DOTALL)
KEY_LABELS = (
    "no",
    "nomor",
    "no.",
    "kode barang",
    "kode",
    "no pelanggan",
    "kode pelanggan",
    "nama cabang",
    "nama gudang",
    "no akun",
)
# Other fields known to be unique, longest first so "UPC/Barcode" wins over "Barcode". [U]
OTHER_LABELS = ("upc/barcode", "barcode", "nama barang", "nama")


def _strip_value(value: str) -> str:
    return value.strip().strip("\"'“”").rstrip(".").strip().strip("\"'“”")


def _split_label(rest: str, labels: Iterable[str]) -> tuple[str, str] | None:
    """(the label as written, the value after it) when `rest` starts with one of `labels`."""
    lowered = rest.lower()
    for label in sorted(labels, key=len, reverse=True):
        if lowered.startswith(label) and (len(rest) == len(label) or not rest[len(label)].isalnum()):
            return rest[: len(label)], _strip_value(rest[len(label) :].lstrip(" :"))
    return None


def clash_in(message: str) -> tuple[bool, str, str] | None:
    """A "Sudah ada data lain dengan …" message read: (on the key?, field, value); None otherwise.

    An unknown field label counts as another field (never as "already there"): the whole text
    after "dengan" is then the field, and the value is empty."""
    match = _DUPLICATE.search(message)
    if match is None:
        return None
    rest = match.group("rest").strip()
    key = _split_label(rest, KEY_LABELS)
    if key is not None:
        return True, key[0], key[1]
    other = _split_label(rest, OTHER_LABELS)
    if other is not None:
        return False, other[0], other[1]
    return False, _strip_value(rest), ""


def duplicate_number_in(message: str) -> str | None:
    """The number in "Sudah ada data lain dengan No X" (any key label), or None when the message is
    not a clash on the record's own key."""
    clash = clash_in(message)
    if clash is None or not clash[0]:
        return None
    return clash[2]


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
        clash = clash_in(message)
        if clash is None:
            continue
        on_key, field, value = clash
        if on_key:
            return AccurateError(
                ErrorKind.duplicate_number, messages, number=value or sent_number, http_status=http_status
            )
        return AccurateError(
            ErrorKind.duplicate_value, messages, http_status=http_status, clash=(field, value)
        )
    return AccurateError(ErrorKind.validation, messages, http_status=http_status)
