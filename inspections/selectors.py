"""Reads behind the findings pages: every queryset starts from ``visible_to(user)``.

The list, the battle map and the ledger export all filter with ``FindingFilter`` over the
user's scope, so the three always agree on what "the current list" is.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.models import Community, GridCell, Street, Unit
from inspections import ladder, permissions
from inspections.filters import FindingFilter
from inspections.models import Category, Extension, Finding, FindingEvent, FindingPhoto
from web.durations import duration
from web.query import clean_params

Status = Finding.Status

#: Markers on the battle map are capped; the newest are shown.
MAP_MARKER_CAP = 2000


def finding_filter(user, params: QueryDict, *, exclude: tuple[str, ...] = ()) -> FindingFilter:
    """The user's findings filtered by ``params`` (the list's GET query), minus ``exclude``."""
    return FindingFilter(clean_params(params, exclude=("page", *exclude)), queryset=Finding.objects.visible_to(user))


def describe_filters(filterset: FindingFilter) -> str:
    """The filters in force, in words ("状态：已派遣；类别：exposed-garbage"), for titles of exports."""
    if not filterset.form.is_valid():
        return ""
    parts = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, "", [], ()):
            continue
        field = filterset.form.fields[name]
        choices = dict(getattr(field, "choices", ()) or ())
        if isinstance(value, list | tuple):
            shown = "、".join(str(choices.get(v, v)) for v in value)
        elif isinstance(value, datetime):
            shown = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
        elif isinstance(value, bool):
            shown = _("yes") if value else _("no")
        else:
            shown = str(choices.get(value, value))
        parts.append(_("%(filter)s: %(value)s") % {"filter": field.label, "value": shown})
    return _("; ").join(parts)


def ledger_title(user, filterset: FindingFilter, now: datetime) -> str:
    """The ledger's title row: whose ledger (the roles and scopes), which filters, when exported."""
    scopes = "、".join(
        f"{m.scope.name} {m.get_role_display()}" if m.scope is not None else str(m.get_role_display())
        for m in user.memberships_cached
    )
    title = _("Ledger of findings: %(scope)s") % {"scope": scopes or user}
    filters = describe_filters(filterset)
    if filters:
        title += " · " + _("filtered by %(filters)s") % {"filters": filters}
    return title + " · " + _("exported %(time)s") % {"time": timezone.localtime(now).strftime("%Y-%m-%d %H:%M")}


def status_counts(user, params: QueryDict) -> dict[str, int]:
    """How many of the filtered findings are in each status, ignoring the status filter itself.

    One aggregate query (a filtered ``COUNT`` per status) over the scope and the other filters.
    """
    queryset = finding_filter(user, params, exclude=("status",)).qs
    counts = queryset.order_by().aggregate(**{value: Count("pk", filter=Q(status=value)) for value in Status.values})
    return {value: counts[value] or 0 for value in Status.values}


@dataclass(frozen=True)
class Deadline:
    """What a list row says about the deadline: the text and its colour class."""

    text: str
    css: str


def deadline_label(finding: Finding, now: datetime) -> Deadline:
    """ "剩余20小时" / "即将到期，剩余1小时20分" / "超期3天2小时" for an open finding; "按期办结" or
    "超期办结 34天2小时" for a closed one; nothing for one marked invalid or duplicate."""
    if not finding.is_open:
        if finding.closed_late:
            return Deadline(_("closed late, %(duration)s overdue") % {"duration": duration(finding.lateness)}, "late")
        if finding.status == Finding.Status.CLOSED and finding.closed_at is not None:
            return Deadline(_("closed on time"), "ok")
        return Deadline("", "")
    left = duration(finding.time_left(now))
    if finding.is_overdue(now):
        return Deadline(_("overdue %(duration)s") % {"duration": left}, "late")
    if finding.is_due_soon(now):
        return Deadline(_("due soon, %(duration)s left") % {"duration": left}, "soon")
    return Deadline(_("%(duration)s left") % {"duration": left}, "ok")


def annotate_deadlines(findings, now: datetime | None = None) -> None:
    """Attach ``deadline`` (a ``Deadline``) to each finding of a page: no queries."""
    now = now or timezone.now()
    for finding in findings:
        finding.deadline = deadline_label(finding, now)


def filter_options(user) -> dict:
    """The choices of the filter form, each from the user's own scope (three queries)."""
    return {
        "categories": list(Category.objects.filter(is_active=True).values_list("code", "name")),
        "streets": list(Street.objects.visible_to(user).order_by("code").values_list("code", "name")),
        "communities": list(
            Community.objects.visible_to(user).order_by("street__code", "code").values_list("code", "name")
        ),
    }


# --- detail --------------------------------------------------------------------------------


def finding_for_detail(user, code: str) -> Finding | None:
    """The finding numbered ``code`` if the user may see it (None otherwise: a 404)."""
    return (
        Finding.objects.visible_to(user)
        .for_list()
        .select_related("reporter", "responsible_person", "duplicate_of")
        .filter(code=code)
        .first()
    )


def timeline(finding: Finding) -> list:
    """The finding's history, each event with ``detail``: what its payload says, in words."""
    events = list(finding.events.select_related("actor"))
    describe_events(events)
    return events


def _local_text(iso: str | None) -> str:
    try:
        return timezone.localtime(datetime.fromisoformat(iso)).strftime("%Y-%m-%d %H:%M") if iso else ""
    except (TypeError, ValueError):
        return ""


def describe_events(events) -> None:
    """Attach ``detail`` to each event: the deadlines an extension asked for or moved (no queries)."""
    Kind = FindingEvent.Kind
    for event in events:
        payload = event.payload or {}
        detail = ""
        if event.kind == Kind.EXTENSION_REQUESTED and payload.get("until"):
            detail = _("asked until %(until)s") % {"until": _local_text(payload["until"])}
        elif event.kind == Kind.EXTENSION_APPROVED and payload.get("deadline"):
            detail = _("deadline moved from %(old)s to %(new)s") % {
                "old": _local_text(payload.get("old_deadline")),
                "new": _local_text(payload["deadline"]),
            }
        event.detail = detail


def photos_by_stage(finding: Finding) -> dict[str, list[FindingPhoto]]:
    stages: dict[str, list[FindingPhoto]] = {stage: [] for stage in FindingPhoto.Stage.values}
    for photo in finding.photos.all():
        stages[photo.stage].append(photo)
    return stages


def photo_stages_allowed(user, finding: Finding) -> list[str]:
    """The stages the user may add a photo to now (the "add photo" form offers only these)."""
    stages = []
    if finding.is_open and permissions.can_add_photo(user, finding, FindingPhoto.Stage.BEFORE):
        stages.append(FindingPhoto.Stage.BEFORE)
    if finding.status == Status.RECTIFYING and permissions.can_add_photo(user, finding, FindingPhoto.Stage.AFTER):
        stages.append(FindingPhoto.Stage.AFTER)
    return stages


def assignable_communities(user) -> QuerySet:
    """Where a dispatcher may send a finding: the communities of their own reach."""
    return Community.objects.visible_to(user).select_related("street").order_by("street__code", "code")


def assignable_units(finding: Finding) -> QuerySet:
    """The functional units of the finding's district (the workflow allows no other)."""
    return Unit.objects.filter(district_id=finding.district_id).exclude(kind=Unit.Kind.DISCIPLINE).order_by("code")


# --- battle map ----------------------------------------------------------------------------


def map_cells(user, filterset: FindingFilter) -> list[dict]:
    """The user's grid cells with their count of open (filtered) findings: two queries.

    The counts come from one ``GROUP BY grid_cell`` over the filtered open findings; the cells
    are narrowed by the street/community/grid filters, so the map shows what the list shows.
    """
    filterset.form.is_valid()  # a bad filter is ignored (and shown on the form), not fatal
    data = getattr(filterset.form, "cleaned_data", {})
    cells = GridCell.objects.visible_to(user)
    if data.get("street"):
        cells = cells.filter(community__street__code=data["street"])
    if data.get("community"):
        cells = cells.filter(community__code=data["community"])
    if data.get("grid"):
        cells = cells.filter(code=data["grid"])
    counts = dict(
        filterset.qs.open()
        .filter(grid_cell__isnull=False)
        .order_by()
        .values("grid_cell")
        .annotate(n=Count("pk"))
        .values_list("grid_cell", "n")
    )
    rows = cells.order_by("code").values_list("pk", "code", "name", "community__name", "boundary")
    return [
        {"code": code, "name": name, "community": community, "open": counts.get(pk, 0), "boundary": boundary}
        for pk, code, name, community, boundary in rows
    ]


def map_markers(filterset: FindingFilter, now: datetime | None = None) -> tuple[list[dict], bool]:
    """The newest open (filtered) findings that have a point, capped; and whether the cap cut."""
    now = now or timezone.now()
    rows = list(
        filterset.qs.open()
        .filter(lat__isnull=False, lng__isnull=False)
        .order_by("-reported_at", "-id")
        .values_list("code", "lat", "lng", "status", "category__name", "address", "deadline_at")[: MAP_MARKER_CAP + 1]
    )
    truncated = len(rows) > MAP_MARKER_CAP
    markers = [
        {
            "code": code,
            "lat": lat,
            "lng": lng,
            "status": status,
            "category": category,
            "address": address,
            "overdue": ladder.is_overdue(deadline_at, now),
        }
        for code, lat, lng, status, category, address, deadline_at in rows[:MAP_MARKER_CAP]
    ]
    return markers, truncated


def report_cells(user, cap: int = 1000) -> list[dict]:
    """Outlines for the intake map: the cells the user may see, at most ``cap`` of them."""
    rows = GridCell.objects.visible_to(user).order_by("code").values_list("code", "name", "boundary")[:cap]
    return [{"code": code, "name": name, "boundary": boundary} for code, name, boundary in rows]


# --- extensions ----------------------------------------------------------------------------


def pending_extensions(user) -> list:
    """The requests waiting for a decision that ``user`` may decide, nearest deadline first (one query)."""
    findings = Finding.objects.visible_to(user, roles=permissions.EXTENSION_DECIDER_ROLES)
    rows = list(
        Extension.objects.filter(state=Extension.State.PENDING, finding__in=findings)
        .select_related("finding__category", "finding__community", "finding__responsible_unit", "requested_by")
        .order_by("finding__deadline_at", "id")
    )
    now = timezone.now()
    for row in rows:
        row.more = row.requested_deadline - row.old_deadline
        row.finding.deadline = deadline_label(row.finding, now)
    return rows
