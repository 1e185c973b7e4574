"""Forms of the volunteer pages. They check the shape of the input; the services decide the rest,
and their ``Invalid`` is put back on the field it names (``web.errors.add_to_form``)."""

from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import Community, Unit
from volunteers.models import Activity, Wish
from volunteers.models.people import ALL_DAYS, DAY_NAMES
from web.fields import MultipleFileField, MultipleFileInput

DATE = {"format": "%Y-%m-%d", "attrs": {"type": "date"}}
LOCAL_DATETIME = "%Y-%m-%dT%H:%M"
#: The furthest a date may lie: no plan of this service reaches further, and it keeps the
#: arithmetic on dates far from the calendar's end.
LATEST_YEAR = 2100


def _text(label, *, required=False, max_length=2000, rows=2):
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=forms.Textarea(attrs={"rows": rows})
    )


class DateField(forms.DateField):
    """A day between 2000 and 2100 (outside that, a form error rather than an overflow later)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(**DATE))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value is not None and not date(2000, 1, 1) <= value <= date(LATEST_YEAR, 12, 31):
            raise forms.ValidationError(_("This date is out of range."), code="out_of_range")
        return value


class LocalDateTimeField(forms.DateTimeField):
    """A phone's date-and-time picker (``datetime-local``), in the district's time."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.DateTimeInput(format=LOCAL_DATETIME, attrs={"type": "datetime-local", "step": 300})
        )
        kwargs.setdefault("input_formats", [LOCAL_DATETIME, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"])
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value is not None and not 2000 <= value.year <= LATEST_YEAR:
            raise forms.ValidationError(_("This date and time is out of range."), code="out_of_range")
        return value


class DaysField(forms.TypedMultipleChoiceField):
    """Days of the week as checkboxes; cleaned to the bits of ``Volunteer.availability``."""

    def __init__(self, **kwargs):
        super().__init__(
            choices=[(bit, name) for bit, name in enumerate(DAY_NAMES)],
            coerce=int,
            widget=forms.CheckboxSelectMultiple,
            required=False,
            **kwargs,
        )

    def clean(self, value):
        return sum(1 << bit for bit in set(super().clean(value)))


def days_initial(availability: int) -> list[int]:
    return [bit for bit in range(7) if availability & (1 << bit)]


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=50)
    phone = forms.CharField(label=_("mobile phone"), max_length=20, required=False)
    is_party_member = forms.BooleanField(label=_("party member"), required=False)
    skills = forms.CharField(
        label=_("skills"), max_length=200, required=False, help_text=_("e.g. first aid, photography")
    )
    days = DaysField(label=_("days I can serve"))

    def __init__(self, *args, volunteer=None, **kwargs):
        if volunteer is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": volunteer.name,
                    "phone": volunteer.phone,
                    "is_party_member": volunteer.is_party_member,
                    "skills": volunteer.skills,
                    "days": days_initial(volunteer.availability),
                },
            )
        else:
            kwargs.setdefault("initial", {"days": days_initial(ALL_DAYS), "is_party_member": True})
        super().__init__(*args, **kwargs)


class MemberForm(ProfileForm):
    """A unit's staff add one of its people; the login is optional."""

    username = forms.CharField(
        label=_("login (username)"),
        max_length=150,
        required=False,
        help_text=_("Optional: links the person's own login, so they sign up and see their hours themselves."),
    )


class RegisterForm(forms.Form):
    """党员报到: the community where the party member lives."""

    community = forms.ModelChoiceField(
        label=_("community where you live"),
        queryset=Community.objects.select_related("street").order_by("code"),
        to_field_name="code",
        empty_label="—",
    )
    note = forms.CharField(label=_("note to the community"), max_length=300, required=False)


class UnitRegisterForm(forms.Form):
    """单位报到: one of the staff's units, with one more community."""

    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.none(), to_field_name="code", empty_label=None)
    community = forms.ModelChoiceField(
        label=_("community"),
        queryset=Community.objects.select_related("street").order_by("code"),
        to_field_name="code",
        empty_label="—",
    )
    note = forms.CharField(label=_("note to the community"), max_length=300, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("note"), max_length=300, required=False)


class LeaveForm(forms.Form):
    starts_on = DateField(label=_("from"))
    ends_on = DateField(label=_("to"))
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)


class ActivityForm(forms.Form):
    community = forms.ModelChoiceField(
        label=_("community"), queryset=Community.objects.none(), to_field_name="code", empty_label=None
    )
    title = forms.CharField(label=_("title"), max_length=100)
    kind = forms.ChoiceField(
        label=_("kind"),
        choices=[c for c in Activity.Kind.choices if c[0] not in (Activity.Kind.DUTY, Activity.Kind.SURVEY)],
    )
    starts_at = LocalDateTimeField(label=_("starts at"))
    ends_at = LocalDateTimeField(label=_("ends at"))
    place = forms.CharField(label=_("where to meet"), max_length=200)
    capacity = forms.IntegerField(label=_("places"), min_value=1, max_value=10000, initial=10)
    eligibility = forms.ChoiceField(label=_("who may sign up"), choices=Activity.Eligibility.choices)
    eligible_unit = forms.ModelChoiceField(
        label=_("unit that may sign up"),
        queryset=Unit.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label="—",
    )
    description = _text(_("description"), rows=3)

    def __init__(self, *args, communities=None, **kwargs):
        tomorrow = timezone.localdate() + timedelta(days=1)
        zone = timezone.get_current_timezone()
        kwargs.setdefault(
            "initial",
            {
                "starts_at": datetime.combine(tomorrow, time(9, 0), tzinfo=zone),
                "ends_at": datetime.combine(tomorrow, time(11, 0), tzinfo=zone),
            },
        )
        super().__init__(*args, **kwargs)
        if communities is not None:
            self.fields["community"].queryset = communities


class CallOffForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=200)


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(label=_("places"), min_value=1, max_value=10000)


class RuleForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.none(), to_field_name="code", empty_label=None)
    community = forms.ModelChoiceField(
        label=_("community"),
        queryset=Community.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=_("spread over the unit's communities"),
    )
    per_weekday = forms.IntegerField(label=_("people each weekday"), min_value=1, max_value=500, initial=8)
    weekends_everyone = forms.BooleanField(label=_("everyone available at weekends"), required=False, initial=True)
    starts_on = DateField(label=_("from"))
    ends_on = DateField(label=_("to"))
    shift_start = forms.TimeField(
        label=_("shift starts"), initial=time(8, 30), widget=forms.TimeInput(attrs={"type": "time"})
    )
    shift_end = forms.TimeField(
        label=_("shift ends"), initial=time(11, 30), widget=forms.TimeInput(attrs={"type": "time"})
    )
    place = forms.CharField(label=_("where to meet"), max_length=200, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()


class PeriodForm(forms.Form):
    start = DateField(label=_("from"))
    end = DateField(label=_("to"))


class SwapForm(forms.Form):
    colleague = forms.ModelChoiceField(label=_("colleague"), queryset=None, empty_label="—")
    in_return = forms.ModelChoiceField(
        label=_("take their day in return (optional)"), queryset=None, required=False, empty_label="—"
    )

    def __init__(self, *args, colleagues, their_days, **kwargs):
        kwargs.setdefault("auto_id", "id_swap_%s")
        super().__init__(*args, **kwargs)
        self.fields["colleague"].queryset = colleagues
        self.fields["in_return"].queryset = their_days
        self.fields["in_return"].label_from_instance = lambda signup: (
            f"{signup.volunteer.name} · {timezone.localtime(signup.activity.starts_at):%m-%d %H:%M}"
        )


class ReassignForm(forms.Form):
    volunteer = forms.ModelChoiceField(label=_("give the day to"), queryset=None, empty_label="—")

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = people


class WishForm(forms.Form):
    title = forms.CharField(label=_("the wish"), max_length=100)
    description = _text(_("details"), rows=3)
    resident_name = forms.CharField(label=_("resident"), max_length=50)
    resident_phone = forms.CharField(label=_("resident's phone"), max_length=20, required=False)


class FulfilForm(forms.Form):
    note = _text(_("what was done"), rows=2)
    photos = MultipleFileField(
        label=_("photos"),
        required=True,
        widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )


class RateForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("satisfaction"), choices=Wish.Satisfaction.choices, widget=forms.RadioSelect
    )
    feedback = forms.CharField(label=_("the resident's words"), max_length=300, required=False)


class HoursForm(forms.Form):
    """The service page's query: a period (days, both included) and what to count by."""

    GROUPS = [
        ("unit", _("unit")),
        ("community", _("community")),
        ("street", _("street")),
        ("volunteer", _("volunteer")),
        ("week", _("week")),
    ]
    start = DateField(label=_("from"), required=False)
    end = DateField(label=_("to"), required=False)
    group = forms.ChoiceField(label=_("per"), choices=GROUPS, required=False)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        today = timezone.localdate()
        data["end"] = data.get("end") or today
        # The default period: four weeks, this one (so far) and the three before it.
        data["start"] = data.get("start") or data["end"] - timedelta(days=data["end"].weekday() + 21)
        data["group"] = data.get("group") or "unit"
        if data["start"] > data["end"]:
            self.add_error("start", _("The start of the period is after its end."))
        elif (data["end"] - data["start"]).days > 366 * 3:
            self.add_error("start", _("The period is too long: at most three years."))
        return data
