"""POS documents' payload hashes in the one encoding (iseller_accurate/hashing.py).

A POS body was hashed with its non-ASCII characters as they are; the one hash the sync also uses
writes them as \\uXXXX escapes (the encoding every AccurateBinding hash was computed with). A body
with only ASCII characters hashes the same either way, so only documents whose stored body has other
characters (a customer's or a product's name, a note) are rehashed, from the stored normalised body,
and only where the stored hash is the old hash of that body. Reversible.

The encodings are written out here, not imported: a migration must keep meaning what it meant.
"""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations

DOCUMENTS = ("Shift", "Order", "Refund", "Transfer", "Adjustment", "StockTake", "Deposit", "Payout")
CHUNK = 2000


def _as_is(payload):
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text, hashlib.sha256(text.encode()).hexdigest()


def _escaped(payload):
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256(text.encode()).hexdigest()


def _rehash(apps, forward):
    for name in DOCUMENTS:
        model = apps.get_model("outlets", name)
        changed = []
        rows = model.objects.order_by("pk").values_list("pk", "payload", "payload_hash")
        for pk, payload, stored in rows.iterator(chunk_size=CHUNK):
            text, as_is = _as_is(payload)
            if text.isascii():
                continue  # the same hash in both encodings
            old, new = (as_is, _escaped(payload)) if forward else (_escaped(payload), as_is)
            if stored == old and new != old:
                changed.append(model(pk=pk, payload_hash=new))
            if len(changed) >= CHUNK:
                model.objects.bulk_update(changed, ["payload_hash"])
                changed = []
        model.objects.bulk_update(changed, ["payload_hash"])


def forwards(apps, schema_editor):
    _rehash(apps, forward=True)


def backwards(apps, schema_editor):
    _rehash(apps, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("outlets", "0002_product_taxable_payout"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=True)]
