"""Reads: the public records GeoReport v2 shows, built from findings and categories.

Every function returns plain data (dicts and lists in the specification's element order) for
``formats.Document``; nothing here writes. A request's record has the specification's fields
only, and its text passes through ``privacy.redact``.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils.translation import gettext as _

from districts.models import District
from inspections import groups
from inspections.models import Category, Finding, FindingEvent, FindingPhoto
from open311 import privacy
from open311.formats import timestamp
from open311.models import ServiceAttribute
from web.durations import duration

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
#: When this interface last changed (discovery's ``changeset``).
CHANGESET = "2026-12-01T00:00:00+08:00"
FORMATS = ["text/xml", "application/json"]


def site_url() -> str:
    return settings.SITE_URL.rstrip("/")


def discovery() -> dict:
    return {
        "changeset": CHANGESET,
        "contact": getattr(settings, "OPEN311_CONTACT", "") or _("The district's civilization campaign office."),
        "key_service": _("Keys are issued by the portal's administrators on request (scope open311)."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": f"{site_url()}/open311/v2",
                "changeset": CHANGESET,
                "type": "production",
                "formats": FORMATS,
            }
        ],
    }


# --- services ------------------------------------------------------------------------------


def services() -> QuerySet:
    """The active categories, each an Open311 service."""
    return Category.objects.filter(is_active=True).prefetch_related("open311_attributes")


def in_words(hours: float | timedelta) -> str:
    return _("To be put right within %(duration)s.") % {"duration": duration(hours)}


def service(category: Category, group: str = "") -> dict:
    """A category as an Open311 service; ``group`` is its action line (``inspections.groups``)."""
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": in_words(category.deadline_hours),
        "metadata": bool(category.open311_attributes.all()),
        "type": "realtime",
        "keywords": ", ".join([category.name, *category.code.split("-")]),
        "group": group,
    }


def service_list() -> list[dict]:
    categories = list(services())
    names = groups.category_groups(c.pk for c in categories)
    return [service(category, names.get(category.pk, "")) for category in categories]


def attributes(category: Category) -> list[ServiceAttribute]:
    return list(category.open311_attributes.prefetch_related("values").order_by("order"))


def definition(category: Category) -> dict:
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": attribute.variable,
                "code": attribute.code,
                "datatype": attribute.datatype,
                "required": attribute.required,
                "datatype_description": attribute.datatype_description or None,
                "order": attribute.order,
                "description": attribute.description,
                "values": [{"key": value.key, "name": value.name} for value in attribute.values.all()],
            }
            for attribute in attributes(category)
        ],
    }


# --- requests ------------------------------------------------------------------------------


def public_findings() -> QuerySet:
    """Findings with what their public record needs, in a fixed number of queries for any page:
    the last public note and its writer's name (subqueries), the first photo (one prefetch)."""
    last_public = FindingEvent.objects.filter(finding=OuterRef("pk"), kind__in=privacy.PUBLIC_NOTE_KINDS).order_by(
        "-at", "-id"
    )
    return (
        Finding.objects.select_related(
            "category", "responsible_unit", "community", "street", "responsible_person", "reporter", "open311_request"
        )
        .annotate(
            public_note=Subquery(last_public.values("note")[:1]),
            public_note_by=Subquery(last_public.values("actor__real_name")[:1]),
            public_note_by_username=Subquery(last_public.values("actor__username")[:1]),
        )
        .prefetch_related(
            Prefetch(
                "photos",
                queryset=FindingPhoto.objects.filter(stage=FindingPhoto.Stage.BEFORE).order_by("uploaded_at", "id"),
                to_attr="before_photos",
            )
        )
    )


def _people(finding: Finding) -> list[str]:
    """The names that must not appear in the finding's public text."""
    names = [finding.public_note_by or "", finding.public_note_by_username or ""]
    for user in (finding.responsible_person, finding.reporter):
        if user is not None:
            names += [user.real_name, user.username, user.get_full_name()]
    filed = getattr(finding, "open311_request", None)
    if filed is not None:
        names += [filed.first_name, filed.last_name, f"{filed.last_name}{filed.first_name}"]
    return names


def _media_url(finding: Finding) -> str | None:
    filed = getattr(finding, "open311_request", None)
    if filed is not None and filed.media_url:
        return filed.media_url
    if finding.before_photos:
        return f"{site_url()}{finding.before_photos[0].image.url}"
    return None


def agency(finding: Finding) -> str:
    """Who answers for it: the responsible unit, else the community, else the street."""
    side = finding.responsible_unit or finding.community or finding.street
    return side.name if side is not None else ""


def notice(finding: Finding) -> str:
    """The deadline in words: the time from the report to the (possibly extended) deadline."""
    return in_words(finding.deadline_at - finding.reported_at)


def request_record(finding: Finding) -> dict:
    """A finding's public record (``public_findings`` rows): the specification's fields only."""
    names = _people(finding)
    return {
        "service_request_id": finding.code,
        "status": "open" if finding.is_open else "closed",
        "status_notes": privacy.redact(finding.public_note or "", names=names) or None,
        "service_name": finding.category.name,
        "service_code": finding.category.code,
        "description": privacy.redact(finding.description, names=names),
        "agency_responsible": agency(finding),
        "service_notice": notice(finding),
        "requested_datetime": timestamp(finding.reported_at),
        "updated_datetime": timestamp(finding.updated_at),
        "expected_datetime": timestamp(finding.deadline_at),
        "address": privacy.redact(finding.address, names=names),
        "address_id": None,
        "zipcode": None,
        "lat": finding.lat,
        "long": finding.lng,
        "media_url": _media_url(finding),
    }


#: The most a list answers, and the widest window of dates it searches (GeoReport v2).
MAX_RESULTS = 1000
MAX_SPAN = timedelta(days=90)


def search(
    *,
    district: District,
    codes: list[str] | None = None,
    service_codes: list[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    status: str | None = None,
) -> list[Finding]:
    """The district's findings: by number (which overrides every other filter), else by
    category, status and report date; newest first, at most ``MAX_RESULTS``."""
    findings = public_findings().filter(district=district)
    if codes:
        findings = findings.filter(code__in=codes)
    else:
        if service_codes:
            findings = findings.filter(category__code__in=service_codes)
        if start is not None:
            findings = findings.filter(reported_at__gte=start)
        if end is not None:
            findings = findings.filter(reported_at__lte=end)
        if status == "open":
            findings = findings.filter(status__in=Finding.OPEN_STATUSES)
        elif status == "closed":
            findings = findings.exclude(status__in=Finding.OPEN_STATUSES)
    return list(findings.order_by("-reported_at", "-id")[:MAX_RESULTS])
