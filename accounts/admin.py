from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey

from accounts.models import ApiKey, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["district", "street", "community", "grid_cell", "unit"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "real_name", "phone", "is_active", "is_staff"]
    search_fields = ["username", "real_name", "phone"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Contact"), {"fields": ("real_name", "phone")}),)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "district", "street", "community", "grid_cell", "unit"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__real_name"]
    autocomplete_fields = ["user", "district", "street", "community", "grid_cell", "unit"]


# The package's own key model is not used: ours carries a scope.
admin.site.unregister(APIKey)


@admin.register(ApiKey)
class ApiKeyAdmin(APIKeyModelAdmin):
    """Keys are made here or with ``manage.py issue_api_key``; only their prefix and hash are kept."""

    list_display = [*APIKeyModelAdmin.list_display, "scope", "source", "district"]
    list_filter = [*APIKeyModelAdmin.list_filter, "scope"]
