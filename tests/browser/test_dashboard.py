"""The leaders' dashboard and an inspection round, in a real browser.

A leader: the cards, a chart, the map with its grid polygons, no JavaScript error and no
request leaving 127.0.0.1; a street's overdue count opens the matching list. A supervisor, on a
phone-sized page: starts a round, marks every item, closes it, and its findings appear.
"""

import re
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from campaign.models import AssessmentItem, Campaign, CategoryLink, InspectionRound
from inspections import rollup
from inspections.models import Finding
from tests.conftest import PASSWORD
from tests.factories import CategoryFactory, FindingFactory

pytestmark = pytest.mark.usefixtures("transactional_db")


def watch(page, live_server) -> tuple[list[str], list[str]]:
    """JavaScript errors, and requests to anywhere but the live server (on the loopback address)."""
    own = urlsplit(live_server.url).hostname
    assert own in ("127.0.0.1", "localhost")
    errors, outside = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def console(message):
        # The browser asks for /favicon.ico on its own; the portal has none (a 404 that is no page's error).
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            errors.append(f"{message.text} {message.location.get('url', '')}")

    page.on("console", console)

    def check(request):
        host = urlsplit(request.url).hostname
        if request.url.startswith(("http:", "https:", "ws:", "wss:")) and host != own:
            outside.append(request.url)

    page.on("request", check)
    return errors, outside


@pytest.fixture
def findings(geo):
    category = CategoryFactory()
    now = timezone.now()
    overdue = [
        FindingFactory(grid_cell=geo.cell, category=category, reported_at=now - timedelta(hours=30), escalation_level=1)
        for _ in range(2)
    ]
    FindingFactory(grid_cell=geo.cell, category=category, reported_at=now - timedelta(hours=2))
    FindingFactory(grid_cell=geo.other_cell, category=category, reported_at=now - timedelta(hours=3))
    rollup.rebuild()
    return overdue


def test_a_leader_reads_the_dashboard_and_opens_a_streets_overdue_list(page, live_server, login, leader, geo, findings):
    errors, outside = watch(page, live_server)
    login(page, live_server, "leader", PASSWORD)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))

    expect(page.locator("[data-card=open_now] b")).to_have_text("4")
    expect(page.locator("[data-card=overdue_now] b")).to_have_text("2")
    # ECharts drew the per-day chart (as SVG), Leaflet the grid cells and street outlines.
    expect(page.locator("[data-chart=series][data-ready=true] svg")).to_have_count(1)
    expect(page.locator(".dash-map[data-ready=true]")).to_have_count(1)
    expect(page.locator(".dash-map path.grid-cell")).to_have_count(3)
    expect(page.locator(".dash-map .leaflet-control-zoom-in")).to_have_attribute("title", "放大")
    expect(page.locator(".dash-map path.street-outline")).to_have_count(0)  # test streets have no outline

    page.locator(f"#streets tr[data-code='{geo.street.code}'] a.overdue-now").click()
    expect(page).to_have_url(re.compile(r"/findings/\?.*overdue=true"))
    rows = page.locator("table.findings tbody tr")
    expect(rows).to_have_count(2)
    for finding in findings:
        expect(page.locator("table.findings")).to_contain_text(finding.code)

    assert errors == []
    assert outside == []


@pytest.fixture
def checklist(geo):
    campaign = Campaign.objects.create(
        district=geo.district, name="2026年全国文明城市复审", starts_on=date(2026, 1, 1), ends_on=date(2030, 12, 31)
    )
    garbage = CategoryFactory()
    group = AssessmentItem.objects.create(campaign=campaign, code="01", name="公共环境", weight=0)
    items = [
        AssessmentItem.objects.create(campaign=campaign, parent=group, code=code, name=name, weight=Decimal(weight))
        for code, name, weight in (("01.01", "垃圾及时清运", 10), ("01.02", "绿化带整洁", 6), ("01.03", "楼道整洁", 4))
    ]
    CategoryLink.objects.create(campaign=campaign, category=garbage, item=items[0])
    return items


def test_a_supervisor_marks_a_round_on_a_phone_and_closes_it(
    phone_page, live_server, login, supervisor, geo, checklist
):
    page = phone_page
    errors, _outside = watch(page, live_server)
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 36.655, "longitude": 116.995})
    login(page, live_server, "supervisor", PASSWORD)
    page.goto(f"{live_server.url}/dashboard/rounds/new/")
    page.select_option("select[name=community]", geo.community.code)
    page.select_option("select[name=kind]", "supervision")
    page.locator("form.round-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/dashboard/rounds/\d+/$"))

    results = {"01.01": "fail", "01.02": "pass", "01.03": "na"}
    for code, result in results.items():
        item = page.locator(f"li[data-mark='{code}']")
        item.locator(f"label.result-{result}").click()
        if result == "fail":
            item.locator("textarea[name=note]").fill("路口垃圾桶满溢")
        item.locator("button.save").click()
        # Saved on its own, without leaving the page.
        expect(item.locator("[data-state]")).to_have_class(re.compile("saved"))
    expect(page.locator("[data-done]")).to_have_text("3")

    page.locator("form.close-form button").click()
    expect(page.locator(".round-score")).to_have_text("37.50")
    link = page.locator("li[data-mark='01.01'] a.mark-finding")
    expect(link).to_have_count(1)
    finding = Finding.objects.get()
    assert finding.source == Finding.Source.SUPERVISION and finding.grid_cell == geo.cell
    assert InspectionRound.objects.get().state == InspectionRound.State.CLOSED

    page.goto(f"{live_server.url}/findings/")
    expect(page.locator("table.findings")).to_contain_text(finding.code)
    assert errors == []
