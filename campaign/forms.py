"""Forms of the campaign pages: the dashboard's filters, a new round, one item's mark, the import."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign.models import InspectionRound, Mark
from oversight.forms import period_error, resolve_period
from web.fields import MultipleFileField


def _date(label):
    return forms.DateField(
        label=label, required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )


class DashboardForm(forms.Form):
    """``campaign``, ``street`` (a code), ``from`` and ``to`` (days, both included; the last 30 days by default)."""

    campaign = forms.TypedChoiceField(label=_("campaign"), required=False, coerce=int, empty_value=None)
    street = forms.ChoiceField(label=_("street"), required=False)

    def __init__(self, data=None, *, campaigns, streets, **kwargs):
        super().__init__(data, **kwargs)
        start, end = resolve_period()
        self.fields["from"] = _date(_("from"))
        self.fields["to"] = _date(_("to"))
        self.fields["from"].initial, self.fields["to"].initial = start, end
        self.order_fields(["campaign", "street", "from", "to"])
        self.fields["campaign"].choices = [(c.pk, c.name) for c in campaigns]
        self.fields["street"].choices = [("", _("All streets")), *[(s.code, s.name) for s in streets]]
        if len(streets) <= 1:
            self.fields["street"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        data["from"], data["to"] = resolve_period(data.get("from"), data.get("to"))
        error = period_error(data["from"], data["to"])
        if error:
            self.add_error("from", error)
        return data


class StartRoundForm(forms.Form):
    community = forms.ChoiceField(label=_("community"))
    kind = forms.ChoiceField(label=_("kind"), choices=InspectionRound.Kind.choices)
    on = forms.DateField(label=_("date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    follow_up = forms.BooleanField(
        label=_("Follow-up (复查) of the community's last round"),
        required=False,
        help_text=_("The items that failed last time are listed first, and the result is compared with it."),
    )

    def __init__(self, *args, communities, **kwargs):
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [("", "—"), *[(c.code, f"{c.street.name} · {c.name}") for c in communities]]


class MarkForm(forms.Form):
    result = forms.ChoiceField(label=_("result"), choices=Mark.Result.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    lng = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    photos = MultipleFileField(label=_("photos"))


class ImportForm(forms.Form):
    workbook = forms.FileField(label=_("Excel file (.xlsx)"))
