"""The API's shapes: findings with their events and photos, categories, and the input of each action.

Output serializers only read. Input serializers only check types and turn codes into objects;
the rules (who may, from which status, what a reason must say) are the workflow's, and no
serializer writes anything.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from districts.models import Community, GridCell, Unit
from inspections.models import Category, Extension, Finding, FindingEvent, FindingPhoto
from web.fields import CodeField, DateTimeField, FilesField, XmlCharField

# --- output --------------------------------------------------------------------------------


def _code(source: str | None = None, *, null: bool = False) -> serializers.SlugRelatedField:
    """A related object by its code; ``null``: the relation may be empty (the schema says so)."""
    return serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=null, **({"source": source} if source else {})
    )


class CategorySerializer(serializers.ModelSerializer):
    unit = _code(null=True)

    class Meta:
        model = Category
        fields = ["code", "name", "deadline_hours", "ack_minutes", "responsible", "unit"]


class FindingSerializer(serializers.ModelSerializer):
    """A finding as lists show it: geography, category and unit by their codes."""

    category = _code()
    grid = _code("grid_cell", null=True)
    community = _code(null=True)
    street = _code(null=True)
    district = _code()
    responsible_unit = _code(null=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = [
            "code",
            "status",
            "source",
            "category",
            "description",
            "address",
            "lat",
            "lng",
            "grid",
            "community",
            "street",
            "district",
            "responsible_unit",
            "reported_at",
            "deadline_at",
            "is_overdue",
            "escalation_level",
            "external_ref",
        ]

    def get_is_overdue(self, finding: Finding) -> bool:
        # One "now" per response, so that every row of a page is judged at the same moment.
        return finding.is_overdue(self.context.get("now"))


class FindingEventSerializer(serializers.ModelSerializer):
    # None: the system (the deadline sweep, routing) did it.
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    # Plain strings ("" when the event is no transition), so the schema has one status enum.
    from_status = serializers.CharField(read_only=True)
    to_status = serializers.CharField(read_only=True)

    class Meta:
        model = FindingEvent
        fields = ["kind", "actor", "from_status", "to_status", "note", "at"]


class FindingPhotoSerializer(serializers.ModelSerializer):
    """A photo by the portal's own URLs, which check who asks (the files have no public address)."""

    image = serializers.SerializerMethodField()
    thumbnail = serializers.SerializerMethodField()

    class Meta:
        model = FindingPhoto
        fields = ["stage", "image", "thumbnail", "taken_at", "gps_lat", "gps_lng"]

    def _url(self, photo: FindingPhoto, name: str) -> str:
        path = reverse(f"inspections:{name}", args=[photo.finding.code, photo.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    @extend_schema_field(OpenApiTypes.URI)
    def get_image(self, photo: FindingPhoto) -> str:
        return self._url(photo, "photo")

    @extend_schema_field(OpenApiTypes.URI)
    def get_thumbnail(self, photo: FindingPhoto) -> str:
        return self._url(photo, "thumbnail")


class FindingDetailSerializer(FindingSerializer):
    events = FindingEventSerializer(many=True, read_only=True)
    photos = FindingPhotoSerializer(many=True, read_only=True)

    class Meta(FindingSerializer.Meta):
        fields = [*FindingSerializer.Meta.fields, "events", "photos"]


class HotlineEventSerializer(serializers.ModelSerializer):
    """An event as the hotline sees it: what happened and when, not which official did it."""

    from_status = serializers.CharField(read_only=True)
    to_status = serializers.CharField(read_only=True)

    class Meta:
        model = FindingEvent
        fields = ["kind", "from_status", "to_status", "note", "at"]


class HotlineFindingSerializer(FindingDetailSerializer):
    ticket_no = serializers.CharField(source="external_ref", read_only=True)
    events = HotlineEventSerializer(many=True, read_only=True)

    class Meta(FindingDetailSerializer.Meta):
        fields = ["ticket_no", *FindingDetailSerializer.Meta.fields]


# --- input ---------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.STR)
class VisibleFindingField(CodeField):
    """A finding by its code, among those the requesting user can see."""

    def get_queryset(self):
        return Finding.objects.visible_to(self.context["request"].user)


def _latitude(**kwargs) -> serializers.FloatField:
    return serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True, default=None, **kwargs)


def _longitude(**kwargs) -> serializers.FloatField:
    return serializers.FloatField(
        min_value=-180, max_value=180, required=False, allow_null=True, default=None, **kwargs
    )


def _text(max_length: int = 2000, **kwargs) -> serializers.CharField:
    return XmlCharField(max_length=max_length, required=False, allow_blank=True, default="", **kwargs)


UNKNOWN_CATEGORY = _("No category has the code “{value}”.")


class ReportInput(serializers.Serializer):
    """A person's report. ``source`` defaults by the reporter's role; the hotline has its own endpoint."""

    category = CodeField(queryset=Category.objects.select_related("unit"), unknown=UNKNOWN_CATEGORY)
    source = serializers.ChoiceField(choices=Finding.Source.choices, required=False)
    description = XmlCharField(max_length=2000)
    address = _text(200)
    lat = _latitude()
    lng = _longitude()
    reported_at = DateTimeField(required=False, allow_null=True, default=None)
    photos = FilesField(required=False, default=list)

    def validate_source(self, value: str) -> str:
        if value == Finding.Source.HOTLINE:
            raise serializers.ValidationError(_("Hotline tickets come in through the hotline's own endpoint."))
        return value


class _TargetInput(serializers.Serializer):
    """Where a finding goes: a community (or one of its cells, by ``grid``) or a unit."""

    community = CodeField(
        queryset=Community.objects.select_related("street__district"),
        unknown=_("No community has the code “{value}”."),
        required=False,
        allow_null=True,
        default=None,
    )
    unit = CodeField(
        queryset=Unit.objects.all(),
        unknown=_("No unit has the code “{value}”."),
        required=False,
        allow_null=True,
        default=None,
    )
    grid = CodeField(
        queryset=GridCell.objects.select_related("community__street__district"),
        unknown=_("No grid cell has the code “{value}”."),
        required=False,
        allow_null=True,
        default=None,
    )


class DispatchInput(_TargetInput):
    note = _text()


class ReassignInput(_TargetInput):
    reason = _text()


class NoteInput(serializers.Serializer):
    note = _text()


class SubmitInput(serializers.Serializer):
    note = _text()
    photos = FilesField(required=False, default=list)


class ReasonInput(serializers.Serializer):
    # Left to the workflow to insist on: one message for a missing and for an empty reason.
    reason = _text()


class DuplicateInput(serializers.Serializer):
    original = VisibleFindingField(unknown=_("No finding “{value}” in your area."))
    reason = _text()


class PhotoInput(serializers.Serializer):
    image = serializers.FileField()
    stage = serializers.ChoiceField(choices=FindingPhoto.Stage.choices)


class GridCellQuery(serializers.Serializer):
    street = serializers.CharField(required=False, max_length=20, help_text=_("street code"))
    community = serializers.CharField(required=False, max_length=20, help_text=_("community code"))


class HotlineTicketInput(serializers.Serializer):
    """A 12345 ticket: where it is (a point, an address or both), what and when."""

    ticket_no = serializers.RegexField(
        r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$",
        max_length=64,
        error_messages={"invalid": _("Letters, digits, “-”, “_” and “.” only.")},
    )
    category = CodeField(queryset=Category.objects.select_related("unit"), unknown=UNKNOWN_CATEGORY)
    description = XmlCharField(max_length=2000)
    address = _text(200)
    lat = _latitude()
    lng = _longitude()
    reported_at = DateTimeField()
    media = FilesField(required=False, default=list)


# --- extensions ----------------------------------------------------------------------------


class ExtensionSerializer(serializers.ModelSerializer):
    finding = _code()
    # A plain string, so that the schema's "state" enum stays the cases' one.
    state = serializers.CharField(read_only=True, help_text="pending, approved or refused")
    deadline_at = serializers.DateTimeField(source="finding.deadline_at", read_only=True)
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Extension
        fields = [
            "id",
            "finding",
            "state",
            "reason",
            "old_deadline",
            "requested_deadline",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "deadline_at",
        ]


class ExtensionRequestInput(serializers.Serializer):
    reason = XmlCharField(max_length=2000, required=False, allow_blank=True, default="")
    until = DateTimeField()


class ExtensionDecisionInput(serializers.Serializer):
    approve = serializers.BooleanField()
    note = XmlCharField(max_length=2000, required=False, allow_blank=True, default="")
