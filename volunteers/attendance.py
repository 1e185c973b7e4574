"""Attendance: check-in and check-out by the organiser or by the QR code, hours, no-shows.

The organiser's page shows a QR code that changes every minute (``checkin_code``): a code is a
keyed hash of the activity and the minute, so a photo of the screen sent to someone at home is
useless a minute or two later, and the code is valid only while check-in is open
(``volunteers.rules``). Hours and person-times come from these rows alone.
"""

import base64
import hashlib
import hmac
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from volunteers import rules
from volunteers.models import Activity, Attendance, SignUp, Volunteer
from volunteers.permissions import organises
from web.errors import Conflict, Forbidden, Invalid

Status = SignUp.Status


def _step(at: datetime) -> int:
    return int(at.timestamp() // rules.CHECKIN_CODE_STEP.total_seconds())


def _code(activity: Activity, step: int) -> str:
    message = f"{activity.pk}:{activity.checkin_secret}:{step}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()
    return base64.b32encode(digest[:10]).decode().lower()


def checkin_code(activity: Activity, at: datetime | None = None) -> str:
    """The code the QR shows now."""
    return _code(activity, _step(at or timezone.now()))


def code_is_valid(activity: Activity, code: str, at: datetime | None = None) -> bool:
    """The code of this minute or the last (a scan just as the screen changes still counts)."""
    step = _step(at or timezone.now())
    return any(hmac.compare_digest(str(code or ""), _code(activity, s)) for s in (step, step - 1))


def _by_code(actor, activity: Activity, code: str, now: datetime) -> SignUp:
    """The scanning volunteer's sign-up, after checking the code."""
    if not code_is_valid(activity, code, now):
        raise Invalid(_("This code has expired: scan the code on the organiser's screen again."), field="code")
    volunteer = Volunteer.objects.filter(user=actor).first() if actor.is_authenticated else None
    if volunteer is None:
        raise Forbidden(_("Fill in your volunteer profile first."))
    signup = activity.signups.filter(volunteer=volunteer).exclude(status__in=SignUp.ENDED).first()
    if signup is None:
        raise Conflict(_("You have not signed up for this activity."))
    return signup


def _organiser_signup(actor, activity: Activity, volunteer: Volunteer | None) -> SignUp:
    if not organises(actor, activity):
        raise Forbidden(_("Only the activity's organisers check people in and out."))
    if volunteer is None:
        raise Invalid(_("Choose the person."), field="volunteer")
    signup = activity.signups.filter(volunteer=volunteer).exclude(status__in=SignUp.ENDED).first()
    if signup is None:
        raise Invalid(_("This person has not signed up for this activity."), field="volunteer")
    return signup


def check_in(
    *, actor, activity: Activity, volunteer: Volunteer | None = None, code: str = "", at: datetime | None = None
) -> Attendance:
    """Record that the person came: with ``code`` the volunteer scanned the QR code (only within the
    check-in window); else the organiser checks ``volunteer`` in (also later, to put a no-show right)."""
    now = timezone.now()
    if activity.cancelled_at:
        raise Conflict(_("This activity has been called off."))
    if code or volunteer is None:
        signup = _by_code(actor, activity, code, now)
        if not rules.checkin_open(activity, now):
            raise Conflict(_("Check-in is open from 30 minutes before the start until the end."))
        at, method, allowed = now, Attendance.Method.QR, (Status.CONFIRMED,)
    else:
        signup = _organiser_signup(actor, activity, volunteer)
        at = at or now
        if not (rules.correction_open(activity, now) and rules.correction_open(activity, at)) or at > now:
            raise Invalid(
                _("Attendance is recorded from 30 minutes before the start until a week after the end."), field="at"
            )
        method, allowed = Attendance.Method.ORGANISER, (Status.CONFIRMED, Status.NO_SHOW)
    with transaction.atomic():
        signup = SignUp.objects.select_for_update().select_related("volunteer").get(pk=signup.pk)
        if signup.status == Status.ATTENDED:
            raise Conflict(_("Already checked in."))
        if signup.status not in allowed:
            raise Conflict(
                _("Only confirmed sign-ups are checked in; this one is %(status)s.")
                % {"status": signup.get_status_display()}
            )
        signup.status = Status.ATTENDED
        signup.save(update_fields=["status"])
        try:
            with transaction.atomic():
                return Attendance.objects.create(
                    signup=signup,
                    activity=activity,
                    volunteer=signup.volunteer,
                    community_id=activity.community_id,
                    unit_id=signup.volunteer.unit_id,
                    checked_in_at=at,
                    checked_in_by=actor,
                    check_in_method=method,
                )
        except IntegrityError as exc:  # a check-in that a no-show correction had already recorded
            raise Conflict(_("Already checked in.")) from exc


def check_out(
    *, actor, activity: Activity, volunteer: Volunteer | None = None, code: str = "", at: datetime | None = None
) -> Attendance:
    """Record that the person left; the hours are counted (within the activity's own hours)."""
    now = timezone.now()
    if code or volunteer is None:
        signup = _by_code(actor, activity, code, now)
        if not rules.checkout_open(activity, now):
            raise Conflict(_("Check-out by code closes an hour after the end; ask the organiser."))
        at = now
    else:
        signup = _organiser_signup(actor, activity, volunteer)
        at = at or now
        if not rules.correction_open(activity, now) or at > now:
            raise Invalid(
                _("Attendance is recorded from 30 minutes before the start until a week after the end."), field="at"
            )
    with transaction.atomic():
        attendance = Attendance.objects.select_for_update().filter(signup=signup).first()
        if attendance is None:
            raise Conflict(_("Not checked in yet."))
        if attendance.checked_out_at is not None and not attendance.closed_at_end:
            raise Conflict(_("Already checked out."))
        if at < attendance.checked_in_at:
            raise Invalid(_("The check-out is before the check-in."), field="at")
        attendance.checked_out_at, attendance.checked_out_by, attendance.closed_at_end = at, actor, False
        attendance.hours = rules.served_hours(
            checked_in_at=attendance.checked_in_at,
            checked_out_at=at,
            starts_at=activity.starts_at,
            ends_at=activity.ends_at,
        )
        attendance.save(update_fields=["checked_out_at", "checked_out_by", "closed_at_end", "hours"])
    return attendance


def check_out_everyone(*, actor, activity: Activity) -> int:
    """The organiser checks out at once everyone still checked in (the end of the day's work)."""
    if not organises(actor, activity):
        raise Forbidden(_("Only the activity's organisers check people in and out."))
    now = timezone.now()
    with transaction.atomic():
        open_rows = list(Attendance.objects.select_for_update().filter(activity=activity, checked_out_at__isnull=True))
        for row in open_rows:
            row.checked_out_at, row.checked_out_by = max(now, row.checked_in_at), actor
            row.hours = rules.served_hours(
                checked_in_at=row.checked_in_at,
                checked_out_at=row.checked_out_at,
                starts_at=activity.starts_at,
                ends_at=activity.ends_at,
            )
        Attendance.objects.bulk_update(open_rows, ["checked_out_at", "checked_out_by", "hours"])
    return len(open_rows)


def close_finished(now: datetime | None = None) -> tuple[int, int]:
    """The sweep's part for finished activities (unscoped: a system task); returns (no-shows, closed).

    1. Confirmed sign-ups of activities whose check-out window has closed, with nobody checked in:
       no-shows, in one conditional UPDATE (run twice, it finds nothing the second time).
    2. Attendance still open then: closed at the activity's end, marked so, hours counted to the end.
    """
    now = now or timezone.now()
    ended = Activity.objects.filter(ends_at__lte=now - rules.CHECKOUT_CLOSES_AFTER)
    no_shows = SignUp.objects.filter(status=Status.CONFIRMED, activity__in=ended.values("pk")).update(
        status=Status.NO_SHOW
    )
    with transaction.atomic():
        rows = list(
            Attendance.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(checked_out_at__isnull=True, activity__ends_at__lte=now - rules.CHECKOUT_CLOSES_AFTER)
            .select_related("activity")
        )
        for row in rows:
            end = max(row.activity.ends_at, row.checked_in_at)
            row.checked_out_at, row.closed_at_end = end, True
            row.hours = rules.served_hours(
                checked_in_at=row.checked_in_at,
                checked_out_at=end,
                starts_at=row.activity.starts_at,
                ends_at=row.activity.ends_at,
            )
        Attendance.objects.bulk_update(rows, ["checked_out_at", "closed_at_end", "hours"], batch_size=1000)
    return no_shows, len(rows)
