from django import forms
from django.utils.translation import gettext_lazy as _

from districts.models import District
from web.fields import bounded_date


class ImportForm(forms.Form):
    campaign = forms.ModelChoiceField(label=_("campaign"), queryset=None)
    title = forms.CharField(label=_("title"), max_length=100)
    introduction = forms.CharField(
        label=_("introduction"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    workbook = forms.FileField(label=_("Excel file (.xlsx)"))

    def __init__(self, *args, user, **kwargs):
        from django.apps import apps

        super().__init__(*args, **kwargs)
        # campaign sits above this app: its model is found by name, not imported.
        campaign = apps.get_model("campaign", "Campaign")
        self.fields["campaign"].queryset = campaign.objects.filter(
            district__in=District.objects.visible_to(user)
        ).order_by("-is_active", "-starts_on")

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


class PlaceForm(forms.Form):
    """The results' filters: a street or a community of the round, in the reader's scope."""

    street = forms.ChoiceField(label=_("street"), required=False)
    community = forms.ChoiceField(label=_("community"), required=False)

    def __init__(self, *args, streets, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.streets = {s.code: s for s in streets}
        self.communities = {c.code: c for c in communities}
        self.fields["street"].choices = [("", _("All"))] + [(s.code, s.name) for s in streets]
        self.fields["community"].choices = [("", _("All"))] + [(c.code, c.name) for c in communities]


class RoundForm(forms.Form):
    """A new door-to-door round: the questionnaire, the period, the communities and their target."""

    questionnaire = forms.ModelChoiceField(label=_("questionnaire"), queryset=None)
    title = forms.CharField(label=_("title"), max_length=100)
    starts_on = forms.DateField(
        label=_("starts on"), validators=[bounded_date], widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("ends on"), validators=[bounded_date], widget=forms.DateInput(attrs={"type": "date"})
    )
    communities = forms.ModelMultipleChoiceField(
        label=_("communities"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    target_households = forms.IntegerField(
        label=_("target households per community"),
        min_value=1,
        max_value=100000,
        initial=100,
        help_text=_("Each community's own target can be changed in the administration."),
    )

    def __init__(self, *args, questionnaires, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].queryset = questionnaires
        self.fields["communities"].queryset = communities

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The round cannot end before it starts."))
        return data
