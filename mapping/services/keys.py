"""Key rotation: every connection's secrets re-encrypted under the newest key."""

from __future__ import annotations

from django.db import transaction

from mapping import crypto
from mapping.models import Connection

SECRET_FIELDS = ("access_token_encrypted", "refresh_token_encrypted", "session_encrypted")


def connections_reencrypt() -> int:
    """Re-encrypt each connection's tokens and session under the newest key; returns how many.

    One short transaction per row, under its lock, so a worker refreshing the token at the same
    time cannot have its new token overwritten by the old one re-encrypted.
    """
    count = 0
    for connection_id in Connection.objects.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            row = Connection.objects.select_for_update().get(pk=connection_id)
            for name in SECRET_FIELDS:
                setattr(row, name, crypto.rotate(getattr(row, name)))
            row.save(update_fields=[*SECRET_FIELDS, "updated_at"])
        count += 1
    return count
