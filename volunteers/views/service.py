"""Service hours for organisers, street staff and leaders: rankings per unit, community, street or
volunteer over a period, this week's turnout, the units' quota coverage, and the Excel export."""

from django.shortcuts import render
from django.utils import timezone

from volunteers import exports, stats
from volunteers.forms import HoursForm
from volunteers.models import Attendance, DutyRule
from volunteers.permissions import STAFF_ROLES
from volunteers.views.common import staff_only
from web.query import clean_params

RANKING_SIZE = 100


def _query(request):
    # Always bound: an empty query cleans to the defaults (this week, per unit).
    form = HoursForm(clean_params(request.GET))
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    # Shown again with the period it resolved to, so the inputs say what is counted.
    shown = HoursForm({"start": data["start"].isoformat(), "end": data["end"].isoformat(), "group": data["group"]})
    shown.is_valid()
    return shown, data


@staff_only
def hours(request):
    user = request.user
    form, data = _query(request)
    context = {"form": form}
    status = 200
    if data is None:
        status = 400
    else:
        start, end = stats.day_bounds(data["start"], data["end"])
        scoped = Attendance.objects.visible_to(user, roles=STAFF_ROLES)
        week_start, _week_end = stats.week_of(timezone.now())
        context.update(
            {
                "chosen": data,
                "rows": stats.hours_by(scoped, group=data["group"], start=start, end=end, limit=RANKING_SIZE),
                "group_label": dict(HoursForm.GROUPS)[data["group"]],
                "week": stats.turnout_of(scoped, timezone.now()),
                "week_start": week_start,
                "coverage": stats.coverage(
                    DutyRule.objects.visible_to(user, roles=STAFF_ROLES), start=data["start"], end=data["end"]
                ),
                "query": request.GET.urlencode(),
            }
        )
    return render(request, "volunteers/hours.html", context, status=status)


@staff_only
def hours_export(request):
    form, data = _query(request)
    if data is None:
        return render(request, "volunteers/hours.html", {"form": form}, status=400)
    start, end = stats.day_bounds(data["start"], data["end"])
    scoped = Attendance.objects.visible_to(request.user, roles=STAFF_ROLES)
    rows = stats.hours_by(scoped, group=data["group"], start=start, end=end)
    return exports.hours_response(
        rows, group_label=str(dict(HoursForm.GROUPS)[data["group"]]), start=data["start"], end=data["end"]
    )
