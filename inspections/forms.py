"""Forms of the findings pages. They check the shape of the input; the workflow decides the rest.

A refusal raised by the workflow is put back on the form with ``web.errors.add_to_form`` (on the
field it names when the form has that field), so the person sees it where it belongs.
"""

import uuid
from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections import photos as photo_files
from inspections import selectors
from inspections.intake import sources_for
from inspections.models import Category, DraftPhoto, Finding, FindingPhoto
from web.fields import MAX_FILES, DateTimeInput, MultipleFileField, MultipleFileInput, xml_text

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


class KeptPhotosField(forms.TypedMultipleChoiceField):
    """Ticked kept photos; one that is gone (removed after a day) or not the person's is left out,
    not an error (``ReportForm.clean_kept`` keeps only the person's own)."""

    def valid_value(self, value) -> bool:
        return True


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
    # The photos kept from an earlier try of this report (``DraftPhoto``), and which to keep.
    draft = forms.UUIDField(widget=forms.HiddenInput, required=False)
    kept = KeptPhotosField(
        label=_("photos kept from the last try"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not self.is_bound:
            self.initial["draft"] = uuid.uuid4()
        self.kept_rows = list(self._drafts())
        self.fields["kept"].choices = [(row.pk, row.pk) for row in self.kept_rows]
        if not self.is_bound:
            self.initial["kept"] = [row.pk for row in self.kept_rows]
        self.sources = sources_for(user)
        labels = dict(Source.choices)
        self.fields["source"].choices = [(value, labels[value]) for value in self.sources]
        if self.sources:
            self.fields["source"].initial = self.sources[0]
        self.fields["category"].empty_label = _("choose a category")

    def _drafts(self):
        draft = self.data.get("draft") if self.is_bound else self.initial.get("draft")
        try:
            key = uuid.UUID(str(draft))
        except (TypeError, ValueError):
            return DraftPhoto.objects.none()
        return DraftPhoto.objects.filter(uploader=self.user, draft=key)

    @property
    def kept_ticked(self) -> set[int]:
        """The kept photos ticked to go with the report (all of them, until the person unticks one)."""
        if not self.is_bound:
            return {row.pk for row in self.kept_rows}
        return {int(value) for value in self.data.getlist("kept") if str(value).isdigit()}

    def clean_kept(self) -> list:
        chosen = {value for value in self.cleaned_data.get("kept") or [] if isinstance(value, int)}
        return [row for row in self.kept_rows if row.pk in chosen]

    def keep_photos(self, uploads) -> None:
        """After a failed try: keep this try's good photos under the draft key, ticked for the next."""
        draft = self.cleaned_data.get("draft") if hasattr(self, "cleaned_data") else None
        if draft is None:
            draft = uuid.uuid4()
        room = MAX_FILES - len(self.kept_rows)
        errors = photo_files.keep_for_draft(list(uploads)[: max(room, 0)], uploader=self.user, draft=draft)
        for error in errors:
            self.add_error("photos", error)
        # The next page shows every photo kept so far, ticked, under the same key.
        self.data = self.data.copy()
        self.data["draft"] = str(draft)
        self.kept_rows = list(DraftPhoto.objects.filter(uploader=self.user, draft=draft))
        self.fields["kept"].choices = [(row.pk, row.pk) for row in self.kept_rows]
        self.data.setlist("kept", [str(row.pk) for row in self.kept_rows])

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
        if len(data.get("photos") or []) + len(data.get("kept") or []) > MAX_FILES:
            self.add_error("photos", _("At most %(count)s photos at a time.") % {"count": MAX_FILES})
        return data
