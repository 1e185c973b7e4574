"""Who may do what to a finding (DESIGN §5). Answers yes/no; the workflow enforces.

A role counts for a finding only when its scope holds the finding: a district role in the
finding's district, a street role in its street, a community worker in its community, a grid
worker in its cell, unit staff in its responsible unit.
"""

from accounts.models import Role
from districts.models import GridCell
from inspections.models import Finding


def _holds(user, role: str, finding: Finding) -> bool:
    for m in user.memberships_cached:
        if m.role != role:
            continue
        if (
            (m.district_id and m.district_id == finding.district_id)
            or (m.street_id and m.street_id == finding.street_id)
            or (m.community_id and m.community_id == finding.community_id)
            or (m.grid_cell_id and m.grid_cell_id == finding.grid_cell_id)
            or (m.unit_id and m.unit_id == finding.responsible_unit_id)
        ):
            return True
    return False


def is_dispatcher(user, finding: Finding) -> bool:
    """Street staff of the finding's street, or a supervision team member of its district."""
    return user.is_superuser or _holds(user, Role.STREET_STAFF, finding) or _holds(user, Role.SUPERVISOR, finding)


def is_rectifier(user, finding: Finding) -> bool:
    """The side that must put it right: the responsible unit's staff, else the community's workers."""
    if user.is_superuser:
        return True
    if finding.responsible_unit_id:
        return _holds(user, Role.UNIT_STAFF, finding)
    return _holds(user, Role.COMMUNITY_WORKER, finding) or _holds(user, Role.GRID_WORKER, finding)


REPORTER_ROLES = (
    Role.SUPERVISOR,
    Role.INSPECTOR,
    Role.STREET_STAFF,
    Role.COMMUNITY_WORKER,
    Role.GRID_WORKER,
    Role.STREET_DISCIPLINE,
)


def can_report(user) -> bool:
    return user.is_superuser or user.has_role(*REPORTER_ROLES)


def can_report_in(user, cell: GridCell | None) -> bool:
    """May ``user`` report a finding located in ``cell`` (None: not located)?

    Grid workers report only inside their own cells (so they need a point), community workers
    inside their community; the other reporting roles anywhere in their scope.
    """
    if user.is_superuser:
        return True
    for m in user.memberships_cached:
        if m.role not in REPORTER_ROLES:
            continue
        if cell is None:
            # Without a point, a grid worker cannot show it lies in their cells; the others'
            # address-only reports land in their own street or community.
            if m.role != Role.GRID_WORKER:
                return True
            continue
        if (
            (m.district_id and m.district_id == cell.community.street.district_id)
            or (m.street_id and m.street_id == cell.community.street_id)
            or (m.community_id and m.community_id == cell.community_id)
            or (m.grid_cell_id and m.grid_cell_id == cell.pk)
        ):
            return True
    return False


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


def can_request_extension(user, finding: Finding) -> bool:
    return is_rectifier(user, finding)


def can_decide_extension(user, finding: Finding) -> bool:
    """Street staff or a discipline officer of the street, a district inspector or supervisor."""
    return (
        is_dispatcher(user, finding)
        or _holds(user, Role.STREET_DISCIPLINE, finding)
        or _holds(user, Role.INSPECTOR, finding)
    )


def can_add_photo(user, finding: Finding, stage: str) -> bool:
    if stage == "after":
        return is_rectifier(user, finding)
    return (
        is_rectifier(user, finding)
        or is_dispatcher(user, finding)
        or (finding.reporter_id is not None and finding.reporter_id == user.pk)
    )


#: Action name (as in the API's URLs) → its permission check.
ACTIONS = {
    "dispatch": can_dispatch,
    "reassign": can_reassign,
    "acknowledge": can_acknowledge,
    "submit": can_submit,
    "verify": can_verify,
    "return": can_return,
    "decline": can_decline,
    "mark-invalid": can_mark_invalid,
    "mark-duplicate": can_mark_duplicate,
}

#: Action → the statuses it can start from.
ACTION_FROM = {
    "dispatch": (Finding.Status.REPORTED,),
    "reassign": (Finding.Status.DISPATCHED, Finding.Status.RECTIFYING),
    "acknowledge": (Finding.Status.DISPATCHED,),
    "submit": (Finding.Status.RECTIFYING,),
    "verify": (Finding.Status.SUBMITTED,),
    "return": (Finding.Status.SUBMITTED,),
    "decline": (Finding.Status.DISPATCHED, Finding.Status.RECTIFYING),
    "mark-invalid": Finding.OPEN_STATUSES,
    "mark-duplicate": Finding.OPEN_STATUSES,
}


def available_actions(user, finding: Finding) -> list[str]:
    """The actions ``user`` may take on ``finding`` now (the detail page shows only these)."""
    return [name for name, check in ACTIONS.items() if finding.status in ACTION_FROM[name] and check(user, finding)]
