"""Forms of the findings pages. They check the shape of the input; the workflow decides the rest.

A refusal raised by the workflow is put back on the form with ``web.errors.add_to_form`` (on the
field it names when the form has that field), so the person sees it where it belongs.
"""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections import selectors
from inspections.intake import sources_for
from inspections.models import Category, Finding, FindingPhoto
from web.fields import DateTimeInput, MultipleFileField, MultipleFileInput, xml_text

Source = Finding.Source


def _text(label, *, required=False, max_length=2000, rows=2, **attrs):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows, **attrs}),
        validators=[xml_text],
    )


# --- actions on one finding ----------------------------------------------------------------


class ActionForm(forms.Form):
    """One action on one finding; knows who acts and on what, for choices that depend on them."""

    def __init__(self, *args, user, finding: Finding, **kwargs):
        self.user = user
        self.finding = finding
        kwargs.setdefault("auto_id", f"id_%s_{type(self).__name__.lower()}")
        super().__init__(*args, **kwargs)


class NoteForm(ActionForm):
    note = _text(_("note"))


class ReasonForm(ActionForm):
    reason = _text(_("reason"), required=True)


class SubmitForm(ActionForm):
    note = _text(_("what was done"))
    photos = MultipleFileField(
        label=_("photos after rectification"),
        widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )


class AssignForm(ActionForm):
    """Dispatch (派遣): a community of the dispatcher's reach, or a functional unit."""

    community = forms.ModelChoiceField(
        label=_("community"), queryset=None, required=False, to_field_name="code", empty_label="—"
    )
    unit = forms.ModelChoiceField(
        label=_("or a functional unit"), queryset=None, required=False, to_field_name="code", empty_label="—"
    )
    note = _text(_("note"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = selectors.assignable_communities(self.user)
        self.fields["community"].label_from_instance = lambda c: f"{c.street.name} · {c.name}"
        self.fields["unit"].queryset = selectors.assignable_units(self.finding)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if bool(data.get("community")) == bool(data.get("unit")):
            self.add_error("community", _("Choose either a community or a unit."))
        return data


class ReassignForm(AssignForm):
    """Reassign (改派): as dispatch, with a reason."""

    note = None
    reason = _text(_("reason"), required=True)


class DuplicateForm(ActionForm):
    original = forms.CharField(
        label=_("number of the original finding"),
        max_length=24,
        widget=forms.TextInput(attrs={"placeholder": "370103-20261126-0001", "autocomplete": "off"}),
    )
    reason = _text(_("note"))

    def clean_original(self):
        code = self.cleaned_data["original"].strip()
        original = Finding.objects.visible_to(self.user).filter(code=code).first()
        if original is None:
            raise forms.ValidationError(_("No such finding in your area."))
        return original


class ExtensionRequestForm(ActionForm):
    """延期: a later deadline and why; asked before the current one passes."""

    until = DateTimeInput(label=_("new deadline"))
    reason = _text(_("reason"), required=True, rows=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        deadline = timezone.localtime(self.finding.deadline_at)
        self.fields["until"].help_text = _("The current deadline is %(deadline)s.") % {
            "deadline": deadline.strftime("%Y-%m-%d %H:%M")
        }
        self.fields["until"].initial = (deadline + timedelta(days=1)).replace(second=0, microsecond=0)


class ExtensionDecisionForm(ActionForm):
    """Approve (the deadline moves) or refuse, with a reason when refusing."""

    decision = forms.ChoiceField(
        label=_("decision"),
        choices=[("approve", _("approve the new deadline")), ("refuse", _("refuse"))],
        widget=forms.RadioSelect,
    )
    note = _text(_("note (required when refusing)"))

    def clean(self):
        data = super().clean()
        data["approve"] = data.get("decision") == "approve"
        return data


class PhotoForm(ActionForm):
    stage = forms.ChoiceField(label=_("stage"), choices=())
    image = forms.FileField(
        label=_("photo"), widget=forms.FileInput(attrs={"accept": "image/*", "capture": "environment"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = selectors.photo_stages_allowed(self.user, self.finding)
        self.fields["stage"].choices = [choice for choice in FindingPhoto.Stage.choices if choice[0] in allowed]


# --- intake --------------------------------------------------------------------------------


class ReportForm(forms.Form):
    """随手拍 / patrol intake from a phone: what, where (pin or address), photos."""

    category = forms.ModelChoiceField(
        label=_("category"), queryset=Category.objects.filter(is_active=True), to_field_name="code"
    )
    description = _text(_("description"), required=True, rows=3)
    lat = forms.FloatField(
        label=_("latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    lng = forms.FloatField(
        label=_("longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    address = forms.CharField(label=_("address"), required=False, max_length=200, validators=[xml_text])
    source = forms.ChoiceField(label=_("source"), choices=(), required=False)
    photos = MultipleFileField(label=_("photos"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources = sources_for(user)
        labels = dict(Source.choices)
        self.fields["source"].choices = [(value, labels[value]) for value in self.sources]
        if self.sources:
            self.fields["source"].initial = self.sources[0]
        self.fields["category"].empty_label = _("choose a category")

    def clean_source(self):
        # Not chosen: the usual source of the person's role.
        source = self.cleaned_data["source"] or (self.sources[0] if self.sources else "")
        if not source:
            raise forms.ValidationError(_("Choose where the problem was found."))
        return source

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lng") is None) and not self.errors.get("lat"):
            self.add_error("lat", _("Give both latitude and longitude."))
        return data
