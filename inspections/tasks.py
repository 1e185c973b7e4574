from celery import shared_task

from inspections import deadlines
from notifications import services as outbox


@shared_task(ignore_result=True)
def enforce_deadlines() -> str:
    """The beat's minute sweep (unscoped): the ladder, then whatever the outbox still holds."""
    result = deadlines.sweep()
    outbox.deliver_due()
    return result.summary()
