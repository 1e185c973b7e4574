"""Door-to-door interviews counted as volunteer service, in the volunteers' own ledger.

Each round, community and day has one volunteer activity (kind ``survey``, ``ServiceDay``); a
volunteer who interviews that day gets one sign-up (attended) and one attendance on it, from their
first to their last response of the day. Their person-times and hours are then counted by
``volunteers.stats`` like any other service. Interviewers who are not volunteers (community
workers) are not counted here.
"""

from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.models import Response, ServiceDay
from volunteers.models import Activity, Attendance, SignUp, Volunteer

#: A day's interviews count at least this long: the first visit takes its time too.
MIN_HOURS = Decimal("0.50")


def _hours(first: datetime, last: datetime) -> Decimal:
    span = Decimal((last - first).total_seconds()) / Decimal(3600)
    return max(MIN_HOURS, span.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _service_day(response: Response) -> ServiceDay:
    day = timezone.localdate(response.answered_at)
    found = ServiceDay.objects.filter(round_id=response.round_id, community_id=response.community_id, day=day).first()
    if found is not None:
        return found
    start = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
    try:
        # A savepoint: another interviewer of the same community may make the day at the same moment.
        with transaction.atomic():
            activity = Activity.objects.create(
                community_id=response.community_id,
                title=(_("Door-to-door survey: %(title)s") % {"title": response.round.title})[:100],
                kind=Activity.Kind.SURVEY,
                starts_at=start,
                ends_at=start + timedelta(days=1),
                place=response.community.name,
                capacity=1000,
                description=_("Counted from the questionnaires the volunteers filled in that day."),
            )
            return ServiceDay.objects.create(
                round_id=response.round_id, community_id=response.community_id, day=day, activity=activity
            )
    except IntegrityError:
        return ServiceDay.objects.get(round_id=response.round_id, community_id=response.community_id, day=day)


def count_service(response: Response, *, actor) -> Attendance | None:
    """Count ``response`` in its interviewer's volunteer service (None: they are not a volunteer).

    Runs inside the transaction that saves the response:
    1. the round's activity for the community and day (made on the first response);
    2. the interviewer's sign-up, attended;
    3. the attendance, locked, widened to span this response; hours from first to last.
    """
    volunteer = Volunteer.objects.filter(user=actor, is_active=True).first() if actor.is_authenticated else None
    if volunteer is None:
        return None
    activity = _service_day(response).activity
    at = response.answered_at
    signup = SignUp.objects.filter(activity=activity, volunteer=volunteer).exclude(status__in=SignUp.ENDED).first()
    if signup is None:
        try:
            with transaction.atomic():
                signup = SignUp.objects.create(
                    activity=activity,
                    volunteer=volunteer,
                    status=SignUp.Status.ATTENDED,
                    source=SignUp.Source.ORGANISER,
                    confirmed_at=at,
                )
                return Attendance.objects.create(
                    signup=signup,
                    activity=activity,
                    volunteer=volunteer,
                    community_id=activity.community_id,
                    unit_id=volunteer.unit_id,
                    checked_in_at=at,
                    checked_in_by=actor,
                    check_in_method=Attendance.Method.SURVEY,
                    checked_out_at=at,
                    checked_out_by=actor,
                    hours=MIN_HOURS,
                )
        except IntegrityError:
            signup = SignUp.objects.get(activity=activity, volunteer=volunteer, status=SignUp.Status.ATTENDED)
    attendance = Attendance.objects.select_for_update().get(signup=signup)
    first = min(attendance.checked_in_at, at)
    last = max(attendance.checked_out_at or at, at)
    attendance.checked_in_at, attendance.checked_out_at, attendance.hours = first, last, _hours(first, last)
    attendance.save(update_fields=["checked_in_at", "checked_out_at", "hours"])
    return attendance


def count_many(responses: list[Response]) -> int:
    """``count_service`` for many saved responses at once (the demo's): the same rows, in a few
    statements per service day instead of several per response. Returns the attendances made.

    For responses that no attendance counts yet (a fresh round): one sign-up and one attendance
    per volunteer and service day, from their first to their last response of that day.
    """
    volunteers = dict(
        Volunteer.objects.filter(user__in={r.interviewer_id for r in responses}, is_active=True).values_list(
            "user_id", "pk"
        )
    )
    units = dict(Volunteer.objects.filter(pk__in=volunteers.values()).values_list("pk", "unit_id"))
    spans: dict[tuple, list] = {}
    days: dict[tuple, Response] = {}
    for response in responses:
        volunteer = volunteers.get(response.interviewer_id)
        if volunteer is None:
            continue
        day = (response.round_id, response.community_id, timezone.localdate(response.answered_at))
        days.setdefault(day, response)
        span = spans.setdefault((day, volunteer, response.interviewer_id), [response.answered_at, response.answered_at])
        span[0], span[1] = min(span[0], response.answered_at), max(span[1], response.answered_at)
    activities = {day: _service_day(response).activity for day, response in days.items()}
    signups = SignUp.objects.bulk_create(
        [
            SignUp(
                activity=activities[day],
                volunteer_id=volunteer,
                status=SignUp.Status.ATTENDED,
                source=SignUp.Source.ORGANISER,
                confirmed_at=first,
            )
            for (day, volunteer, _user), (first, _last) in spans.items()
        ]
    )
    Attendance.objects.bulk_create(
        [
            Attendance(
                signup=signup,
                activity=signup.activity,
                volunteer_id=volunteer,
                community_id=signup.activity.community_id,
                unit_id=units.get(volunteer),
                checked_in_at=first,
                checked_in_by_id=user,
                check_in_method=Attendance.Method.SURVEY,
                checked_out_at=last,
                checked_out_by_id=user,
                hours=_hours(first, last),
            )
            for signup, ((_day, volunteer, user), (first, last)) in zip(signups, spans.items(), strict=True)
        ]
    )
    return len(signups)
