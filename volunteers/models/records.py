"""Service record certificates (志愿服务记录证明), numbered per community and year."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import Community
from volunteers.models.people import Volunteer


class Certificate(models.Model):
    """One issued certificate: the hours and service as they stood that day, never changed after."""

    volunteer = models.ForeignKey(Volunteer, models.PROTECT, related_name="certificates", verbose_name=_("volunteer"))
    community = models.ForeignKey(Community, models.PROTECT, related_name="+", verbose_name=_("issuing community"))
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial"))
    number = models.CharField(_("number"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50)
    hours = models.DecimalField(_("hours"), max_digits=8, decimal_places=2)
    person_times = models.PositiveIntegerField(_("times served"))
    first_served_on = models.DateField(_("served from"))
    last_served_on = models.DateField(_("served until"))
    content = models.TextField(_("service content"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("service record certificate")
        verbose_name_plural = _("service record certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "year", "serial"], name="volunteers_certificate_serial_per_community_year"
            ),
            models.CheckConstraint(condition=models.Q(hours__gt=0), name="volunteers_certificate_has_hours"),
        ]

    def __str__(self) -> str:
        return self.number
