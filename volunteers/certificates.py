"""Service record certificates (志愿服务记录证明): numbered, issued by the community served.

The number is ``<year><community code><serial>``, e.g. ``2026370103002002-0007``: the serial counts
the community's certificates of the year (the community's row is locked while one is numbered,
so two issued at once never share a number). A certificate keeps the hours and the content as they
were on the day it was issued; a new one is issued when the person needs the later hours.
"""

from collections import Counter

from django.db import transaction
from django.db.models import Count, Max, Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.models import Community
from volunteers.models import Activity, Attendance, Certificate, Volunteer
from volunteers.permissions import manages
from web.errors import Forbidden, Invalid


def content_of(attendance) -> str:
    """What the person did, in words: each kind of activity with its number of times."""
    kinds = Counter(
        dict(attendance.values("activity__kind").annotate(n=Count("pk")).values_list("activity__kind", "n"))
    )
    labels = dict(Activity.Kind.choices)
    return _("; ").join(
        _("%(kind)s, %(count)s times") % {"kind": labels.get(kind, kind), "count": count}
        for kind, count in kinds.most_common()
    )


def issue_certificate(*, actor, volunteer: Volunteer, community: Community) -> Certificate:
    """Issue a certificate of the person's service in ``community`` (the person, or who manages them)."""
    if not (volunteer.user_id == actor.pk or manages(actor, volunteer)):
        raise Forbidden(_("Only the volunteer or those who manage their profile issue certificates."))
    served = Attendance.objects.filter(volunteer=volunteer, community=community, checked_out_at__isnull=False)
    found = served.aggregate(
        hours=Sum("hours"), times=Count("pk"), first=Min("checked_in_at"), last=Max("checked_in_at")
    )
    if not found["hours"]:
        raise Invalid(_("No service hours are recorded in this community yet."), field="community")
    now = timezone.now()
    year = timezone.localdate(now).year
    with transaction.atomic():
        Community.objects.select_for_update().filter(pk=community.pk).first()
        serial = (Certificate.objects.filter(community=community, year=year).aggregate(n=Max("serial"))["n"] or 0) + 1
        return Certificate.objects.create(
            volunteer=volunteer,
            community=community,
            year=year,
            serial=serial,
            number=f"{year}{community.code}-{serial:04d}",
            name=volunteer.name,
            hours=found["hours"],
            person_times=found["times"],
            first_served_on=timezone.localdate(found["first"]),
            last_served_on=timezone.localdate(found["last"]),
            content=content_of(served),
            issued_by=actor,
            issued_at=now,
        )


def communities_served(volunteer: Volunteer):
    """The communities where the person has hours, with them, most first."""
    return (
        Attendance.objects.filter(volunteer=volunteer, checked_out_at__isnull=False)
        .values("community_id", "community__name", "community__code")
        .annotate(hours=Sum("hours"), times=Count("pk"))
        .order_by("-hours")
    )
