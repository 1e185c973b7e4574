"""The outbox: every message to a person or a system is a row first, delivered later.

Rows are written in the same transaction as the change that causes them, so a change and its
messages are committed together or not at all; Celery delivers them with retries, and the
sweep picks up whatever a broker outage left behind.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "NotificationQuerySet":
        """A person sees only their own in-app notifications."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user, channel=Notification.Channel.IN_APP)

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)

    def due(self, now=None) -> "NotificationQuerySet":
        return self.filter(state=Notification.State.PENDING, next_attempt_at__lte=now or timezone.now())


class Notification(models.Model):
    class Channel(models.TextChoices):
        IN_APP = "in_app", _("in-app")
        EMAIL = "email", _("email")
        SMS = "sms", _("SMS / WeCom")
        CALLBACK = "callback", _("system callback")

    class State(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # Where a callback goes (the hotline's URL); empty for messages to people.
    target = models.CharField(_("target"), max_length=500, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    # Writing the same message twice (a retried request, two sweeps) is a no-op.
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The delivery sweep: pending rows whose next attempt is due.
            models.Index(fields=["next_attempt_at"], name="notif_pending_due", condition=Q(state="pending")),
            # The bell: a person's unread in-app notifications.
            models.Index(
                fields=["recipient", "-created_at"],
                name="notif_unread",
                condition=Q(channel="in_app", read_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel="callback") | Q(recipient__isnull=False),
                name="notifications_notification_person_has_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.subject}"
