"""Validated input shared by every app: API fields and form fields that refuse what would break later.

Some input is accepted by Python and refused by PostgreSQL or by the files we write, and would
surface as a server error far from where it came in. It is refused here, at the edge, with a
field message:

- times: a year outside 2000–2099, or one whose neighbouring day overflows the calendar
  (``DateTimeField``, ``IsoDateTimeField``, ``IsoDateTimeFilter``, ``DateField``,
  ``bounded_date``). Accepted times are converted to UTC (or, by DRF, to the local zone): an
  offset such as +16:00, which Python reads and PostgreSQL refuses, never reaches the database;
- text: characters XML cannot carry (U+FFFE, U+FFFF, most control characters), which would
  break the Excel ledger (``xml_text`` and the text fields built on it), and NUL bytes;
- ``CodeField``: an object named by its code; an unknown code is an error on that field;
- ``FilesField`` / ``MultipleFileField``: several uploads under one name, with flat errors.
"""

import re
from datetime import UTC, date, datetime

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField as FilterIsoDateTimeField
from rest_framework import serializers

#: The span of dates the portal accepts anywhere: no record is older, none reaches further.
EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)
OUT_OF_RANGE = _("This date is out of range (2000–2099).")

#: What XML 1.0 cannot carry: control characters but tab, newline and return; surrogates; U+FFFE, U+FFFF.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> None:
    """Refuse text that an Excel ledger (XML) could not hold."""
    if value and NOT_XML.search(value):
        raise ValidationError(_("The text holds a character that cannot be stored; remove it."), code="not_xml")


def strip_not_xml(value: str) -> str:
    """The text without the characters XML cannot carry (for what was stored before the rule)."""
    return NOT_XML.sub("", value)


def bounded_date(value: date | None) -> None:
    if value is not None and not EARLIEST <= value <= LATEST:
        raise ValidationError(OUT_OF_RANGE, code="out_of_range")


def _in_range(value: datetime) -> bool:
    try:
        return EARLIEST <= value.astimezone(UTC).date() <= LATEST
    except OverflowError:
        return False


class IsoDateTimeField(FilterIsoDateTimeField):
    """A form field for an ISO-8601 time (filters, pages): in range, and converted to UTC.

    django-filter's own keeps the offset as written, and PostgreSQL refuses one past ±15:59.
    """

    default_error_messages = {"out_of_range": _("This date and time is out of range.")}

    def to_python(self, value):
        try:
            parsed = super().to_python(value)
        except OverflowError as exc:
            raise ValidationError(self.error_messages["out_of_range"], code="out_of_range") from exc
        if parsed is None:
            return None
        if not _in_range(parsed):
            raise ValidationError(self.error_messages["out_of_range"], code="out_of_range")
        return parsed.astimezone(UTC)


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = IsoDateTimeField


class DateTimeInput(forms.DateTimeField):
    """A page's date-and-time input (``<input type="datetime-local">``), local time, bounded."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
    default_error_messages = {"out_of_range": _("This date and time is out of range.")}

    def to_python(self, value):
        try:
            parsed = super().to_python(value)
        except OverflowError as exc:
            raise ValidationError(self.error_messages["out_of_range"], code="out_of_range") from exc
        if parsed is not None and not _in_range(parsed):
            raise ValidationError(self.error_messages["out_of_range"], code="out_of_range")
        return parsed


class XmlCharField(serializers.CharField):
    """DRF's CharField that refuses what XML cannot carry (NUL included)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(xml_text)


#: At most this many files in one upload (a phone's "pick up to nine").
MAX_FILES = 9


class DateTimeField(serializers.DateTimeField):
    """DRF's, except that a time at the edge of the calendar is a field error, not a 500.

    ("0001-01-01T00:00:00" in Asia/Shanghai overflows when DRF converts it to UTC; an offset of
    +16:00 is refused by PostgreSQL.) Times outside 2000–2099 are refused too: no report of this
    system is that old, and finding codes carry the year.
    """

    default_error_messages = {"out_of_range": _("This date and time is out of range.")}

    def to_internal_value(self, value):
        try:
            parsed = super().to_internal_value(value)
        except OverflowError:
            self.fail("out_of_range")
        if not _in_range(parsed):
            self.fail("out_of_range")
        return parsed


class DateField(serializers.DateField):
    """DRF's, within the portal's span of dates (a day past 9999-12-31 overflows)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(bounded_date)


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
