"""Tasks that belong to the whole portal rather than to one app."""

from celery import shared_task

from config import health


@shared_task
def heartbeat() -> str:
    """Record that the beat-scheduled work ran; /healthz reports its age."""
    return health.record_beat().isoformat()
