from notifications.models import Notification


def bell(request):
    """The unread count for the bell in the page header (one query, only for people logged in)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": Notification.objects.visible_to(user).unread().count()}
