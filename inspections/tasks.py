from celery import shared_task

from inspections import deadlines
from notifications import services as outbox


@shared_task(ignore_result=True)
def enforce_deadlines() -> str:
    """The beat's minute sweep (unscoped): the ladder, then whatever the outbox still holds."""
    result = deadlines.sweep()
    outbox.deliver_due()
    return result.summary()


@shared_task(ignore_result=True)
def refresh_rollup() -> int:
    """The beat's minute refresh of the dashboard's roll-up (unscoped): the days marked stale."""
    from inspections import rollup

    return rollup.refresh_stale()
