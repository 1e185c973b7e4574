from django import forms
from django.utils.translation import gettext_lazy as _

from districts.models import District


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
