"""The findings pages: list, detail with its actions, intake, battle map, ledger export.

Every page starts from ``visible_to(request.user)`` (out of scope is a 404) and every change
goes through ``inspections.workflow``: a ``Forbidden`` is the 403 page, a ``Conflict`` a message
on the detail page, an ``Invalid`` the form again with the error on its field (400).
"""

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from inspections import exports, intake, permissions, selectors, workflow
from inspections import forms as finding_forms
from inspections.filters import FindingFilter
from inspections.models import DraftPhoto, Extension, Finding, FindingPhoto
from web.errors import Conflict, DomainError, Forbidden, Invalid, add_to_form
from web.pages import forbidden
from web.query import labelled_errors, query_without

PAGE_SIZE = 50
Status = Finding.Status


def _filter_context(request) -> dict:
    """What the shared filter form needs: the current values and the choices of the user's scope."""
    return {
        "values": {name: request.GET.get(name, "") for name in FindingFilter.base_filters},
        "selected_statuses": request.GET.getlist("status"),
        "status_choices": Status.choices,
        "source_choices": Finding.Source.choices,
        **selectors.filter_options(request.user),
    }


# --- list ----------------------------------------------------------------------------------


@login_required
def findings(request):
    """The scoped, filtered list: counts per status, 50 a page, time left on each row."""
    user = request.user
    filterset = selectors.finding_filter(user, request.GET)
    paginator = Paginator(filterset.qs.for_list().order_by("-reported_at", "-id"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    selectors.annotate_deadlines(page.object_list)

    counts = selectors.status_counts(user, request.GET)
    statuses = [value for value in request.GET.getlist("status") if value]
    base_query = query_without(request.GET, "page", "status")
    chips = [
        {
            "value": "",
            "label": _("All"),
            "count": sum(counts.values()),
            "query": base_query,
            "active": not statuses,
        }
    ]
    for value, label in Status.choices:
        query = f"{base_query}&status={value}" if base_query else f"status={value}"
        chips.append(
            {
                "value": value,
                "label": label,
                "count": counts[value],
                "query": query,
                "active": statuses == [value],
            }
        )
    return render(
        request,
        "inspections/finding_list.html",
        {
            "page": page,
            "paginator": paginator,
            "filter_errors": labelled_errors(filterset.form),
            "chips": chips,
            # The current filters, for the page links and the ledger export.
            "query": query_without(request.GET, "page"),
            "can_report": permissions.can_report(user),
            "memberships": user.memberships_cached,
            **_filter_context(request),
        },
    )


# --- detail and actions --------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """One action of the detail page: its form, its button, and the workflow call it makes."""

    form: type[finding_forms.ActionForm]
    label: str
    run: Callable[..., object]
    style: str = ""


def _assign(function, text_field: str):
    """Dispatch and reassign take the same form; the text is a note for one, a reason for the other."""

    def run(user, finding, data):
        return function(
            actor=user,
            finding=finding,
            community=data["community"],
            unit=data["unit"],
            **{text_field: data[text_field]},
        )

    return run


#: Action name (its URL segment) → its form and workflow call. The workflow's table
#: (``workflow.TRANSITIONS``) says when each may be taken; this says how the page takes it.
ACTIONS: dict[str, Action] = {
    "acknowledge": Action(
        finding_forms.ActionForm,
        gettext_lazy("Acknowledge"),
        lambda user, finding, data: workflow.acknowledge_finding(actor=user, finding=finding),
        style="primary",
    ),
    "submit": Action(
        finding_forms.SubmitForm,
        gettext_lazy("Submit the rectification"),
        lambda user, finding, data: workflow.submit_rectification(
            actor=user, finding=finding, note=data["note"], photos=data["photos"]
        ),
        style="primary",
    ),
    "verify": Action(
        finding_forms.NoteForm,
        gettext_lazy("Verify and close"),
        lambda user, finding, data: workflow.verify_finding(actor=user, finding=finding, note=data["note"]),
        style="primary",
    ),
    "return": Action(
        finding_forms.ReasonForm,
        gettext_lazy("Return for rework"),
        lambda user, finding, data: workflow.return_finding(actor=user, finding=finding, reason=data["reason"]),
    ),
    "dispatch": Action(
        finding_forms.AssignForm, gettext_lazy("Dispatch"), _assign(workflow.dispatch_finding, "note"), style="primary"
    ),
    "reassign": Action(
        finding_forms.ReassignForm, gettext_lazy("Reassign"), _assign(workflow.reassign_finding, "reason")
    ),
    "decline": Action(
        finding_forms.ReasonForm,
        gettext_lazy("Decline: not ours"),
        lambda user, finding, data: workflow.decline_finding(actor=user, finding=finding, reason=data["reason"]),
    ),
    "mark-invalid": Action(
        finding_forms.ReasonForm,
        gettext_lazy("Mark invalid"),
        lambda user, finding, data: workflow.mark_invalid(actor=user, finding=finding, reason=data["reason"]),
    ),
    "mark-duplicate": Action(
        finding_forms.DuplicateForm,
        gettext_lazy("Mark as duplicate"),
        lambda user, finding, data: workflow.mark_duplicate(
            actor=user, finding=finding, original=data["original"], reason=data["reason"]
        ),
    ),
    "add-photo": Action(
        finding_forms.PhotoForm,
        gettext_lazy("Add a photo"),
        lambda user, finding, data: workflow.add_photo(
            actor=user, finding=finding, stage=data["stage"], upload=data["image"]
        ),
    ),
    "request-extension": Action(
        finding_forms.ExtensionRequestForm,
        gettext_lazy("Ask for more time"),
        lambda user, finding, data: workflow.request_extension(
            actor=user, finding=finding, reason=data["reason"], until=data["until"]
        ),
    ),
    "decide-extension": Action(
        finding_forms.ExtensionDecisionForm,
        gettext_lazy("Decide the extension request"),
        lambda user, finding, data: workflow.decide_extension(
            actor=user, finding=finding, approve=data["approve"], note=data["note"]
        ),
        style="primary",
    ),
}

#: The page's actions that are not status transitions: who may take them (the role alone) ...
_OTHER_ROLES = {
    "request-extension": permissions.can_request_extension,
    "decide-extension": permissions.can_decide_extension,
}


def _finding_or_404(user, code: str) -> Finding:
    finding = selectors.finding_for_detail(user, code)
    if finding is None:
        raise Http404(_("No such finding in your area."))
    return finding


def _available(user, finding: Finding) -> list[str]:
    """The actions the user may take now, in the page's order: the workflow's, photos, extensions."""
    names = workflow.available_actions(user, finding)
    if selectors.photo_stages_allowed(user, finding):
        names.append("add-photo")
    for name, allowed in _OTHER_ROLES.items():
        if allowed(user, finding) and _state_allows(finding, name):
            names.append(name)
    return [name for name in ACTIONS if name in names]


def _may(user, finding: Finding, name: str) -> bool:
    """The role check alone (state aside), the same one the workflow makes."""
    if name == "add-photo":
        return any(permissions.can_add_photo(user, finding, stage) for stage in FindingPhoto.Stage.values)
    if name in _OTHER_ROLES:
        return _OTHER_ROLES[name](user, finding)
    return workflow.may(user, finding, name)


def _expect_status(finding: Finding, name: str) -> None:
    """``Conflict`` unless the finding's state allows the action now (the workflow's own checks)."""
    if name == "add-photo":
        if not finding.is_open:
            raise Conflict(_("This finding is closed; no more photos can be added."))
    elif name == "request-extension":
        workflow.expect_extension_request(finding, timezone.now())
    elif name == "decide-extension":
        workflow.expect_extension_decision(finding)
    else:
        workflow.expect_status(finding, name)


def _state_allows(finding: Finding, name: str) -> bool:
    try:
        _expect_status(finding, name)
    except Conflict:
        return False
    return True


def _render_detail(
    request, finding: Finding, *, failed: tuple[str, finding_forms.ActionForm] | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    panels = []
    for name in _available(user, finding):
        form = failed[1] if failed and failed[0] == name else ACTIONS[name].form(user=user, finding=finding)
        panels.append(
            {
                "name": name,
                "label": ACTIONS[name].label,
                "style": ACTIONS[name].style,
                "form": form,
                "url": reverse("inspections:act", args=[finding.code, name]),
                "open": bool(failed and failed[0] == name),
                "multipart": any(field.widget.needs_multipart_form for field in form.fields.values()),
            }
        )
    selectors.annotate_deadlines([finding])
    map_data = {
        "tiles": settings.MAP_TILES_URL,
        "center": list(settings.MAP_CENTER),
        "point": [finding.lat, finding.lng] if finding.lat is not None and finding.lng is not None else None,
        "cell": finding.grid_cell.boundary if finding.grid_cell_id else None,
        "cellName": finding.grid_cell.name if finding.grid_cell_id else "",
    }
    return render(
        request,
        "inspections/finding_detail.html",
        {
            "finding": finding,
            "events": selectors.timeline(finding),
            "pending_extension": workflow.pending_extension(finding),
            "photos": selectors.photos_by_stage(finding),
            "panels": panels,
            "map_data": map_data,
            "can_report": permissions.can_report(user),
        },
        status=status,
    )


@login_required
def detail(request, code: str):
    """One finding: its timeline, photos, place, and the actions the user may take now."""
    return _render_detail(request, _finding_or_404(request.user, code))


@login_required
@require_POST
def act(request, code: str, action: str):
    """POST ``/findings/<code>/<action>/``: one action through the workflow, then back to the detail."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404(_("No such action."))
    user = request.user
    finding = _finding_or_404(user, code)
    back = redirect("inspections:detail", code=finding.code)
    # The workflow checks both again under the row lock; checking here first answers a wrong
    # role with 403 and a stale page with a message before any input is looked at.
    if not _may(user, finding, action):
        return forbidden(request, _("Your role does not allow this action on this finding."))
    try:
        _expect_status(finding, action)
    except Conflict as error:
        messages.error(request, error.message)
        return back
    form = spec.form(request.POST, request.FILES, user=user, finding=finding)
    if not form.is_valid():
        return _render_detail(request, finding, failed=(action, form), status=400)
    try:
        changed = spec.run(user, finding, form.cleaned_data)
    except Forbidden as error:
        return forbidden(request, error.message)
    except Conflict as error:
        messages.error(request, error.message)
        return back
    except Invalid as error:
        add_to_form(form, error)
        return _render_detail(request, finding, failed=(action, form), status=400)
    if isinstance(changed, Finding):
        messages.success(
            request,
            _("“%(action)s” done; the finding is now “%(status)s”.")
            % {"action": spec.label, "status": changed.get_status_display()},
        )
    elif isinstance(changed, Extension):
        messages.success(request, _extension_message(changed))
    else:
        messages.success(request, _("The photo was added."))
    # A finding declined by a unit (or sent elsewhere) may leave the actor's scope: not a 404.
    if not Finding.objects.visible_to(user).filter(pk=finding.pk).exists():
        return redirect("inspections:findings")
    return back


def _extension_message(extension: Extension) -> str:
    until = timezone.localtime(extension.requested_deadline).strftime("%Y-%m-%d %H:%M")
    if extension.state == Extension.State.PENDING:
        return _("More time asked for, until %(until)s; the street will decide.") % {"until": until}
    if extension.state == Extension.State.APPROVED:
        return _("Extension approved: the deadline is now %(until)s.") % {"until": until}
    return _("Extension refused: the deadline stays as it was.")


# --- intake --------------------------------------------------------------------------------


@login_required
def report(request):
    """Report a problem from a phone: category, description, pin or address, photos.

    A report sent back with an error keeps its good photos for the next try (``DraftPhoto``, by
    the form's ``draft`` key), so nobody has to pick them again on a phone.
    """
    user = request.user
    if not permissions.can_report(user):
        return forbidden(request, _("Your role does not report problems."))
    status = 200
    if request.method == "POST":
        form = finding_forms.ReportForm(request.POST, request.FILES, user=user)
        if form.is_valid():
            data = form.cleaned_data
            report = intake.Report(
                source=data["source"],
                category=data["category"],
                description=data["description"],
                address=data["address"],
                lat=data["lat"],
                lng=data["lng"],
            )
            try:
                finding = intake.report_finding(actor=user, report=report, photos=data["photos"], kept=data["kept"])
            except Forbidden:
                form.add_error("lat", _("You may report only within your own area."))
            except DomainError as error:
                add_to_form(form, error)
            else:
                messages.success(
                    request,
                    _("Reported as %(code)s; it is now “%(status)s”.")
                    % {"code": finding.code, "status": finding.get_status_display()},
                )
                # An address-only report may lie outside what the reporter's role sees (it waits
                # for the district's dispatcher); send them to the list rather than to a 404.
                if Finding.objects.visible_to(user).filter(pk=finding.pk).exists():
                    return redirect("inspections:detail", code=finding.code)
                return redirect("inspections:findings")
        status = 400
        form.keep_photos(request.FILES.getlist("photos"))
    else:
        form = finding_forms.ReportForm(user=user)
    map_data = {
        "tiles": settings.MAP_TILES_URL,
        "center": list(settings.MAP_CENTER),
        "cells": selectors.report_cells(user),
    }
    context = {"form": form, "map_data": map_data, "lands_in": intake.address_only_place(user)}
    return render(request, "inspections/report.html", context, status=status)


@login_required
def draft_photo(request, pk: int):
    """The thumbnail of a photo kept for a report, to the person who picked it (else 404)."""
    row = DraftPhoto.objects.filter(pk=pk, uploader=request.user).first()
    if row is None or not row.thumbnail or not row.thumbnail.storage.exists(row.thumbnail.name):
        raise Http404(_("No such photo."))
    response = FileResponse(row.thumbnail.open("rb"), content_type="image/jpeg")
    patch_cache_control(response, private=True, max_age=3600)
    return response


# --- battle map ----------------------------------------------------------------------------

#: Shading of a cell by its open findings: (at least this many, colour).
CELL_SHADES = [(0, "#e6f4ea"), (1, "#fff3bf"), (3, "#ffc078"), (6, "#fa5252")]


@login_required
def battle_map(request):
    """挂图作战: the user's grid cells shaded by open findings, and the open findings as markers."""
    user = request.user
    filterset = selectors.finding_filter(user, request.GET)
    cells = selectors.map_cells(user, filterset)
    markers, truncated = selectors.map_markers(filterset)
    busiest = sorted((c for c in cells if c["open"]), key=lambda c: (-c["open"], c["code"]))[:20]
    map_data = {
        "tiles": settings.MAP_TILES_URL,
        "center": list(settings.MAP_CENTER),
        "cells": cells,
        "markers": markers,
        "shades": CELL_SHADES,
        "detailUrl": reverse("inspections:detail", args=["__code__"]),
        "statuses": {value: str(label) for value, label in Status.choices},
        "text": {"open": _("open findings"), "overdue": _("overdue")},
    }
    open_statuses = [(value, label) for value, label in Status.choices if value in Finding.OPEN_STATUSES]
    return render(
        request,
        "inspections/map.html",
        {
            "map_data": map_data,
            "cell_count": len(cells),
            "open_total": sum(c["open"] for c in cells),
            "marker_count": len(markers),
            "truncated": truncated,
            "busiest": busiest,
            "shades": CELL_SHADES,
            "can_report": permissions.can_report(user),
            "filter_errors": labelled_errors(filterset.form),
            "query": query_without(request.GET, "page"),
            **_filter_context(request),
            "status_choices": open_statuses,
        },
    )


# --- extensions ----------------------------------------------------------------------------


@login_required
def extensions(request):
    """延期审批: the requests for more time waiting in the user's area."""
    user = request.user
    if not (user.is_superuser or user.has_role(*permissions.EXTENSION_DECIDER_ROLES)):
        return forbidden(request, _("Your role does not decide extensions."))
    return render(request, "inspections/extension_list.html", {"rows": selectors.pending_extensions(user)})


# --- photos --------------------------------------------------------------------------------


@login_required
def photo(request, code: str, pk: int, variant: str = "image"):
    """A finding's photo, to those who may see the finding (out of scope, or no such photo: 404).

    The file is sent by the portal itself; behind a web server configured for it
    (``MEDIA_ACCEL_REDIRECT``), by that server through ``X-Accel-Redirect`` instead.
    """
    finding = _finding_or_404(request.user, code)
    row = finding.photos.filter(pk=pk).first()
    if row is None:
        raise Http404(_("No such photo."))
    file = row.thumbnail if variant == "thumbnail" else row.image
    if not file or not file.storage.exists(file.name):
        raise Http404(_("No such photo."))
    content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    if settings.MEDIA_ACCEL_REDIRECT:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_REDIRECT.rstrip("/") + "/" + file.name
    else:
        response = FileResponse(file.open("rb"), content_type=content_type)
    # Private: a shared cache must never hand a photo to someone else.
    patch_cache_control(response, private=True, max_age=3600)
    return response


# --- ledger --------------------------------------------------------------------------------


@login_required
def export(request):
    """台账: the current filtered, scoped list as an Excel file, streamed from a temporary file."""
    filterset = selectors.finding_filter(request.user, request.GET)
    title = selectors.ledger_title(request.user, filterset, timezone.now())
    return exports.ledger_response(filterset.qs, title=title)
