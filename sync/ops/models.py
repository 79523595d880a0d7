"""The last sign of life of each Celery process, read by `/readyz`.

Imported by sync/models.py, so Django registers the model with the sync app.
"""

from __future__ import annotations

from django.db import models


class Heartbeat(models.Model):
    """A beat or a worker process said it was alive at `seen_at`: one row per process name, written
    over every few seconds (HEALTH_HEARTBEAT_SECONDS). A worker stopped cleanly removes its row; the
    rows of workers gone without a word are dropped after a day."""

    class Role(models.TextChoices):
        BEAT = "beat", "Beat"
        WORKER = "worker", "Worker"

    name = models.CharField(max_length=255, unique=True, help_text="beat@host, or the worker's node name.")
    role = models.CharField(max_length=10, choices=Role.choices)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} {self.seen_at.isoformat()}"
