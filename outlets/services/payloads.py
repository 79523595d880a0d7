"""Normalised document bodies: what makes two posts of one document "the same".

A body is normalised after validation (defaults filled in, decimals in canonical digits, times in
UTC), so `"1000"` and `"1000.00"`, or `+07:00` and `Z` for the same instant, are the same document.
A stored document keeps the hash of its normalised body (`payload_hash`, the one hash the sync also
uses for what it sends to Accurate: iseller_accurate/hashing.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from iseller_accurate.hashing import payload_hash as payload_hash

JSONValue = Any


def normalise(value: Any) -> JSONValue:
    if isinstance(value, Mapping):
        return {str(k): normalise(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalise(v) for v in value]
    if isinstance(value, Decimal):
        # Canonical digits: 41800, 41800.0 and 41800.00 are one amount.
        return format(value.normalize(), "f") if value else "0"
    if isinstance(value, str):
        return str(value)  # plain str, also for a TextChoices member
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value


def payload_diff(old: JSONValue, new: JSONValue, path: str = "") -> list[str]:
    """Paths where two normalised bodies differ, e.g. `["total", "lines[1].quantity"]`."""
    if isinstance(old, dict) and isinstance(new, dict):
        paths: list[str] = []
        for key in sorted(set(old) | set(new)):
            sub = f"{path}.{key}" if path else key
            if key not in old or key not in new:
                paths.append(sub)
            else:
                paths.extend(payload_diff(old[key], new[key], sub))
        return paths
    if isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            return [path or "(body)"]
        paths = []
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            paths.extend(payload_diff(a, b, f"{path}[{index}]"))
        return paths
    return [] if old == new else [path or "(body)"]
