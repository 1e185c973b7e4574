"""Who may do what to a finding (DESIGN §5). Answers yes/no; the workflow enforces.

A role counts for a finding only when its scope holds the finding (``accounts.visibility.holds``,
the same rule as ``visible_to``): a district role in the finding's district, a street role in
its street, a community worker in its community, a grid worker in its cell, unit staff in its
responsible unit. Which action may start from which status is the workflow's table
(``inspections.workflow.TRANSITIONS``), which names these checks.
"""

from accounts.models import Role
from accounts.visibility import holds
from districts.models import GridCell
from inspections.models import Finding

#: Who dispatches, verifies and returns: the street's staff and the district's supervision team.
DISPATCHER_ROLES = (Role.STREET_STAFF, Role.SUPERVISOR)
#: Who decides an extension: the dispatchers and the discipline bodies.
EXTENSION_DECIDER_ROLES = (*DISPATCHER_ROLES, Role.STREET_DISCIPLINE, Role.INSPECTOR)
#: Who reports problems from the pages and the API.
REPORTER_ROLES = (
    Role.SUPERVISOR,
    Role.INSPECTOR,
    Role.STREET_STAFF,
    Role.COMMUNITY_WORKER,
    Role.GRID_WORKER,
    Role.STREET_DISCIPLINE,
)


def rectifier_roles(finding: Finding) -> tuple[str, ...]:
    """Who must put the finding right: the responsible unit's staff when a unit answers for it,
    else the community's workers and the grid workers of its cell.

    The one answer to "who must rectify": the permission below, the notices of a dispatch or a
    return, and the deadline sweep's reminders and overdue digests all read it.
    """
    if finding.responsible_unit_id:
        return (Role.UNIT_STAFF,)
    return (Role.COMMUNITY_WORKER, Role.GRID_WORKER)


def is_rectifier(user, finding: Finding) -> bool:
    return holds(user, rectifier_roles(finding), finding)


def is_dispatcher(user, finding: Finding) -> bool:
    """Street staff of the finding's street, or a supervision team member of its district."""
    return holds(user, DISPATCHER_ROLES, finding)


def can_report(user) -> bool:
    return user.is_superuser or user.has_role(*REPORTER_ROLES)


def can_report_in(user, cell: GridCell | None) -> bool:
    """May ``user`` report a finding located in ``cell`` (None: not located)?

    Grid workers report inside their own cells, community workers inside their community; the
    other reporting roles anywhere in their scope. An address-only report lands in the reporter's
    own cell, community or street (``inspections.intake.address_only_place``), so every reporting
    role may make one.
    """
    if cell is None:
        return can_report(user)
    return holds(user, REPORTER_ROLES, cell)


def can_dispatch(user, finding: Finding) -> bool:
    return is_dispatcher(user, finding)


can_reassign = can_dispatch
can_verify = can_dispatch
can_return = can_dispatch
can_mark_invalid = can_dispatch
can_mark_duplicate = can_dispatch


def can_acknowledge(user, finding: Finding) -> bool:
    return is_rectifier(user, finding)


can_submit = can_acknowledge
can_decline = can_acknowledge
can_request_extension = can_acknowledge


def can_decide_extension(user, finding: Finding) -> bool:
    """Street staff or a discipline officer of the street, a district inspector or supervisor."""
    return holds(user, EXTENSION_DECIDER_ROLES, finding)


def can_add_photo(user, finding: Finding, stage: str) -> bool:
    if stage == "after":
        return is_rectifier(user, finding)
    return (
        is_rectifier(user, finding)
        or is_dispatcher(user, finding)
        or (finding.reporter_id is not None and finding.reporter_id == user.pk)
    )
