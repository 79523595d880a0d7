"""Strict fields: each takes exactly what the OpenAPI schema says it takes, and nothing else.

DRF's own fields are lenient (a number where a string is asked, `"yes"` for true, a time without
seconds, `" 5"` for an amount); a POS that relies on a leniency the schema does not state breaks on
the day it is tightened. Here the schema is the contract: an amount is a string of digits with the
field's own bounds (a pattern the schema publishes, and the same pattern decides here), a boolean is
`true` or `false`, a time is RFC 3339 with its offset, a date is `YYYY-MM-DD`, text is a string.
"""

from __future__ import annotations

import re
from decimal import Decimal
from enum import Enum
from typing import Any

from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

TEXT_NOT_STRING = "Must be text (a JSON string)."


class Sign(Enum):
    ANY = "any"
    NOT_NEGATIVE = "not negative"
    POSITIVE = "more than 0"
    NOT_ZERO = "not 0"


def _nonzero_fraction(places: int) -> str:
    """A fraction of 1 to `places` digits that are not all 0: `.5`, `.05`, `.50`."""
    return "|".join(f"0{{{k}}}[1-9][0-9]{{0,{places - 1 - k}}}" for k in range(places))


def decimal_pattern(max_digits: int, places: int, sign: Sign) -> str:
    """The exact text an amount may have: digits, at most `places` after the point, no exponent."""
    whole = max_digits - places
    fraction = rf"(\.[0-9]{{1,{places}}})?"
    nonzero = rf"[1-9][0-9]{{0,{whole - 1}}}{fraction}|0\.({_nonzero_fraction(places)})"
    body = {
        Sign.ANY: rf"-?(0|[1-9][0-9]{{0,{whole - 1}}}){fraction}",
        Sign.NOT_NEGATIVE: rf"(0|[1-9][0-9]{{0,{whole - 1}}}){fraction}",
        Sign.POSITIVE: nonzero,
        Sign.NOT_ZERO: rf"-?({nonzero})",
    }[sign]
    return f"^({body})$"


class NoBlankForNull:
    """DRF reads "" as null for a nullable non-text field (a form's empty input); JSON has null."""

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data == "":
            return (False, data)
        return super().validate_empty_values(data)  # type: ignore[misc, no-any-return]


NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")
SIGN_MESSAGES = {
    Sign.ANY: "",
    Sign.NOT_NEGATIVE: "Must be 0 or more.",
    Sign.POSITIVE: "Must be more than 0.",
    Sign.NOT_ZERO: "Must not be 0.",
}


class StrictDecimalField(NoBlankForNull, serializers.DecimalField):
    """An amount or a quantity as a string matching `pattern` (published in the schema).

    The refusal says what is wrong: not a string, too many decimals or digits (DRF's messages), the
    sign (`sign_message`, or the sign's own), or the shape (leading zeros, an exponent, spaces).
    """

    def __init__(
        self,
        *,
        max_digits: int,
        decimal_places: int,
        sign: Sign = Sign.ANY,
        sign_message: str = "",
        **kwargs: Any,
    ):
        self.sign = sign
        self.sign_message = sign_message or SIGN_MESSAGES[sign]
        self.pattern = decimal_pattern(max_digits, decimal_places, sign)
        self._regex = re.compile(self.pattern[1:-1])
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)

    default_error_messages = {
        **serializers.DecimalField.default_error_messages,
        "not_string": 'Send it as a string of digits, e.g. "41800" or "41800.50" (a number may lose cents).',
        "shape": 'Write it as plain digits, e.g. "41800" or "-1.5": no spaces, exponent or leading zeros.',
    }

    def to_internal_value(self, data: Any) -> Decimal:
        if not isinstance(data, str):
            self.fail("not_string")
        if self._regex.fullmatch(data) is not None:
            return super().to_internal_value(data)  # type: ignore[no-any-return]
        if NUMBER.fullmatch(data) is None:
            self.fail("shape")
        value: Decimal = super().to_internal_value(data)  # too many decimals or digits: DRF says so
        wrong_sign = {
            Sign.ANY: False,
            Sign.NOT_NEGATIVE: value < 0,
            Sign.POSITIVE: value <= 0,
            Sign.NOT_ZERO: value == 0,
        }[self.sign]
        if wrong_sign:
            raise serializers.ValidationError(self.sign_message, code="sign")
        self.fail("shape")  # leading zeros, "-0"
        return value


class StrictCharField(serializers.CharField):
    """Text, taken as sent: a number is not text, and surrounding spaces are kept, not trimmed.
    NUL is refused (PostgreSQL cannot store it), and the schema says so."""

    default_error_messages = {**serializers.CharField.default_error_messages, "invalid": TEXT_NOT_STRING}

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)  # type: ignore[no-any-return]


class StrictRegexField(serializers.RegexField):
    def __init__(self, regex: str, **kwargs: Any):
        kwargs.setdefault("trim_whitespace", False)
        super().__init__(regex, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)  # type: ignore[no-any-return]


class StrictBooleanField(NoBlankForNull, serializers.BooleanField):
    default_error_messages = {"invalid": "Must be true or false (a JSON boolean)."}

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


# RFC 3339 (the schema's `date-time`): seconds required, an offset or Z required.
RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class AwareDateTimeField(NoBlankForNull, serializers.DateTimeField):
    """A time with its UTC offset, RFC 3339. A bare local time is refused: the outlet's zone decides
    the day; an impossible one (minute 60, 30 February, +25:00, year 0) is refused at its path."""

    default_error_messages = {
        **serializers.DateTimeField.default_error_messages,
        "rfc3339": "Give the time as RFC 3339 with its UTC offset, e.g. 2026-11-20T10:15:00+07:00.",
        "impossible": "No such time: check the date, the hour, the minute and the offset.",
    }

    def to_internal_value(self, value: Any) -> Any:
        if not isinstance(value, str) or RFC3339.fullmatch(value) is None:
            self.fail("rfc3339")
        try:
            parsed = parse_datetime(value.upper())
        except ValueError:  # well formed but impossible
            parsed = None
        if parsed is None or parsed.year < 1:
            self.fail("impossible")
        return super().to_internal_value(value.upper())


class StrictDateField(NoBlankForNull, serializers.DateField):
    default_error_messages = {
        **serializers.DateField.default_error_messages,
        "iso": "Give the day as YYYY-MM-DD, e.g. 2026-11-20.",
        "impossible": "No such day: check the month and the day.",
    }

    def to_internal_value(self, value: Any) -> Any:
        if not isinstance(value, str) or ISO_DATE.fullmatch(value) is None:
            self.fail("iso")
        try:
            parsed = parse_date(value)
        except ValueError:
            parsed = None
        if parsed is None:
            self.fail("impossible")
        return super().to_internal_value(value)


class StrictDecimalSchema(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    """The schema of an amount: the request publishes the exact pattern; a response's amounts are
    the stored canonical digits ("41800", "1.5", "-500")."""

    target_class = StrictDecimalField

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        field: StrictDecimalField = self.target
        if direction == "response":
            return {"type": "string", "format": "decimal", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"}
        return {"type": "string", "format": "decimal", "pattern": field.pattern}


class StrictCharSchema(OpenApiSerializerFieldExtension):  # type: ignore[no-untyped-call]
    """Text: any characters but NUL, within the field's length."""

    target_class = StrictCharField

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        field: StrictCharField = self.target
        schema: dict[str, Any] = {"type": "string"}
        if field.max_length is not None:
            schema["maxLength"] = field.max_length
        if not field.allow_blank:
            schema["minLength"] = 1
        if direction == "request":
            # "+", not "*": a blank-allowed field gets a oneOf with "" from drf-spectacular, and ""
            # must match only that branch.
            schema["pattern"] = "^[^\\u0000]+$"
        return schema
