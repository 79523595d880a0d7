"""The one hash of a JSON document, for the POS bodies (`outlets`: a replay or a change of a POS
document) and for the payloads sent to Accurate (`sync`: a document Accurate has unchanged).

The text hashed: keys sorted, no spaces, non-ASCII characters as `\\uXXXX` escapes, Decimals and
datetimes as Django's JSON encoder writes them (a normalised POS body has none; a mapper's payload
keeps its Decimals). This is the encoding AccurateBinding.payload_hash was always computed with, so
every binding stays valid; a POS body was hashed with its non-ASCII characters as they are until
outlets migration 0003, which recomputed the hashes of the documents stored with such characters.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder


def canonical_json(document: Any) -> str:
    """`document` as the one text its hash is computed from."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)


def payload_hash(document: Any) -> str:
    """The SHA-256 (hex) of `document`'s canonical JSON text."""
    return hashlib.sha256(canonical_json(document).encode()).hexdigest()
