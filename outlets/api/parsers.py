"""The API's JSON parser: DRF's, with a body nested too deeply for Python refused as malformed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            # `[[[[…]]]]` a thousand deep exhausts the stack in json.loads; it is no document.
            raise ParseError("it is nested too deeply.") from None
