"""Request bodies into one nested structure, whether they come as JSON or as flat form keys.

`data[0].detailItem[1].quantity=2` and `{"data": [{"detailItem": [{}, {"quantity": 2}]}]}` parse to
the same thing. Form values stay strings; JSON numbers with a fraction become Decimal, never float.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

from accurate_sandbox.http import Request

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


class BadBody(ValueError):
    pass


def parse_body(request: Request) -> dict[str, Any]:
    """The body as a dict; for form bodies, query parameters are merged in underneath."""
    content_type = request.header("content-type").split(";")[0].strip().lower()
    if content_type == "application/json":
        try:
            value = json.loads(request.body or b"{}", parse_float=Decimal)
        except (ValueError, UnicodeDecodeError) as error:
            raise BadBody(f"JSON tidak valid: {error}") from error
        if not isinstance(value, dict):
            raise BadBody("JSON tidak valid: harus berupa objek")
        return value
    pairs = [(key, values[0]) for key, values in request.query.items()]
    if request.body:
        pairs += parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True)
    return nest_flat(pairs)


def nest_flat(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """`a[0].b` keys into nested dicts and lists; list indices may be sparse and arrive in any order."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        parts: list[str | int] = []
        for name, index in _PART.findall(key):
            parts.append(int(index) if index else name)
        if not parts or not isinstance(parts[0], str):
            continue
        _assign(root, parts, value)
    nested: dict[str, Any] = _densify(root)
    return nested


def _assign(node: dict[Any, Any], parts: list[str | int], value: str) -> None:
    # Lists are built as dicts keyed by index first; _densify turns them into lists in index order.
    for position, part in enumerate(parts[:-1]):
        child = node.get(part)
        wants_index = isinstance(parts[position + 1], int)
        if not isinstance(child, dict):
            child = {"__list__": True} if wants_index else {}
            node[part] = child
        node = child
    node[parts[-1]] = value


def _densify(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    if node.pop("__list__", False):
        return [_densify(node[index]) for index in sorted(k for k in node if isinstance(k, int))]
    return {key: _densify(value) for key, value in node.items()}
