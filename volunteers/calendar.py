"""A volunteer's calendar feed (iCalendar, RFC 5545) at a secret URL, for phone calendars.

Phone calendars fetch the feed without logging in, so the URL itself is the key
(``Volunteer.calendar_token``; renewing it cuts off the old link). The feed holds the person's
sign-ups from 30 days ago on: confirmed and attended ones as events, waitlisted ones marked
tentative. A sign-up that is cancelled drops out of the feed, and calendars drop its event.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from volunteers.models import SignUp, Volunteer

SHOWN = (SignUp.Status.CONFIRMED, SignUp.Status.ATTENDED, SignUp.Status.WAITLISTED, SignUp.Status.PENDING)


def feed(volunteer: Volunteer, *, now=None) -> bytes:
    """The person's calendar as an .ics document."""
    now = now or timezone.now()
    calendar = Calendar()
    calendar.add("prodid", "-//Chuangcheng//Volunteer service//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Volunteer service: %(name)s") % {"name": volunteer.name})
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    signups = (
        SignUp.objects.filter(volunteer=volunteer, status__in=SHOWN, activity__cancelled_at__isnull=True)
        .filter(activity__ends_at__gte=now - timedelta(days=30))
        .select_related("activity__community")
        .order_by("activity__starts_at")
    )
    site = settings.SITE_URL.rstrip("/")
    for signup in signups:
        activity = signup.activity
        event = Event()
        event.add("uid", f"signup-{signup.pk}@chuangcheng")
        event.add("dtstamp", now)
        event.add("dtstart", activity.starts_at)
        event.add("dtend", activity.ends_at)
        tentative = signup.status in (SignUp.Status.WAITLISTED, SignUp.Status.PENDING)
        summary = (
            activity.title
            if not tentative
            else _("%(title)s (%(status)s)")
            % {
                "title": activity.title,
                "status": signup.get_status_display(),
            }
        )
        event.add("summary", summary)
        event.add("location", f"{activity.community.name} {activity.place}")
        event.add("description", activity.description)
        event.add("status", "TENTATIVE" if tentative else "CONFIRMED")
        event.add("url", f"{site}/volunteers/activities/{activity.pk}/")
        calendar.add_component(event)
    return calendar.to_ical()
