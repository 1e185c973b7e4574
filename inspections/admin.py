"""Admin: categories are edited here; findings and their history only through the workflow.

Finding events are append-only, so their admin can neither change nor delete them; a finding's
status and dates are read-only (the workflow is the only writer).
"""

from django.contrib import admin

from inspections.models import Category, Extension, Finding, FindingEvent, FindingPhoto


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "deadline_hours", "ack_minutes", "responsible", "unit", "is_active", "sort_order"]
    list_editable = ["is_active", "sort_order"]
    list_filter = ["responsible", "is_active"]
    search_fields = ["code", "name"]


class EventInline(admin.TabularInline):
    model = FindingEvent
    fields = ["at", "kind", "actor", "from_status", "to_status", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PhotoInline(admin.TabularInline):
    model = FindingPhoto
    fields = ["stage", "image", "taken_at", "gps_lat", "gps_lng", "uploader", "uploaded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "status",
        "category",
        "street",
        "community",
        "responsible_unit",
        "reported_at",
        "deadline_at",
        "escalation_level",
    ]
    list_filter = ["status", "source", "escalation_level", "category", "street"]
    search_fields = ["code", "address", "external_ref"]
    list_select_related = ["category", "street", "community", "responsible_unit"]
    date_hierarchy = "reported_at"
    inlines = [PhotoInline, EventInline]
    # Only wording may be corrected here; everything the workflow decides is read-only.
    fields = [
        "code",
        "status",
        "source",
        "category",
        "description",
        "address",
        "lat",
        "lng",
        "grid_cell",
        "community",
        "street",
        "district",
        "responsible_unit",
        "responsible_person",
        "reported_at",
        "dispatched_at",
        "acknowledged_at",
        "submitted_at",
        "closed_at",
        "deadline_at",
        "escalation_level",
        "overdue_at",
        "return_count",
        "extension_count",
        "external_ref",
        "duplicate_of",
        "reporter",
    ]
    readonly_fields = [f for f in fields if f not in ("description", "address")]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FindingEvent)
class FindingEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "finding", "kind", "actor", "from_status", "to_status"]
    list_filter = ["kind"]
    search_fields = ["finding__code", "note"]
    list_select_related = ["finding", "actor"]


@admin.register(Extension)
class ExtensionAdmin(ReadOnlyAdmin):
    list_display = ["finding", "state", "old_deadline", "requested_deadline", "requested_by", "decided_by"]
    list_filter = ["state"]
    list_select_related = ["finding", "requested_by", "decided_by"]
