from celery import shared_task

from inspections import deadlines, photos
from notifications import services as outbox


@shared_task(ignore_result=True)
def enforce_deadlines() -> str:
    """The beat's minute sweep (unscoped): the ladder, then whatever the outbox still holds."""
    result = deadlines.sweep()
    outbox.deliver_due()
    return result.summary()


@shared_task(ignore_result=True)
def purge_drafts() -> int:
    """Remove the photos kept for reports nobody came back to within a day (unscoped: a system task)."""
    return photos.purge_drafts()


@shared_task(ignore_result=True)
def refresh_rollup() -> int:
    """The beat's minute refresh of the dashboard's roll-up (unscoped): the days marked stale."""
    from inspections import rollup

    return rollup.refresh_stale()
