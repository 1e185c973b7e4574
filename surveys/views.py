"""The questionnaires' pages: the rounds, filling in door to door, results, exports, the import.

Rounds are found through ``visible_to`` (out of scope is a 404); a role that may not fill in,
read or import gets the 403 page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from surveys import exports, importer, permissions, results, rounds
from surveys.forms import ImportForm, PlaceForm, RoundForm
from surveys.importer import ImportRefused, import_questionnaire
from surveys.models import SurveyRound
from surveys.rates import DEFINITIONS
from web.pages import forbidden
from web.sheets import XLSX


def _round_or_404(user, pk: int) -> SurveyRound:
    found = permissions.visible_rounds(user).select_related("questionnaire").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@login_required
def round_list(request):
    user = request.user
    today = timezone.localdate()
    rounds = list(
        permissions.visible_rounds(user)
        .select_related("questionnaire")
        .prefetch_related("communities")
        .order_by("-starts_on", "-id")[:100]
    )
    return render(
        request,
        "surveys/round_list.html",
        {
            "rounds": rounds,
            "today": today,
            "may_answer": permissions.may_answer(user),
            "may_read": permissions.may_read_results(user),
            "may_import": permissions.may_import(user),
        },
    )


@login_required
def fill(request, pk: int):
    user = request.user
    round_ = _round_or_404(user, pk)
    if not permissions.may_answer(user):
        return forbidden(request, _("Questionnaires are filled in by volunteers, community workers and grid workers."))
    questions = list(round_.questionnaire.questions.order_by("order", "id").prefetch_related("options"))
    cells = list(
        permissions.answerable_cells(user, round_)
        .select_related("community")
        .order_by("code")
        .values("code", "name", "community__name", "boundary")
    )
    payload = {
        "round": round_.pk,
        "endpoint": reverse("api-surveys-responses", args=[round_.pk]),
        "cells": [
            {"code": c["code"], "name": c["name"], "community": c["community__name"], "boundary": c["boundary"]}
            for c in cells
        ],
        "questions": [{"id": q.pk, "kind": q.kind, "required": q.required, "order": q.order} for q in questions],
    }
    return render(
        request,
        "surveys/fill.html",
        {
            "round": round_,
            "questions": questions,
            "cells": cells,
            "payload": payload,
            "is_open": round_.is_open_on(timezone.localdate()),
        },
    )


def _place(request, user, round_):
    form = PlaceForm(
        request.GET or None,
        streets=list(results.streets_for(user, round_)),
        communities=list(results.communities_for(user, round_)),
    )
    street = community = None
    if form.is_bound and form.is_valid():
        street = form.streets.get(form.cleaned_data["street"])
        community = form.communities.get(form.cleaned_data["community"])
    elif form.is_bound:
        raise Http404
    return form, street, community


@login_required
def results_page(request, pk: int):
    user = request.user
    round_ = _round_or_404(user, pk)
    if not permissions.may_read_results(user):
        return forbidden(request, _("The results are for the communities', streets' and district's staff."))
    form, street, community = _place(request, user, round_)
    data = results.build(user, round_, community=community, street=street)
    return render(
        request,
        "surveys/results.html",
        {
            **data,
            "form": form,
            "query": request.GET.urlencode(),
            "definitions": DEFINITIONS,
            "show_streets": street is None and community is None and len(data["streets"]) > 1,
        },
    )


@login_required
def results_export(request, pk: int):
    user = request.user
    round_ = _round_or_404(user, pk)
    if not permissions.may_read_results(user):
        return forbidden(request, _("The results are for the communities', streets' and district's staff."))
    _form, street, community = _place(request, user, round_)
    return exports.results(results.build(user, round_, community=community, street=street))


@login_required
def answers_export(request, pk: int):
    user = request.user
    round_ = _round_or_404(user, pk)
    if not permissions.may_read_results(user):
        return forbidden(request, _("The results are for the communities', streets' and district's staff."))
    _form, street, community = _place(request, user, round_)
    responses = results.responses_for(user, round_)
    if street is not None:
        responses = responses.filter(street=street)
    if community is not None:
        responses = responses.filter(community=community)
    questions = list(round_.questionnaire.questions.order_by("order", "id"))
    return exports.answers(user, round_, responses, questions)


@login_required
def import_questionnaire_page(request):
    user = request.user
    if not permissions.may_import(user):
        return forbidden(request, _("Questionnaires are imported by the street offices and the district."))
    form = ImportForm(request.POST or None, request.FILES or None, user=user)
    errors, status = [], 200
    if request.method == "POST":
        if form.is_valid():
            try:
                questionnaire = import_questionnaire(
                    campaign=form.cleaned_data["campaign"],
                    title=form.cleaned_data["title"],
                    introduction=form.cleaned_data["introduction"],
                    upload=form.cleaned_data["workbook"],
                )
            except ImportRefused as refused:
                errors = refused.errors
            else:
                messages.success(
                    request,
                    _("Imported “%(title)s” with %(count)s questions.")
                    % {"title": questionnaire.title, "count": questionnaire.questions.count()},
                )
                return redirect("surveys:import")
        status = 400
    return render(request, "surveys/import.html", {"form": form, "errors": errors}, status=status)


@login_required
def import_template(request):
    """The Excel sheet to fill in for the import: its header row and one question of each kind."""
    if not permissions.may_import(request.user):
        return forbidden(request, _("Questionnaires are imported by the street offices and the district."))
    response = HttpResponse(importer.template(), content_type=XLSX)
    response.headers["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename="问卷导入模板.xlsx"
    )
    return response


@login_required
def round_new(request):
    user = request.user
    if not permissions.may_import(user):
        return forbidden(request, _("Survey rounds are set up by the street offices and the district."))
    form = RoundForm(
        request.POST or None,
        questionnaires=permissions.round_questionnaires(user),
        communities=permissions.round_communities(user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        round_ = rounds.start_round(actor=user, **data)
        messages.success(request, _("The round “%(title)s” is set up.") % {"title": round_.title})
        return redirect("surveys:rounds")
    status = 400 if form.is_bound else 200
    return render(request, "surveys/round_new.html", {"form": form}, status=status)
