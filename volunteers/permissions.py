"""Who may do what in the volunteer service.

- Volunteers (``volunteer``, held in no place) sign up, cancel, check in with the QR code, swap
  duty days with colleagues of their unit, claim wishes (party members) and print certificates.
- Organisers are community workers (their community's activities, registrations and wishes) and
  unit staff (their unit: its people, its registrations, its activities and duty rules, the wishes
  it claims).
- Street staff and district leaders read activities, wishes, coverage and rankings in their scope.
"""

from django.db.models import Q

from accounts.models import Role
from accounts.visibility import holds, scope_ids
from districts.models import Community
from volunteers.models import Registration, Volunteer
from volunteers.models.people import ACTIVE_REGISTRATION

ORGANISER_ROLES = (Role.COMMUNITY_WORKER, Role.UNIT_STAFF)
READER_ROLES = (Role.LEADER, Role.STREET_STAFF)
STAFF_ROLES = ORGANISER_ROLES + READER_ROLES


def is_volunteer(user) -> bool:
    return user.is_authenticated and user.has_role(Role.VOLUNTEER)


def can_organise(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(*ORGANISER_ROLES))


def is_staff_reader(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(*STAFF_ROLES))


def organises(user, activity) -> bool:
    """A community worker of the activity's community, or staff of the unit that organises it."""
    return holds(user, ORGANISER_ROLES, activity)


def organiser_communities(user):
    """Where ``user`` may organise: a community worker's communities, a unit's approved ones."""
    if user.is_superuser:
        return Community.objects.all()
    held = scope_ids(user, ORGANISER_ROLES)
    registered = Registration.objects.approved().filter(kind=Registration.Kind.UNIT, unit__in=held.get("unit", ()))
    return Community.objects.filter(
        Q(pk__in=held.get("community", ())) | Q(pk__in=registered.values("community_id"))
    ).order_by("code")


def unit_ids(user) -> set[int]:
    """The units whose staff ``user`` is."""
    return set(scope_ids(user, (Role.UNIT_STAFF,)).get("unit", ()))


def managed_ids(user, volunteer_ids) -> set[int]:
    """Which of these volunteers ``user`` manages (sees their phone): themself, their unit's staff,
    the community workers of the community they registered with. One query."""
    if user.is_superuser:
        return set(volunteer_ids)
    held = scope_ids(user, (Role.UNIT_STAFF, Role.COMMUNITY_WORKER))
    condition = Q(user_id=user.pk) | Q(unit_id__in=held.get("unit", ()))
    communities = held.get("community")
    if communities:
        condition |= Q(
            pk__in=Registration.objects.filter(
                kind=Registration.Kind.MEMBER, status__in=ACTIVE_REGISTRATION, community__in=communities
            ).values("volunteer_id")
        )
    return set(Volunteer.objects.filter(condition, pk__in=list(volunteer_ids)).values_list("pk", flat=True))


def manages(user, volunteer) -> bool:
    return volunteer.pk in managed_ids(user, [volunteer.pk])


def phone_for(user, volunteer, managed: set[int] | None = None) -> str:
    """The volunteer's phone as ``user`` may see it: whole for those who manage the profile, else masked."""
    managed = managed_ids(user, [volunteer.pk]) if managed is None else managed
    return volunteer.phone if volunteer.pk in managed else volunteer.masked_phone
