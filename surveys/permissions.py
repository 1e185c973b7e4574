"""Who answers questionnaires, who reads the results, who imports questionnaires."""

from django.db.models import Q

from accounts.models import Role
from accounts.visibility import holds
from districts.models import Community, GridCell
from surveys.models import SurveyRound, served_communities

#: Door to door: volunteers and the community's own workers (grid workers in their cells).
ANSWER_ROLES = (Role.VOLUNTEER, Role.COMMUNITY_WORKER, Role.GRID_WORKER)
#: The results are for the places' staff and leaders, and the district's supervision.
READ_ROLES = (
    Role.LEADER,
    Role.STREET_LEADER,
    Role.COMMUNITY_LEADER,
    Role.STREET_STAFF,
    Role.COMMUNITY_WORKER,
    Role.GRID_WORKER,
    Role.SUPERVISOR,
    Role.INSPECTOR,
)
#: Questionnaires are imported by the street offices and the district.
IMPORT_ROLES = (Role.STREET_STAFF, Role.LEADER)
#: Interviewers' names are shown to people of the response's street (and below), no one further.
STREET_ROLES = (
    Role.STREET_STAFF,
    Role.STREET_LEADER,
    Role.STREET_DISCIPLINE,
    Role.COMMUNITY_WORKER,
    Role.COMMUNITY_LEADER,
    Role.GRID_WORKER,
)


def may_answer(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(*ANSWER_ROLES))


def may_read_results(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(*READ_ROLES))


def may_import(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(*IMPORT_ROLES))


def visible_rounds(user):
    return SurveyRound.objects.visible_to(user)


def answerable_cells(user, round_: SurveyRound):
    """The grid cells of the round where ``user`` may interview: their own cells, community, or the
    communities they serve in as a volunteer."""
    cells = GridCell.objects.filter(community__in=round_.communities.all())
    if user.is_superuser:
        return cells
    condition = user.visibility_filter(
        GridCell.objects.get_queryset().scope_paths, roles=(Role.COMMUNITY_WORKER, Role.GRID_WORKER)
    )
    if user.has_role(Role.VOLUNTEER):
        mine = Q(community__in=served_communities(user))
        condition = mine if condition is None else condition | mine
    if condition is None:
        return cells.none()
    return cells.filter(condition)


def sees_interviewer(user, response) -> bool:
    """Interviewers' names stay within the response's street."""
    return holds(user, STREET_ROLES, response)


def round_communities(user):
    """The communities where ``user`` may set up a round: those of their street or district."""
    return Community.objects.visible_to(user, roles=IMPORT_ROLES).select_related("street").order_by("code")


def round_questionnaires(user):
    from surveys.models import Questionnaire

    return Questionnaire.objects.filter(
        campaign__district__in=Community.objects.visible_to(user, roles=IMPORT_ROLES).values("street__district")
    ).order_by("-created_at")
