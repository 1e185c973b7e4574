from celery import shared_task


@shared_task(ignore_result=True)
def make_daily_briefings() -> int:
    """The beat's 08:00 briefings (unscoped): yesterday's, for each district and street."""
    from campaign.briefing import make_briefings

    return len(make_briefings())
