from django.contrib import admin

from notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "recipient", "subject", "state", "attempts", "next_attempt_at"]
    list_filter = ["channel", "state"]
    search_fields = ["subject", "recipient__username", "idempotency_key"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False
