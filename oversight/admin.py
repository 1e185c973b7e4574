"""Admin: accountability cases are read here; they change only through ``oversight.services``.

Case events are append-only, so their admin can neither change nor delete them.
"""

from django.contrib import admin

from inspections.admin import ReadOnlyAdmin
from oversight.models import AccountabilityCase, CaseEvent


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    fields = ["at", "kind", "actor", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AccountabilityCase)
class AccountabilityCaseAdmin(ReadOnlyAdmin):
    list_display = [
        "title",
        "state",
        "outcome",
        "responsible_unit",
        "responsible_community",
        "decision_date",
        "document_no",
    ]
    list_filter = ["state", "outcome"]
    search_fields = ["title", "document_no"]
    inlines = [CaseEventInline]
