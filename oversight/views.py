"""/oversight/: the discipline bodies' workspace (DESIGN §1, §5).

The overdue queue, accountability cases (问责), printable supervision notices (督办通知书) and
unit performance. Only discipline roles work here: anyone else gets the 403 page. What a
discipline officer sees is their reach as such (``oversight.selectors``): a district inspector
the district, a street discipline officer the street; anything outside it is a 404. Every
change goes through ``oversight.services``: ``Forbidden`` is the 403 page, ``Conflict`` a
message on the case page, ``Invalid`` the form again with the error on its field (400).
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Role
from inspections import stats
from inspections.models import Finding, FindingEvent, FindingQuerySet
from oversight import services
from oversight.forms import (
    LEVEL_CHOICES,
    CaseNoteForm,
    DecideCaseForm,
    OpenCaseForm,
    OverdueFilter,
    PerformanceForm,
    period_bounds,
    resolve_period,
)
from oversight.models import AccountabilityCase, CaseFinding
from oversight.selectors import (
    can_handle_cases,
    can_read_oversight,
    findings_in_view,
    overdue_findings,
    streets_in_view,
    visible_cases,
)
from oversight.services import hours_overdue
from web.errors import Conflict, Forbidden, Invalid, add_to_form
from web.pages import forbidden
from web.query import clean_params, labelled_errors, query_without
from web.sheets import table_response

PAGE_SIZE = 50


def discipline_only(view):
    """Log in first; then anyone but a discipline officer gets the 403 page (the pages that act)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not can_handle_cases(request.user):
            return forbidden(request, _("Only the discipline bodies work here."))
        return view(request, *args, **kwargs)

    return wrapped


def readers_only(view):
    """Log in first; the discipline bodies and the district's leaders read (the pages that show)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not can_read_oversight(request.user):
            return forbidden(request, _("Only the discipline bodies work here."))
        return view(request, *args, **kwargs)

    return wrapped


# --- reads ---------------------------------------------------------------------------------


def _timeline_prefetch() -> Prefetch:
    return Prefetch("events", queryset=FindingEvent.objects.select_related("actor"))


def _queue_options(findings: FindingQuerySet) -> dict[str, list[tuple[str, str]]]:
    """The filter choices: the streets, communities, units and categories found in the queue (one query)."""
    found: dict[str, set[tuple[str, str]]] = {key: set() for key in ("streets", "communities", "units", "categories")}
    rows = (
        findings.order_by()
        .values_list(
            "street__code",
            "street__name",
            "community__code",
            "community__name",
            "responsible_unit__code",
            "responsible_unit__name",
            "category__code",
            "category__name",
        )
        .distinct()
    )
    for street, street_name, community, community_name, unit, unit_name, category, category_name in rows:
        for key, code, name in (
            ("streets", street, street_name),
            ("communities", community, community_name),
            ("units", unit, unit_name),
            ("categories", category, category_name),
        ):
            if code:
                found[key].add((code, name))
    return {key: sorted(values) for key, values in found.items()}


def _case_or_404(user, pk: int) -> AccountabilityCase:
    case = visible_cases(user).select_related("opened_by", "decided_by").filter(pk=pk).first()
    if case is None:
        raise Http404(_("No such case in your area."))
    return case


def _finding_or_404(user, code: str) -> Finding:
    finding = findings_in_view(user).for_list().select_related("responsible_person").filter(code=code).first()
    if finding is None:
        raise Http404(_("No such finding in your area."))
    return finding


def _issuer(user, district, street) -> str:
    """Who signs a notice: the district commission for an inspector, else the street's committee."""
    if user.is_superuser or user.has_role(Role.INSPECTOR) or street is None:
        return _("%(district)s Commission for Discipline Inspection and Supervision") % {"district": district.name}
    return _("%(street)s Discipline Working Committee") % {"street": street.name}


# --- the overdue queue ---------------------------------------------------------------------


@readers_only
def queue(request):
    """Everything overdue in the user's reach, most overdue first, with a case to open from ticked rows."""
    return _render_queue(request, OpenCaseForm())


def _render_queue(request, form: OpenCaseForm, *, status: int = 200) -> HttpResponse:
    user = request.user
    now = timezone.now()
    overdue = overdue_findings(user, now)
    filterset = OverdueFilter(clean_params(request.GET, exclude=("page",)), queryset=overdue)
    cases = AccountabilityCase.objects.visible_to(user)
    findings = (
        filterset.qs.for_list()
        .select_related("responsible_person")
        .prefetch_related(
            _timeline_prefetch(),
            Prefetch(
                "case_links",
                queryset=CaseFinding.objects.filter(case__in=cases).select_related("case").order_by("case_id"),
                to_attr="visible_case_links",
            ),
        )
        .order_by("deadline_at", "id")
    )
    paginator = Paginator(findings, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for finding in page.object_list:
        finding.hours_overdue = hours_overdue(finding, now)
    ticked = set(form.data.getlist("findings")) if form.is_bound else set()
    values = {name: request.GET.get(name, "") for name in OverdueFilter.base_filters}
    return render(
        request,
        "oversight/queue.html",
        {
            "can_act": can_handle_cases(user),
            "page": page,
            "paginator": paginator,
            "form": form,
            "ticked": ticked,
            "values": values,
            "filter_errors": labelled_errors(filterset.form),
            "levels": LEVEL_CHOICES,
            "query": query_without(request.GET),
            "page_query": query_without(request.GET, "page"),
            **_queue_options(overdue),
        },
        status=status,
    )


# --- cases ---------------------------------------------------------------------------------


@discipline_only
@require_POST
def case_new(request):
    """Open a case from the queue's ticked findings; it is pre-filled from them (``open_case``)."""
    form = OpenCaseForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            case = services.open_case(
                actor=request.user, codes=data["findings"], title=data["title"], summary=data["summary"]
            )
        except Forbidden as error:
            return forbidden(request, error.message)
        except Conflict as error:
            form.add_error(None, error.message)
        except Invalid as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Case opened: %(title)s") % {"title": case.title})
            return redirect("oversight:case", pk=case.pk)
    return _render_queue(request, form, status=400)


@readers_only
def case_list(request):
    """The cases in the user's reach, newest first, optionally by state."""
    cases = visible_cases(request.user).annotate(finding_count=Count("case_findings")).order_by("-opened_at", "-id")
    state = request.GET.get("state", "")
    if state in AccountabilityCase.State.values:
        cases = cases.filter(state=state)
    paginator = Paginator(cases, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    states = AccountabilityCase.State
    chips = [{"value": "", "label": _("All"), "active": state not in states.values}]
    chips += [{"value": value, "label": label, "active": state == value} for value, label in states.choices]
    return render(
        request,
        "oversight/case_list.html",
        {
            "page": page,
            "paginator": paginator,
            "chips": chips,
            "page_query": query_without(request.GET, "page"),
        },
    )


def _case_findings(case: AccountabilityCase) -> list[CaseFinding]:
    return list(
        case.case_findings.select_related(
            "finding__category", "finding__community", "finding__street", "finding__responsible_unit"
        )
        .prefetch_related(Prefetch("finding__events", queryset=FindingEvent.objects.select_related("actor")))
        .order_by("deadline_at", "id")
    )


def _render_case(
    request,
    case: AccountabilityCase,
    *,
    decide_form: DecideCaseForm | None = None,
    note_form: CaseNoteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    links = _case_findings(case)
    return render(
        request,
        "oversight/case_detail.html",
        {
            "can_act": can_handle_cases(request.user),
            "case": case,
            "links": links,
            "total_hours": sum((link.hours_overdue for link in links), Decimal("0")),
            "events": list(case.events.select_related("actor")),
            "decide_form": decide_form or DecideCaseForm(),
            "note_form": note_form or CaseNoteForm(),
            "decide_open": decide_form is not None,
            "note_open": note_form is not None,
        },
        status=status,
    )


@readers_only
def case_detail(request, pk: int):
    """One case: who answers for it, its findings with the facts as they stood and their timelines."""
    return _render_case(request, _case_or_404(request.user, pk))


@discipline_only
@require_POST
def case_decide(request, pk: int):
    """Record the outcome, once."""
    case = _case_or_404(request.user, pk)
    back = redirect("oversight:case", pk=case.pk)
    if case.state != AccountabilityCase.State.OPEN:
        messages.error(request, _("This case has already been decided."))
        return back
    form = DecideCaseForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            case = services.decide_case(
                actor=request.user,
                case=case,
                outcome=data["outcome"],
                review=data["review"],
                decision_date=data["decision_date"],
                document_no=data["document_no"],
            )
        except Forbidden as error:
            return forbidden(request, error.message)
        except Conflict as error:
            messages.error(request, error.message)
            return back
        except Invalid as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Decision recorded: %(outcome)s") % {"outcome": case.get_outcome_display()})
            return back
    return _render_case(request, case, decide_form=form, status=400)


@discipline_only
@require_POST
def case_note(request, pk: int):
    """Add a step of the review to the case's history."""
    case = _case_or_404(request.user, pk)
    form = CaseNoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_note(actor=request.user, case=case, note=form.cleaned_data["note"])
        except Forbidden as error:
            return forbidden(request, error.message)
        except Invalid as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Note added."))
            return redirect("oversight:case", pk=case.pk)
    return _render_case(request, case, note_form=form, status=400)


# --- printable notices (督办通知书) ----------------------------------------------------------


@readers_only
def case_notice(request, pk: int):
    """The supervision notice of a case: to the responsible side, listing its overdue findings."""
    case = _case_or_404(request.user, pk)
    return render(
        request,
        "oversight/notice.html",
        {
            "case": case,
            "links": _case_findings(case),
            "number": f"{timezone.localtime(case.opened_at):%Y}-{case.pk:04d}",
            "addressee": case.responsible_unit or case.responsible_community or case.district,
            "person": case.responsible_person,
            "issuer": _issuer(request.user, case.district, case.street),
            "today": timezone.localdate(),
        },
    )


@readers_only
def finding_notice(request, code: str):
    """The supervision notice of one finding in the user's reach."""
    finding = _finding_or_404(request.user, code)
    return render(
        request,
        "oversight/notice.html",
        {
            "finding": finding,
            "hours": hours_overdue(finding, timezone.now()),
            "number": finding.code,
            "addressee": finding.responsible_unit or finding.community or finding.district,
            "person": finding.responsible_person,
            "issuer": _issuer(request.user, finding.district, finding.street),
            "today": timezone.localdate(),
        },
    )


# --- performance ---------------------------------------------------------------------------


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


#: The columns of the performance table: (measure key, heading).
PERFORMANCE_COLUMNS = [
    ("total", gettext_lazy("Findings")),
    ("ack", gettext_lazy("Acknowledged in time")),
    ("closed", gettext_lazy("Rectified in time")),
    ("overdue", gettext_lazy("Overdue")),
    ("late", gettext_lazy("Closed late")),
    ("returned", gettext_lazy("Returned for rework")),
    ("extended", gettext_lazy("Extended")),
    ("to_close", gettext_lazy("Average time to close")),
]
GROUP_HEADINGS = {
    "street": gettext_lazy("Street"),
    "community": gettext_lazy("Community"),
    "unit": gettext_lazy("Unit"),
}


@dataclass(frozen=True)
class PerformanceTable:
    form: PerformanceForm
    chosen: dict
    rows: list  # [(rank, Performance)], in the chosen order


def _performance_table(request) -> PerformanceTable | None:
    """The query of the page (or its Excel file) answered; None when the query is refused."""
    user = request.user
    streets = list(streets_in_view(user).values_list("code", "name"))
    params = clean_params(request.GET)
    form = PerformanceForm(params or None, streets=streets)
    if form.is_bound and not form.is_valid():
        return PerformanceTable(form, {}, [])
    if form.is_bound:
        data = form.cleaned_data
    else:
        start, end = resolve_period()
        data = {"from": start, "to": end, "street": "", "group": "unit", "sort": stats.DEFAULT_MEASURE, "order": "best"}
    findings = findings_in_view(user)
    if data["street"]:
        findings = findings.filter(street__code=data["street"])
    begin, finish = period_bounds(data["from"], data["to"])
    rows = stats.performance(findings, start=begin, end=finish, group=data["group"])
    ranked = stats.ranked(rows, by=data["sort"], best_first=data["order"] == "best")
    chosen = {key: data[key] for key in ("from", "to", "group", "street", "sort", "order")}
    return PerformanceTable(form, chosen, ranked)


def _performance_query(chosen: dict, **changes) -> str:
    values = {**chosen, **changes}
    query = {
        "from": values["from"].isoformat(),
        "to": values["to"].isoformat(),
        "group": values["group"],
        "sort": values["sort"],
        "order": values["order"],
    }
    if values["street"]:
        query["street"] = values["street"]
    return urlencode(query)


@readers_only
def performance(request):
    """按时签收率, 按期整改率, 超期, 超期办结, 返工率, 延期率 and time to close per unit, community or
    street, each group ranked among its peers by the measure chosen (按期整改率 by default)."""
    table = _performance_table(request)
    if not table.chosen:
        return render(request, "oversight/performance.html", {"form": table.form}, status=400)
    chosen = table.chosen
    headings = []
    for key, label in PERFORMANCE_COLUMNS:
        current = chosen["sort"] == key
        # A heading sorts by its measure, best first; again on the current one, worst first.
        order = "worst" if current and chosen["order"] == "best" else "best"
        descending = stats.MEASURES[key].higher_is_better == (chosen["order"] == "best")
        headings.append(
            {
                "key": key,
                "label": label,
                "query": _performance_query(chosen, sort=key, order=order),
                "sort": ("descending" if descending else "ascending") if current else "",
            }
        )
    rows = [
        {
            "rank": rank,
            "row": row,
            "ack": _percent(row.ack_in_time_rate),
            "closed": _percent(row.closed_in_time_rate),
            "late": _percent(row.closed_late_rate),
            "returned": _percent(row.return_rate),
            "extended": _percent(row.extension_rate),
        }
        for rank, row in table.rows
    ]
    api_query = _performance_query(chosen)
    return render(
        request,
        "oversight/performance.html",
        {
            "form": table.form,
            "rows": rows,
            "chosen": chosen,
            "headings": headings,
            "group_heading": GROUP_HEADINGS[chosen["group"]],
            "api_query": api_query,
            "export_query": api_query,
        },
    )


@readers_only
def performance_export(request):
    """The performance table as an Excel file: a title row, a bold frozen header, rank first."""
    table = _performance_table(request)
    if not table.chosen:
        return render(request, "oversight/performance.html", {"form": table.form}, status=400)
    chosen = table.chosen
    title = _("Unit performance, %(group)s, findings reported %(start)s to %(end)s, exported %(time)s") % {
        "group": GROUP_HEADINGS[chosen["group"]],
        "start": chosen["from"].isoformat(),
        "end": chosen["to"].isoformat(),
        "time": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
    }
    if chosen["street"]:
        title += " · " + dict(table.form.fields["street"].choices).get(chosen["street"], chosen["street"])
    # The average goes out as a number of hours, so that the sheet can sort and sum it.
    labels = [str(label) for key, label in PERFORMANCE_COLUMNS if key != "to_close"]
    header = [_("Rank"), _("Code"), str(GROUP_HEADINGS[chosen["group"]]), *labels, _("Average hours to close")]
    body = [
        [
            rank,
            row.code,
            row.name,
            row.total,
            row.ack_in_time_rate,
            row.closed_in_time_rate,
            row.overdue,
            row.closed_late,
            row.return_rate,
            row.extension_rate,
            row.avg_hours_to_close,
        ]
        for rank, row in table.rows
    ]
    name = f"{_('Unit performance')}-{chosen['from']:%Y%m%d}-{chosen['to']:%Y%m%d}.xlsx"
    return table_response(title=title, header=header, rows=body, percent_columns={4, 5, 8, 9}, filename=name)
