from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import services


@shared_task(name="sync.tasks.requeue_stale_activities")
def requeue_stale_activities() -> int:
    """Beat, every minute: give rows a dead worker left Running back to the queue."""
    return services.activities_requeue_stale(
        now=timezone.now(), timeout=timedelta(seconds=settings.SYNC_RUNNING_TIMEOUT_SECONDS)
    )
