from celery import shared_task

from notifications import services as outbox
from volunteers import attendance, reminders


@shared_task(ignore_result=True)
def sweep() -> str:
    """The beat's minute sweep of the volunteer service (unscoped): reminders, then no-shows and
    attendance left open after activities that are over, then whatever the outbox holds."""
    sent = reminders.send_reminders()
    no_shows, closed = attendance.close_finished()
    outbox.deliver_due()
    return f"reminded {sent['day']}+{sent['soon']}, no-shows {no_shows}, closed {closed}"
