"""People, their roles and the scope each role is held in."""

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey

from districts.models import Community, District, GridCell, Street, Unit


class User(AbstractUser):
    real_name = models.CharField(_("real name"), max_length=50, blank=True)
    phone = models.CharField(
        _("mobile phone"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^\+?\d{5,20}$", _("Digits only, e.g. 13805310000."))],
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.real_name or self.username

    @property
    def memberships_cached(self) -> list["Membership"]:
        """The user's memberships, read once per request (the user object lives that long)."""
        if not hasattr(self, "_memberships_cache"):
            self._memberships_cache = list(self.memberships.all())
        return self._memberships_cache

    def roles(self) -> set[str]:
        return {m.role for m in self.memberships_cached}

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles() & set(roles))

    def visibility_filter(self, scope_paths: dict[str, str], roles=None) -> Q | None:
        from accounts.visibility import scope_filter

        return scope_filter(self, scope_paths, roles=roles)


class Role(models.TextChoices):
    LEADER = "leader", _("district leader")
    STREET_LEADER = "street_leader", _("street leader")
    COMMUNITY_LEADER = "community_leader", _("community leader")
    INSPECTOR = "inspector", _("discipline inspector")
    STREET_DISCIPLINE = "street_discipline", _("street discipline officer")
    STREET_STAFF = "street_staff", _("street staff")
    COMMUNITY_WORKER = "community_worker", _("community worker")
    GRID_WORKER = "grid_worker", _("grid worker")
    SUPERVISOR = "supervisor", _("supervision team member")
    UNIT_STAFF = "unit_staff", _("unit staff")
    VOLUNTEER = "volunteer", _("volunteer")


#: Which kind of scope each role is held in (DESIGN §5).
ROLE_SCOPE = {
    Role.LEADER: "district",
    Role.INSPECTOR: "district",
    Role.SUPERVISOR: "district",
    Role.STREET_DISCIPLINE: "street",
    Role.STREET_STAFF: "street",
    Role.STREET_LEADER: "street",
    Role.COMMUNITY_WORKER: "community",
    Role.COMMUNITY_LEADER: "community",
    Role.GRID_WORKER: "grid",
    Role.UNIT_STAFF: "unit",
    Role.VOLUNTEER: "user",
}

#: Kind of scope → the Membership column that holds it (None: the person themself).
SCOPE_COLUMN = {
    "district": "district",
    "street": "street",
    "community": "community",
    "grid": "grid_cell",
    "unit": "unit",
    "user": None,
}
_SCOPE_FIELDS = ("district", "street", "community", "grid_cell", "unit")


def _only(field: str | None) -> Q:
    """Exactly ``field`` among the scope columns is set (None: none of them)."""
    q = Q()
    for name in _SCOPE_FIELDS:
        q &= Q(**{f"{name}__isnull": name != field})
    return q


class Membership(models.Model):
    """One role held by one person in one scope; a person may hold several."""

    user = models.ForeignKey(User, models.CASCADE, related_name="memberships", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    district = models.ForeignKey(District, models.CASCADE, null=True, blank=True, verbose_name=_("district"))
    street = models.ForeignKey(Street, models.CASCADE, null=True, blank=True, verbose_name=_("street"))
    community = models.ForeignKey(Community, models.CASCADE, null=True, blank=True, verbose_name=_("community"))
    grid_cell = models.ForeignKey(GridCell, models.CASCADE, null=True, blank=True, verbose_name=_("grid cell"))
    unit = models.ForeignKey(Unit, models.CASCADE, null=True, blank=True, verbose_name=_("unit"))

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            # The scope column set is the one the role calls for, and only that one.
            models.CheckConstraint(
                condition=(
                    Q(role__in=[Role.LEADER, Role.INSPECTOR, Role.SUPERVISOR]) & _only("district")
                    | Q(role__in=[Role.STREET_DISCIPLINE, Role.STREET_STAFF, Role.STREET_LEADER]) & _only("street")
                    | Q(role__in=[Role.COMMUNITY_WORKER, Role.COMMUNITY_LEADER]) & _only("community")
                    | Q(role=Role.GRID_WORKER) & _only("grid_cell")
                    | Q(role=Role.UNIT_STAFF) & _only("unit")
                    | Q(role=Role.VOLUNTEER) & _only(None)
                ),
                name="accounts_membership_scope_matches_role",
            ),
            # One membership per person, role and scope. Partial constraints, one per scope
            # column, because SQLite cannot treat NULLs as equal in a composite unique key.
            *[
                models.UniqueConstraint(
                    fields=["user", "role", column],
                    condition=Q(**{f"{column}__isnull": False}),
                    name=f"accounts_membership_unique_{column}",
                )
                for column in _SCOPE_FIELDS
            ],
            models.UniqueConstraint(
                fields=["user", "role"], condition=Q(role="volunteer"), name="accounts_membership_unique_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.scope or '-'}"

    @property
    def scope_kind(self) -> str:
        return ROLE_SCOPE[self.role]

    @property
    def scope_id(self) -> int | None:
        return {
            "district": self.district_id,
            "street": self.street_id,
            "community": self.community_id,
            "grid": self.grid_cell_id,
            "unit": self.unit_id,
            "user": self.user_id,
        }[self.scope_kind]

    @property
    def scope(self):
        return {
            "district": self.district,
            "street": self.street,
            "community": self.community,
            "grid": self.grid_cell,
            "unit": self.unit,
            "user": None,
        }[self.scope_kind]

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        wanted = SCOPE_COLUMN[ROLE_SCOPE.get(self.role, "user")]
        errors = {}
        for name in _SCOPE_FIELDS:
            value = getattr(self, f"{name}_id")
            if name == wanted and value is None:
                kind = self._meta.get_field(name).verbose_name
                errors[name] = _("This role is held in a %(kind)s; choose one.") % {"kind": kind}
            elif name != wanted and value is not None:
                errors[name] = _("Leave this empty for this role.")
        if errors:
            raise ValidationError(errors)


class ApiKey(AbstractAPIKey):
    """A key for a system such as the 12345 hotline; only its hash is stored."""

    class Scope(models.TextChoices):
        HOTLINE = "hotline", _("12345 hotline")
        OPEN311 = "open311", _("Open311 client")

    class Source(models.TextChoices):
        """The source (``inspections.models.Finding.Source``) an Open311 key's reports are filed as.

        The values are the findings' own; accounts sits below inspections, so they are repeated
        here (``tests/open311/test_keys.py`` checks that they stay the same).
        """

        SNAPSHOT = "snapshot", _("citizen snapshot")
        HOTLINE = "hotline", _("12345 hotline")

    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    source = models.CharField(
        _("source"),
        max_length=20,
        choices=Source.choices,
        blank=True,
        help_text=_("What the findings an Open311 client files count as (citizen snapshot or hotline)."),
    )
    district = models.ForeignKey(
        District,
        models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("district"),
        help_text=_("The district whose findings this key may create and read."),
    )

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        constraints = [
            # An Open311 key files its reports as one source; other keys carry none.
            models.CheckConstraint(
                condition=Q(scope="open311", source__in=["snapshot", "hotline"]) | (~Q(scope="open311") & Q(source="")),
                name="accounts_apikey_source_iff_open311",
            ),
        ]
