from celery import shared_task

from notifications import services


@shared_task(ignore_result=True)
def deliver_due() -> int:
    """Deliver what is due in the outbox (unscoped: a system task)."""
    return services.deliver_due()
