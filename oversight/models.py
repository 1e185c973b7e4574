"""问责: accountability cases, opened by the discipline bodies from overdue findings."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from districts.models import Community, District, Street, Unit
from districts.scoping import ScopedQuerySet
from inspections.models import Finding, FindingEventQuerySet

#: The discipline bodies: the district commission's inspectors and the streets' committees.
DISCIPLINE_ROLES = (Role.INSPECTOR, Role.STREET_DISCIPLINE)
#: Who reads the oversight pages: the discipline bodies, and the district's leaders (read-only).
OVERSIGHT_READERS = (*DISCIPLINE_ROLES, Role.LEADER)


class CaseQuerySet(ScopedQuerySet):
    scope_paths = {"district": "district", "street": "street"}
    # Accountability is the discipline bodies' business; leaders read it, and act on nothing.
    scope_roles = OVERSIGHT_READERS


class AccountabilityCase(models.Model):
    """问责: opened from overdue findings against the unit and person responsible."""

    class Outcome(models.TextChoices):
        NO_ACTION = "no_action", _("no action")
        TALK = "talk", _("talk (约谈)")
        CRITICISM = "criticism", _("public criticism (通报批评)")
        ADMONISHMENT = "admonishment", _("admonishment (诫勉)")
        SANCTION = "sanction", _("party or administrative sanction (党纪政务处分)")

    class State(models.TextChoices):
        OPEN = "open", _("under review")
        DECIDED = "decided", _("decided")

    district = models.ForeignKey(District, models.PROTECT, related_name="+", verbose_name=_("district"))
    street = models.ForeignKey(
        Street, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("street")
    )
    responsible_unit = models.ForeignKey(
        Unit, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("responsible unit")
    )
    responsible_community = models.ForeignKey(
        Community, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("responsible community")
    )
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("facts"), blank=True)
    findings = models.ManyToManyField(Finding, through="CaseFinding", related_name="cases", verbose_name=_("findings"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    review = models.TextField(_("review"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    document_no = models.CharField(_("document number"), max_length=100, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("opened by")
    )
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("accountability case")
        verbose_name_plural = _("accountability cases")
        constraints = [
            models.CheckConstraint(
                condition=Q(state="open", outcome="")
                | Q(state="decided", decision_date__isnull=False) & ~Q(outcome=""),
                name="oversight_accountabilitycase_decided_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CaseFinding(models.Model):
    """A finding in a case, with the facts as they stood when the case was opened."""

    case = models.ForeignKey(AccountabilityCase, models.CASCADE, related_name="case_findings")
    finding = models.ForeignKey(Finding, models.PROTECT, related_name="case_links")
    deadline_at = models.DateTimeField(_("deadline"))
    hours_overdue = models.DecimalField(_("hours overdue"), max_digits=8, decimal_places=1)

    class Meta:
        ordering = ["deadline_at"]
        constraints = [models.UniqueConstraint(fields=["case", "finding"], name="oversight_casefinding_unique")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.finding_id}"


class CaseEventQuerySet(FindingEventQuerySet):
    pass


class CaseEvent(models.Model):
    """The history of a case. Append-only: never updated, never deleted."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("opened")
        NOTE = "note", _("note")
        DECIDED = "decided", _("decided")

    case = models.ForeignKey(AccountabilityCase, models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now)
    payload = models.JSONField(default=dict, blank=True)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise TypeError("Case events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Case events are append-only.")
