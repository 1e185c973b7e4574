"""Forms and filters of the oversight pages (/oversight/), and the period of the statistics.

They check the shape of the input; ``oversight.services`` decides the rest, and its
``Invalid`` is put back on the field it names (``web.errors.add_to_form``).
"""

from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.filters import FindingFilter
from inspections.stats import DEFAULT_MEASURE, MEASURES
from oversight.models import AccountabilityCase
from web.fields import EARLIEST, LATEST, OUT_OF_RANGE, bounded_date, xml_text

#: The statistics' period when none is given: the last 30 days, today included.
DEFAULT_PERIOD_DAYS = 30
#: A longer period is refused: one aggregate over years of findings is not what a page is for.
MAX_PERIOD_DAYS = 366 * 3
GROUP_CHOICES = [("unit", _("unit")), ("community", _("community")), ("street", _("street"))]
LEVEL_CHOICES = [(1, _("overdue")), (2, _("escalated to the district"))]


def resolve_period(start: date | None = None, end: date | None = None) -> tuple[date, date]:
    """The period asked for; a missing end is today, a missing start 30 days before the end."""
    end = end or timezone.localdate()
    return start or end - timedelta(days=DEFAULT_PERIOD_DAYS - 1), end


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The days ``start`` … ``end`` (both included) as [start 00:00, the day after end 00:00), local time."""
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def period_error(start: date, end: date) -> str | None:
    """Why ``start`` … ``end`` is not a period the statistics answer for (None: it is)."""
    if not (EARLIEST <= start <= LATEST and EARLIEST <= end <= LATEST):
        return str(OUT_OF_RANGE)
    if start > end:
        return _("The start of the period is after its end.")
    if (end - start).days >= MAX_PERIOD_DAYS:
        return _("The period is too long: at most %(days)s days.") % {"days": MAX_PERIOD_DAYS}
    return None


class OverdueFilter(FindingFilter):
    """The findings list's filters (by codes), and the rung of the ladder (``inspections.ladder``)."""

    level = django_filters.TypedChoiceFilter(choices=LEVEL_CHOICES, coerce=int, method="filter_level", label=_("level"))

    def filter_level(self, queryset, name, value):
        now = timezone.now()
        if value == 2:
            return queryset.escalated(now)
        return queryset.overdue_not_escalated(now)


class CodesField(forms.Field):
    """Finding numbers ticked in a list (several values under one name)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"required": _("Choose at least one overdue finding.")}

    def to_python(self, value):
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return list(dict.fromkeys(str(v).strip() for v in values if str(v).strip()))


class OpenCaseForm(forms.Form):
    """The queue's ticked findings; title and facts are pre-filled from them when left empty."""

    findings = CodesField(label=_("findings"))
    title = forms.CharField(label=_("title"), max_length=200, required=False, validators=[xml_text])
    summary = forms.CharField(
        label=_("facts"), required=False, max_length=5000, widget=forms.Textarea, validators=[xml_text]
    )


class DecideCaseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("outcome"), choices=[("", "—"), *AccountabilityCase.Outcome.choices], required=True
    )
    review = forms.CharField(
        label=_("review"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}), validators=[xml_text]
    )
    decision_date = forms.DateField(
        label=_("decision date"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        validators=[bounded_date],
    )
    document_no = forms.CharField(
        label=_("document number"),
        max_length=100,
        required=False,
        help_text=_("Required unless the outcome is “no action”."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_decide_%s")
        kwargs.setdefault("initial", {"decision_date": timezone.localdate()})
        super().__init__(*args, **kwargs)


class CaseNoteForm(forms.Form):
    note = forms.CharField(
        label=_("note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}), validators=[xml_text]
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_note_%s")
        super().__init__(*args, **kwargs)


#: How a performance table may be ordered: by a measure (``inspections.stats.MEASURES``), best or worst first.
SORT_CHOICES = [(key, key) for key in MEASURES]
ORDER_CHOICES = [("best", _("best first")), ("worst", _("worst first"))]


class PerformanceForm(forms.Form):
    """The statistics' query: ``from`` / ``to`` (days, both included), ``street``, ``group``; and
    the table's order, ``sort`` (a measure) and ``order`` (best or worst first)."""

    street = forms.ChoiceField(label=_("street"), required=False)
    group = forms.ChoiceField(label=_("per"), choices=GROUP_CHOICES, required=False)
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False, widget=forms.HiddenInput)
    order = forms.ChoiceField(choices=ORDER_CHOICES, required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, streets: list[tuple[str, str]], **kwargs):
        super().__init__(data, **kwargs)
        start, end = resolve_period()
        # "from" is a Python keyword, so these two are added here rather than declared.
        self.fields["from"] = forms.DateField(
            label=_("from"),
            required=False,
            widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            initial=start,
        )
        self.fields["to"] = forms.DateField(
            label=_("to"),
            required=False,
            widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            initial=end,
        )
        self.order_fields(["from", "to", "street", "group"])
        self.fields["street"].choices = [("", _("All streets")), *streets]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        data["from"], data["to"] = resolve_period(data.get("from"), data.get("to"))
        data["group"] = data.get("group") or "unit"
        data["sort"] = data.get("sort") or DEFAULT_MEASURE
        data["order"] = data.get("order") or "best"
        error = period_error(data["from"], data["to"])
        if error:
            self.add_error("from", error)
        else:
            # Show the period answered in the date inputs, also when they were left empty.
            self.data = self.data.copy()
            self.data["from"], self.data["to"] = data["from"].isoformat(), data["to"].isoformat()
        return data
