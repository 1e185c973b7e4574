"""Reads of the volunteer pages and API: what a person sees, already scoped, with what the page shows."""

from datetime import datetime

from django.db.models import Prefetch, Q
from django.utils import timezone

from districts.models import Community
from volunteers.models import Activity, Attendance, Registration, SignUp, SwapRequest, Volunteer
from volunteers.permissions import STAFF_ROLES


def profile_of(user) -> Volunteer | None:
    if not user.is_authenticated:
        return None
    return Volunteer.objects.select_related("unit").filter(user=user).first()


def served_communities(volunteer: Volunteer):
    """Where the person serves: their approved registration, and their unit's approved ones."""
    approved = Registration.objects.approved().filter(
        Q(kind=Registration.Kind.MEMBER, volunteer=volunteer)
        | Q(kind=Registration.Kind.UNIT, unit_id=volunteer.unit_id or 0)
    )
    return Community.objects.filter(pk__in=approved.values("community_id")).select_related("street").order_by("code")


def open_activities(volunteer: Volunteer, now: datetime | None = None):
    """Activities the person may sign up for: in their communities, not begun, not duty days, and for them."""
    now = now or timezone.now()
    eligible = Q(eligibility=Activity.Eligibility.EVERYONE) | Q(
        eligibility=Activity.Eligibility.UNIT, eligible_unit_id=volunteer.unit_id or 0
    )
    if volunteer.is_party_member:
        eligible |= Q(eligibility=Activity.Eligibility.PARTY_MEMBERS)
    return (
        Activity.objects.filter(community__in=served_communities(volunteer), rule__isnull=True)
        .filter(eligible, cancelled_at__isnull=True, starts_at__gt=now)
        .exclude(
            pk__in=SignUp.objects.filter(volunteer=volunteer).exclude(status__in=SignUp.ENDED).values("activity_id")
        )
        .select_related("community")
        .with_counts()
        .order_by("starts_at", "id")
    )


def upcoming_signups(volunteer: Volunteer, now: datetime | None = None):
    """The person's sign-ups of activities not yet over (duty days included), soonest first."""
    now = now or timezone.now()
    return (
        SignUp.objects.filter(volunteer=volunteer, activity__ends_at__gt=now, activity__cancelled_at__isnull=True)
        .exclude(status__in=SignUp.ENDED)
        .select_related("activity__community")
        .order_by("activity__starts_at", "id")
    )


def pending_swaps(volunteer: Volunteer):
    """Requests waiting for the person's answer, and those they are waiting on."""
    rows = SwapRequest.objects.filter(status=SwapRequest.Status.PENDING).select_related(
        "requester", "colleague", "signup__activity__community", "in_return__activity"
    )
    return list(rows.filter(colleague=volunteer)), list(rows.filter(requester=volunteer))


def staff_activities(user):
    """The activities a member of staff sees (their places, their unit's), with their counts."""
    return (
        Activity.objects.visible_to(user, roles=STAFF_ROLES)
        .select_related("community", "organiser_unit", "eligible_unit")
        .with_counts()
    )


def visible_activity(user, pk: int) -> Activity | None:
    return (
        Activity.objects.visible_to(user)
        .select_related("community__street", "organiser_unit", "eligible_unit", "organiser", "rule")
        .with_counts()
        .filter(pk=pk)
        .first()
    )


def roll(activity: Activity):
    """The activity's sign-ups with their people and attendance, for the organiser's table."""
    return (
        activity.signups.select_related("volunteer__unit", "attendance")
        .exclude(status=SignUp.Status.CANCELLED)
        .order_by("status", "created_at", "id")
    )


def attendance_of(volunteer: Volunteer):
    return Attendance.objects.filter(volunteer=volunteer)


def recent_attendance(volunteer: Volunteer, limit: int = 20):
    return (
        Attendance.objects.filter(volunteer=volunteer)
        .select_related("activity", "community")
        .order_by("-checked_in_at")[:limit]
    )


def registrations_for(user):
    return (
        Registration.objects.visible_to(user)
        .select_related("community__street", "unit", "volunteer", "requested_by", "decided_by")
        .order_by("status", "-requested_at", "-id")
    )


def people_for(user):
    return (
        Volunteer.objects.visible_to(user)
        .select_related("unit", "user")
        .prefetch_related(Prefetch("registrations", queryset=Registration.objects.select_related("community")))
        .order_by("unit__code", "name", "id")
    )
