"""Reads of the discipline bodies' workspace: what each of them oversees, as such.

A discipline officer sees their reach *as a discipline body*: a district inspector the
district, a street discipline officer the street (``visible_to(user, roles=DISCIPLINE_ROLES)``),
even when the same person also holds another role elsewhere. District leaders read every page
here without acting (``can_read_oversight``).
"""

from datetime import datetime

from accounts.models import Role
from districts.models import Street
from inspections.models import Finding, FindingQuerySet
from oversight.models import DISCIPLINE_ROLES, OVERSIGHT_READERS, AccountabilityCase


def can_handle_cases(user) -> bool:
    """May open cases, decide them and add notes: the discipline bodies."""
    return user.is_authenticated and (user.is_superuser or user.has_role(*DISCIPLINE_ROLES))


def can_read_oversight(user) -> bool:
    """May read the queue, the cases, the notices and the performance: the discipline bodies and leaders."""
    return user.is_authenticated and (user.is_superuser or user.has_role(*OVERSIGHT_READERS))


def findings_in_reach(user) -> FindingQuerySet:
    """The findings a discipline body may put in a case: those in its own scope as a discipline role."""
    return Finding.objects.visible_to(user, roles=DISCIPLINE_ROLES)


def findings_in_view(user) -> FindingQuerySet:
    """The findings the user reads on these pages: their reach as a discipline body or a leader."""
    return Finding.objects.visible_to(user, roles=OVERSIGHT_READERS)


def overdue_findings(user, now: datetime) -> FindingQuerySet:
    """Open findings in the user's view that are overdue (``inspections.ladder``)."""
    return findings_in_view(user).overdue(now)


def visible_cases(user):
    """The cases the user may see (discipline roles only), with what every page of them shows."""
    return AccountabilityCase.objects.visible_to(user).select_related(
        "district", "street", "responsible_unit", "responsible_community", "responsible_person"
    )


def streets_in_view(user):
    """The streets the user oversees as a discipline body or reads as a leader."""
    return Street.objects.visible_to(user, roles=OVERSIGHT_READERS).order_by("code")


#: Who may read the statistics: the roles that oversee a district or a street.
STATS_ROLES = (Role.LEADER, Role.INSPECTOR, Role.STREET_DISCIPLINE, Role.SUPERVISOR, Role.STREET_STAFF)
