"""Forms of the findings pages. They check the shape of the input; the workflow decides the rest.

A ``WorkflowError`` raised by the workflow is put back on the form with ``add_workflow_error``
(on the field it names when the form has that field), so the person sees it where it belongs.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from inspections import selectors
from inspections.models import Category, Finding, FindingPhoto
from inspections.workflow import WorkflowError

Source = Finding.Source

#: At most this many photos in one upload (a phone's "pick up to nine").
MAX_PHOTOS = 9

#: Role → the sources a person in it reports as, the usual one first.
SOURCES_BY_ROLE = {
    Role.GRID_WORKER: [Source.GRID_PATROL, Source.SNAPSHOT],
    Role.SUPERVISOR: [Source.SUPERVISION, Source.CITIZEN_PATROL, Source.UNDERCOVER],
    Role.INSPECTOR: [Source.UNDERCOVER, Source.SUPERVISION],
    Role.STREET_DISCIPLINE: [Source.SUPERVISION, Source.UNDERCOVER],
    Role.STREET_STAFF: [Source.SELF_INSPECTION, Source.CITIZEN_PATROL, Source.SNAPSHOT],
    Role.COMMUNITY_WORKER: [Source.SELF_INSPECTION, Source.SNAPSHOT],
}


def sources_for(user) -> list[str]:
    """The sources ``user`` may report as, in the order of their memberships; the first is the default."""
    if user.is_superuser:
        return [value for value in Source.values if value != Source.HOTLINE]
    sources: list[str] = []
    for membership in user.memberships_cached:
        for source in SOURCES_BY_ROLE.get(membership.role, ()):
            if source not in sources:
                sources.append(source)
    return sources


def add_workflow_error(form: forms.Form, error: WorkflowError, *, aliases: dict[str, str] | None = None) -> None:
    """Show a workflow refusal on the form: on its field when the form has it, else on top."""
    field = (aliases or {}).get(error.field, error.field)
    form.add_error(field if field in form.fields else None, error.message)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (the photos); the workflow validates each as an image."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        items = data if isinstance(data, list | tuple) else [data]
        files = [single(item, initial) for item in items if item]
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(
                _("At most %(count)s photos at a time.") % {"count": MAX_PHOTOS}, code="too_many"
            )
        return files


def _text(label, *, required=False, max_length=2000, rows=2, **attrs):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows, **attrs}),
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
    address = forms.CharField(label=_("address"), required=False, max_length=200)
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
