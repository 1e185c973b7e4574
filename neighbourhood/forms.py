"""The life circle's forms: a point of interest, an import, a lack made into a finding."""

from django import forms
from django.utils.translation import gettext_lazy as _

from inspections.models import Category
from neighbourhood.models import Kind


class PointForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=Kind.choices)
    name = forms.CharField(label=_("name"), max_length=100)
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    hours = forms.CharField(
        label=_("opening hours"), max_length=100, required=False, help_text=_("For example 08:00–20:00, or 24 hours.")
    )
    lat = forms.FloatField(
        label=_("latitude"),
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        help_text=_("WGS-84; tap the map or use the phone's location."),
    )
    lng = forms.FloatField(
        label=_("longitude"),
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("file"),
        help_text=_("GeoJSON (.geojson) or Excel (.xlsx)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".geojson,.json,.xlsx"}),
    )


class LackFindingForm(forms.Form):
    category = forms.ModelChoiceField(label=_("category"), queryset=Category.objects.none(), empty_label=None)

    def __init__(self, *args, initial_category=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True).order_by("sort_order", "code")
        if initial_category is not None:
            self.fields["category"].initial = initial_category.pk
