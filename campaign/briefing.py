"""The daily briefing (日报): yesterday's numbers for the district and each street, kept and sent.

``make_briefings(day=...)`` writes one ``Briefing`` for the district and one per street: the
day's numbers, the ranking, the red list and the overdue list with the responsible units, as
an HTML page (kept as made) and an Excel file. Making the same day again replaces them. Each
briefing is sent to its leaders (the district's leaders; the street's) through the outbox.
Runs unscoped: the Celery beat at 08:00 Asia/Shanghai, or ``manage.py make_briefing --date``.
"""

import io
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from accounts.models import Role
from accounts.visibility import people
from campaign import dashboard, exports
from campaign.models import Briefing, Campaign
from districts.models import District, Street
from inspections.models import Finding
from notifications.services import Message, notify_bulk

#: At most this many overdue findings are listed (the count says how many there are).
OVERDUE_LIST_CAP = 200


class DistrictReader:
    """Reads one district whole, as its leader would: the briefing's view (it runs with no person)."""

    is_superuser = False
    is_authenticated = True

    def __init__(self, district: District):
        self.district = district

    def has_role(self, *roles) -> bool:
        return False

    def visibility_filter(self, scope_paths: dict[str, str], roles=None) -> Q | None:
        path = scope_paths.get("district")
        return None if path is None else Q(**{f"{path}__in": [self.district.pk]})


def _overdue(district: District, street: Street | None, now):
    found = Finding.objects.filter(district=district).overdue(now)
    if street is not None:
        found = found.filter(street=street)
    found = found.select_related("category", "street", "community", "responsible_unit").order_by("deadline_at", "id")
    return found.count(), list(found[:OVERDUE_LIST_CAP])


def _workbook(data: dict, overdue: list[Finding], day: date) -> bytes:
    workbook = Workbook(write_only=True)
    cards = data["cards"]
    numbers = [
        [_("Reported"), data["totals"]["reported"]],
        [_("Closed"), data["totals"]["closed"]],
        [_("Went overdue"), data["totals"]["overdue"]],
        [_("Closed late"), data["totals"]["closed_late"]],
        [_("Open now"), cards["open_now"]["value"]],
        [_("Overdue now"), cards["overdue_now"]["value"]],
        [_("On-time rate, 7 days (%)"), exports.percent(cards["on_time_7"]["value"])],
        [_("On-time rate, 30 days (%)"), exports.percent(cards["on_time_30"]["value"])],
        [_("Awareness rate, latest survey (%)"), exports.percent(cards["survey"]["awareness"])],
        [_("Support rate, latest survey (%)"), exports.percent(cards["survey"]["support"])],
        [_("Satisfaction rate, latest survey (%)"), exports.percent(cards["survey"]["value"])],
    ]
    exports.write_sheet(workbook, _("Numbers"), [_("Measure"), str(day)], numbers)
    ranking = data["streets"] if data["filters"].street is None else data["communities"]
    exports.write_sheet(workbook, _("Ranking"), *exports.ranking_rows(ranking))
    red = data["red_list"]["streets"] if data["filters"].street is None else data["red_list"]["communities"]
    exports.write_sheet(workbook, _("Red list"), *exports.ranking_rows(red))
    exports.write_sheet(
        workbook,
        _("Overdue"),
        [_("Number"), _("Category"), _("Street"), _("Community"), _("Responsible unit"), _("Deadline")],
        [
            [
                f.code,
                f.category.name,
                f.street.name if f.street_id else "",
                f.community.name if f.community_id else "",
                (f.responsible_unit or f.community or f.district).name,
                timezone.localtime(f.deadline_at).strftime("%Y-%m-%d %H:%M"),
            ]
            for f in overdue
        ],
    )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def make_briefing(*, district: District, street: Street | None, day: date, now=None) -> Briefing:
    """The briefing of ``day`` for the district (``street`` None) or one street; replaces an earlier one."""
    now = now or timezone.now()
    campaign = Campaign.objects.filter(district=district, is_active=True).first()
    filters = dashboard.Filters(start=day, end=day, campaign=campaign, street=street)
    data = dashboard.build(DistrictReader(district), filters, now=now)
    overdue_count, overdue = _overdue(district, street, now)
    ranking = data["streets"] if street is None else data["communities"]
    red = data["red_list"]["streets"] if street is None else data["red_list"]["communities"]
    html = render_to_string(
        "campaign/briefing_body.html",
        {
            "day": day,
            "place": street or district,
            "district": district,
            "data": data,
            "ranking": ranking,
            "red": red,
            "overdue": overdue,
            "overdue_count": overdue_count,
            "made_at": now,
        },
    )
    workbook = _workbook(data, overdue, day)
    with transaction.atomic():
        Briefing.objects.filter(day=day, district=district, street=street).delete()
        briefing = Briefing(day=day, district=district, street=street, html=html, made_at=now)
        name = f"{day:%Y%m%d}-{street.code if street else district.code}.xlsx"
        briefing.workbook.save(name, ContentFile(workbook), save=False)
        briefing.save()
        if street is None:
            readers = people([(Role.LEADER, district.pk)]).get((Role.LEADER, district.pk), [])
        else:
            readers = people([(Role.STREET_LEADER, street.pk)]).get((Role.STREET_LEADER, street.pk), [])
        subject = _("Daily briefing of %(place)s, %(day)s") % {"place": (street or district).name, "day": day}
        body = _("Reported %(reported)s, closed %(closed)s, overdue now %(overdue)s.") % {
            "reported": data["totals"]["reported"],
            "closed": data["totals"]["closed"],
            "overdue": data["cards"]["overdue_now"]["value"],
        }
        link = reverse("campaign:briefing", args=[briefing.pk])
        # The same key for the same day and place: making the day again replaces, and tells nobody twice.
        key = f"briefing:{day}:{street.code if street else district.code}"
        notify_bulk([Message(recipient=u, subject=subject, body=body, link=link, key=key) for u in readers], now=now)
    return briefing


def make_briefings(*, day: date | None = None, now=None) -> list[Briefing]:
    """Yesterday's (or ``day``'s) briefings: the district's and every street's, for every district."""
    now = now or timezone.now()
    day = day or timezone.localdate(now) - timedelta(days=1)
    made = []
    for district in District.objects.order_by("code"):
        made.append(make_briefing(district=district, street=None, day=day, now=now))
        for street in Street.objects.filter(district=district).order_by("code"):
            made.append(make_briefing(district=district, street=street, day=day, now=now))
    return made
