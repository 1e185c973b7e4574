"""Admin: the categories' Open311 questions are edited here; what clients filed is read-only."""

from django.contrib import admin

from open311.models import AttributeValue, ServiceAttribute, ServiceRequest


class ValueInline(admin.TabularInline):
    model = AttributeValue
    extra = 1


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(admin.ModelAdmin):
    list_display = ["category", "order", "code", "description", "datatype", "required", "variable"]
    list_filter = ["category", "datatype"]
    inlines = [ValueInline]


@admin.register(ServiceRequest)
class ServiceRequestAdmin(admin.ModelAdmin):
    list_display = ["finding", "api_key", "account_id", "created_at"]
    search_fields = ["finding__code", "account_id", "token"]
    readonly_fields = [f.name for f in ServiceRequest._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
