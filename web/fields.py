"""Validated input shared by every app: API fields and form fields that refuse what would break later.

- ``DateTimeField``: DRF's, but a time at the edge of the calendar is a field error, not a 500.
- ``CodeField``: an object named by its code; an unknown code is an error on that field.
- ``FilesField`` / ``MultipleFileField``: several uploads under one name, with flat errors.
"""

from datetime import UTC, datetime

from django import forms
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

#: At most this many files in one upload (a phone's "pick up to nine").
MAX_FILES = 9


class DateTimeField(serializers.DateTimeField):
    """DRF's, except that a time at the edge of the calendar is a field error, not a 500.

    ("0001-01-01T00:00:00" in Asia/Shanghai overflows when DRF converts it to UTC.) Times before
    2000 are refused too: no report of this system is that old, and finding codes carry the year.
    """

    default_error_messages = {"out_of_range": _("This date and time is out of range.")}
    earliest = datetime(2000, 1, 1, tzinfo=UTC)

    def to_internal_value(self, value):
        try:
            parsed = super().to_internal_value(value)
        except OverflowError:
            self.fail("out_of_range")
        if parsed < self.earliest:
            self.fail("out_of_range")
        return parsed


class CodeField(serializers.SlugRelatedField):
    """An object named by its code; an unknown code is an error on the field that names the code."""

    def __init__(self, *, unknown: str, **kwargs):
        kwargs.setdefault("slug_field", "code")
        super().__init__(**kwargs)
        self.error_messages["does_not_exist"] = unknown
        self.error_messages["invalid"] = _("This is not a valid code.")


class FilesField(serializers.ListField):
    """Several uploaded files under one name; errors come flat, as ``{field: [message]}``."""

    child = serializers.FileField()

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            detail = exc.detail
            if isinstance(detail, dict):
                detail = [str(message) for messages in detail.values() for message in messages]
            raise serializers.ValidationError(detail) from exc


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (photos); the service validates each one's content."""

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
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                _("At most %(count)s photos at a time.") % {"count": MAX_FILES}, code="too_many"
            )
        return files
