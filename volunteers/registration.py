"""双报到 and the people: volunteer profiles, a unit's people, registrations with communities, leave.

Services write (``verb_noun(*, actor, ...)``, atomic); each refuses with ``Forbidden`` (wrong role),
``Conflict`` (not in a state that allows it) or ``Invalid`` (the input, with its field).
"""

from datetime import date

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Role, User
from accounts.visibility import holders, holds
from districts.models import Community, Unit
from notifications.services import Message, notify_bulk
from volunteers.models import Leave, Registration, Volunteer
from volunteers.models.people import ACTIVE_REGISTRATION, ALL_DAYS, new_token, phone_validator
from volunteers.permissions import is_volunteer, unit_ids
from web.errors import Conflict, Forbidden, Invalid

Status = Registration.Status


def _check_profile(*, name: str, phone: str, availability: int) -> tuple[str, str]:
    name, phone = (name or "").strip(), (phone or "").strip()
    if not name:
        raise Invalid(_("Give the name."), field="name")
    if len(name) > 50:
        raise Invalid(_("The name is too long."), field="name")
    if phone:
        try:
            phone_validator(phone)
        except Exception as exc:
            raise Invalid(_("Digits only, e.g. 13805310000."), field="phone") from exc
    if not 0 <= availability <= ALL_DAYS:
        raise Invalid(_("Choose the days of the week."), field="availability")
    return name, phone


def save_profile(
    *, actor, name: str, phone: str, is_party_member: bool, skills: str = "", availability: int = ALL_DAYS
) -> Volunteer:
    """The volunteer's own profile, made on their first visit and edited later (not their unit: the
    unit's staff say who belongs to it)."""
    if not is_volunteer(actor):
        raise Forbidden(_("Only volunteers keep a volunteer profile."))
    name, phone = _check_profile(name=name, phone=phone, availability=availability)
    with transaction.atomic():
        volunteer = Volunteer.objects.select_for_update().filter(user=actor).first()
        if volunteer is None:
            volunteer = Volunteer(user=actor)
        volunteer.name, volunteer.phone = name, phone
        volunteer.is_party_member = bool(is_party_member)
        volunteer.skills = (skills or "").strip()[:200]
        volunteer.availability = availability
        volunteer.save()
    return volunteer


def _unit_of(actor, unit: Unit) -> Unit:
    if not (actor.is_superuser or unit.pk in unit_ids(actor)):
        raise Forbidden(_("Only the unit's own staff manage its people."))
    return unit


def add_member(
    *,
    actor,
    unit: Unit,
    name: str,
    phone: str = "",
    is_party_member: bool = True,
    skills: str = "",
    availability: int = ALL_DAYS,
    username: str = "",
) -> Volunteer:
    """A unit's staff add one of its people; with ``username`` the person's login is linked (and gets
    the volunteer role), or their own profile joins the unit."""
    _unit_of(actor, unit)
    name, phone = _check_profile(name=name, phone=phone, availability=availability)
    username = (username or "").strip()
    with transaction.atomic():
        user = None
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise Invalid(_("No active login has this username."), field="username")
        volunteer = Volunteer.objects.select_for_update().filter(user=user).first() if user else None
        if volunteer is not None and volunteer.unit_id not in (None, unit.pk):
            raise Conflict(_("This person already belongs to another unit."))
        if volunteer is None:
            volunteer = Volunteer(user=user)
        volunteer.name, volunteer.phone, volunteer.unit = name, phone, unit
        volunteer.is_party_member, volunteer.skills = bool(is_party_member), (skills or "").strip()[:200]
        volunteer.availability = availability
        volunteer.save()
        if user is not None:
            Membership.objects.get_or_create(user=user, role=Role.VOLUNTEER)
    return volunteer


def update_member(
    *, actor, volunteer: Volunteer, name: str, phone: str, is_party_member: bool, skills: str, availability: int
) -> Volunteer:
    """The unit's staff correct one of its people's profile."""
    if volunteer.unit_id is None:
        raise Forbidden(_("Only the unit's own staff manage its people."))
    _unit_of(actor, volunteer.unit)
    name, phone = _check_profile(name=name, phone=phone, availability=availability)
    with transaction.atomic():
        volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        volunteer.name, volunteer.phone = name, phone
        volunteer.is_party_member, volunteer.skills = bool(is_party_member), (skills or "").strip()[:200]
        volunteer.availability = availability
        volunteer.save()
    return volunteer


def release_member(*, actor, volunteer: Volunteer) -> Volunteer:
    """The person leaves the unit (moved, retired); their hours stay with the unit they served for."""
    if volunteer.unit_id is None:
        raise Conflict(_("This person belongs to no unit."))
    _unit_of(actor, volunteer.unit)
    with transaction.atomic():
        volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        volunteer.unit = None
        volunteer.save(update_fields=["unit"])
    return volunteer


def renew_calendar(*, actor, volunteer: Volunteer) -> Volunteer:
    """A new secret for the calendar feed: the old link stops working."""
    if volunteer.user_id != actor.pk:
        raise Forbidden(_("Only the volunteer renews their calendar link."))
    volunteer.calendar_token = new_token()
    volunteer.save(update_fields=["calendar_token"])
    return volunteer


# --- 双报到 --------------------------------------------------------------------------------


def _tell_community(registration: Registration, subject: str) -> None:
    link = reverse("volunteers:registrations")
    notify_bulk(
        [
            Message(recipient=user, subject=subject, body=registration.note, link=link)
            for user in holders(registration, [Role.COMMUNITY_WORKER])
        ]
    )


def _create(registration: Registration) -> Registration:
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as exc:
        raise Conflict(_("There is already a registration awaiting approval or approved.")) from exc
    return registration


def register_member(*, actor, community: Community, note: str = "") -> Registration:
    """党员报到: a party member registers with the community where they live (one at a time)."""
    volunteer = Volunteer.objects.filter(user=actor).first() if actor.is_authenticated else None
    if volunteer is None or not is_volunteer(actor):
        raise Forbidden(_("Fill in your volunteer profile first."))
    if not volunteer.is_party_member:
        raise Invalid(_("Only party members register with a community in person; others serve with their unit."))
    with transaction.atomic():
        registration = _create(
            Registration(
                kind=Registration.Kind.MEMBER,
                community=community,
                volunteer=volunteer,
                note=(note or "").strip()[:300],
                requested_by=actor,
            )
        )
        _tell_community(
            registration,
            _("%(name)s asks to register with %(community)s") % {"name": volunteer.name, "community": community.name},
        )
    return registration


def register_unit(*, actor, unit: Unit, community: Community, note: str = "") -> Registration:
    """单位报到: a unit registers with a community (one of several)."""
    _unit_of(actor, unit)
    with transaction.atomic():
        registration = _create(
            Registration(
                kind=Registration.Kind.UNIT,
                community=community,
                unit=unit,
                note=(note or "").strip()[:300],
                requested_by=actor,
            )
        )
        _tell_community(
            registration,
            _("%(unit)s asks to register with %(community)s") % {"unit": unit.name, "community": community.name},
        )
    return registration


def _locked(registration: Registration) -> Registration:
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("community", "unit", "volunteer")
        .get(pk=registration.pk)
    )


def _applicants(registration: Registration) -> list:
    if registration.kind == Registration.Kind.UNIT:
        return holders(registration, [Role.UNIT_STAFF])
    user = registration.volunteer.user
    return [user] if user is not None and user.is_active else []


def decide_registration(*, actor, registration: Registration, approve: bool, note: str = "") -> Registration:
    """The community approves or rejects a registration with it; the applicant is told."""
    if not holds(actor, [Role.COMMUNITY_WORKER], registration):
        raise Forbidden(_("Only the community's workers decide on registrations with it."))
    with transaction.atomic():
        registration = _locked(registration)
        if registration.status != Status.PENDING:
            raise Conflict(_("This registration has already been decided."))
        registration.status = Status.APPROVED if approve else Status.REJECTED
        registration.decision_note = (note or "").strip()[:300]
        registration.decided_by, registration.decided_at = actor, timezone.now()
        registration.save()
        subject = (
            _("Registration with %(community)s approved") if approve else _("Registration with %(community)s rejected")
        ) % {"community": registration.community.name}
        notify_bulk(
            [
                Message(
                    recipient=user, subject=subject, body=registration.decision_note, link=reverse("volunteers:home")
                )
                for user in _applicants(registration)
            ]
        )
    return registration


def withdraw_registration(*, actor, registration: Registration) -> Registration:
    """The applicant ends a registration (pending or approved): moved house, the unit's pairing ended."""
    mine = (registration.kind == Registration.Kind.MEMBER and registration.volunteer.user_id == actor.pk) or (
        registration.kind == Registration.Kind.UNIT and holds(actor, [Role.UNIT_STAFF], registration)
    )
    if not (mine or actor.is_superuser):
        raise Forbidden(_("Only the applicant withdraws a registration."))
    with transaction.atomic():
        registration = _locked(registration)
        if registration.status not in ACTIVE_REGISTRATION:
            raise Conflict(_("This registration is no longer in force."))
        registration.status = Status.WITHDRAWN
        registration.decided_by, registration.decided_at = actor, timezone.now()
        registration.save()
    return registration


# --- leave ---------------------------------------------------------------------------------


def _may_manage_days(actor, volunteer: Volunteer) -> bool:
    return (
        volunteer.user_id == actor.pk
        or actor.is_superuser
        or (volunteer.unit_id is not None and volunteer.unit_id in unit_ids(actor))
    )


def add_leave(*, actor, volunteer: Volunteer, starts_on: date, ends_on: date, reason: str = "") -> Leave:
    """请假: days the roster must leave the person out (the person or their unit's staff)."""
    if not _may_manage_days(actor, volunteer):
        raise Forbidden(_("Only the volunteer or their unit's staff record leave."))
    if starts_on is None or ends_on is None:
        raise Invalid(_("Give the first and the last day."), field="starts_on")
    if ends_on < starts_on:
        raise Invalid(_("The last day is before the first."), field="ends_on")
    if (ends_on - starts_on).days > 366:
        raise Invalid(_("Leave of more than a year: end the person's service instead."), field="ends_on")
    return Leave.objects.create(volunteer=volunteer, starts_on=starts_on, ends_on=ends_on, reason=(reason or "")[:200])


def cancel_leave(*, actor, leave: Leave) -> None:
    if not _may_manage_days(actor, leave.volunteer):
        raise Forbidden(_("Only the volunteer or their unit's staff record leave."))
    leave.delete()
