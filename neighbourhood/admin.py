from django.contrib import admin

from neighbourhood.models import CircleRadius, LackAction, PointOfInterest


@admin.register(PointOfInterest)
class PointOfInterestAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "community", "address", "hours")
    list_filter = ("kind", "community__street")
    search_fields = ("name", "address", "community__name", "community__code")
    raw_id_fields = ("community",)
    readonly_fields = ("updated_at", "updated_by")


@admin.register(CircleRadius)
class CircleRadiusAdmin(admin.ModelAdmin):
    list_display = ("community", "radius_m")
    search_fields = ("community__name", "community__code")
    raw_id_fields = ("community",)


@admin.register(LackAction)
class LackActionAdmin(admin.ModelAdmin):
    list_display = ("community", "kind", "wish", "finding", "created_by", "created_at")
    list_filter = ("kind",)
    readonly_fields = ("community", "kind", "wish", "finding", "created_by", "created_at")

    def has_add_permission(self, request):
        return False
