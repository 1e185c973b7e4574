"""Filing: an Open311 client's service request becomes a finding through the systems' intake.

``file_request`` validates the answers to the category's questions, then calls
``inspections.intake.take_in_ticket`` (the same intake as the 12345 hotline: district check,
routing, numbering, dispatch, photos) with the source the key was issued for, and keeps what the
client sent beside the finding (``ServiceRequest``), all in one transaction.
"""

import math
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from accounts.models import ApiKey
from districts.models import District
from inspections import intake
from inspections.models import Category, Finding
from open311.models import ServiceAttribute, ServiceRequest
from web.errors import Invalid
from web.fields import DateTimeField

Datatype = ServiceAttribute.Datatype

#: ``attribute[code]`` and ``attribute[code][]`` (several values of a multivaluelist).
ATTRIBUTE_FIELD = re.compile(r"^attribute\[(?P<code>[^\[\]]{1,40})\](?P<many>\[\])?$")

#: intake's field names → the specification's.
FIELD_NAMES = {"lat": "lat", "lng": "long", "address": "address_string", "photos": "media", "category": "service_code"}


@dataclass
class Filing:
    """A validated POST requests: what the finding is made of, and what is kept beside it."""

    category: Category
    description: str
    lat: float | None = None
    lng: float | None = None
    address: str = ""
    answers: dict = field(default_factory=dict)
    contact: dict = field(default_factory=dict)
    media_url: str = ""
    photos: list = field(default_factory=list)


def answers_from(data, category: Category) -> dict:
    """The answers to ``category``'s questions in a POST (``attribute[code]``, ``attribute[code][]``).

    Each is checked against its datatype (a list answer against the question's keys); a required
    question without an answer, or an answer to a question the service does not ask, is ``Invalid``.
    """
    questions = {a.code: a for a in category.open311_attributes.prefetch_related("values") if a.variable}
    given: dict[str, list[str]] = {}
    for name in data:
        match = ATTRIBUTE_FIELD.match(name)
        if not match:
            continue
        values = [v.strip() for v in data.getlist(name) if isinstance(v, str) and v.strip()]
        if not values:
            continue  # an empty optional argument is an absent one
        code = match["code"]
        if code not in questions:
            raise Invalid(_("This service asks no question “%(code)s”.") % {"code": code[:40]}, field=name)
        given.setdefault(code, []).extend(values)
    answers: dict = {}
    for code, question in questions.items():
        name = f"attribute[{code}]"
        values = given.get(code)
        if not values:
            if question.required:
                raise Invalid(_("Answer this question: %(question)s") % {"question": question.description}, field=name)
            continue
        answers[code] = _answer(question, values, name)
    return answers


def _answer(question: ServiceAttribute, values: list[str], name: str):
    if question.datatype != Datatype.MULTIPLE and len(values) > 1:
        raise Invalid(_("Give one answer to this question."), field=name)
    if question.datatype in ServiceAttribute.LISTS:
        keys = {value.key for value in question.values.all()}
        unknown = [value for value in values if value not in keys]
        if unknown:
            raise Invalid(_("“%(value)s” is not one of the choices.") % {"value": unknown[0][:40]}, field=name)
        return values if question.datatype == Datatype.MULTIPLE else values[0]
    value = values[0]
    if question.datatype == Datatype.NUMBER:
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise Invalid(_("Give a number."), field=name)
        return value
    if question.datatype == Datatype.DATETIME:
        try:
            return DateTimeField().run_validation(value).isoformat()
        except serializers.ValidationError as exc:
            raise Invalid(_("Give a date and time in ISO 8601, e.g. 2026-11-26T09:00:00+08:00."), field=name) from exc
    limit = 200 if question.datatype == Datatype.STRING else 2000
    if question.datatype == Datatype.STRING and ("\n" in value or "\r" in value):
        raise Invalid(_("Give a single line."), field=name)
    if len(value) > limit or "\x00" in value:
        raise Invalid(_("At most %(limit)s characters.") % {"limit": limit}, field=name)
    return value


def _answers_text(category: Category, answers: dict) -> str:
    """The answers as lines of the finding's description, so the officials see them on the finding."""
    lines = []
    for question in category.open311_attributes.prefetch_related("values").order_by("order"):
        if question.code not in answers:
            continue
        names = {value.key: value.name for value in question.values.all()}
        given = answers[question.code]
        shown = "、".join(names.get(v, v) for v in given) if isinstance(given, list) else names.get(given, given)
        lines.append(f"{question.description} {shown}")
    return "\n".join(lines)


@transaction.atomic
def file_request(*, api_key: ApiKey, district: District | None, filing: Filing) -> tuple[Finding, ServiceRequest]:
    """File an Open311 service request: one finding, dispatched when it can be routed, and its
    ``ServiceRequest``. Runs with no acting person: the client is checked by its key."""
    answers_text = _answers_text(filing.category, filing.answers)
    description = "\n".join(part for part in (filing.description, answers_text) if part) or filing.category.name
    ticket = intake.Ticket(
        source=api_key.source,  # an Open311 key always has one (accounts_apikey_source_iff_open311)
        category=filing.category,
        description=description,
        reported_at=timezone.now(),
        address=filing.address,
        lat=filing.lat,
        lng=filing.lng,
    )
    try:
        finding, _created = intake.take_in_ticket(ticket=ticket, district=district, photos=filing.photos)
    except Invalid as exc:
        exc.field = FIELD_NAMES.get(exc.field, exc.field)
        raise
    filed = ServiceRequest.objects.create(
        finding=finding, api_key=api_key, media_url=filing.media_url, answers=filing.answers, **filing.contact
    )
    return finding, filed
