"""The 15-minute life circle on a phone: the community's page and the residents' public page.

The map draws the boundary, the walking reach and the points without tiles; no JavaScript error,
no horizontal scrolling at 390 px, and no request leaves 127.0.0.1.
"""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from neighbourhood.models import Kind
from tests.conftest import PASSWORD
from tests.neighbourhood.conftest import point

pytestmark = pytest.mark.usefixtures("transactional_db")


def watch(page, live_server) -> tuple[list[str], list[str]]:
    """JavaScript errors, and requests to anywhere but the live server."""
    own = urlsplit(live_server.url).hostname
    errors, outside = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def console(message):
        # The browser asks for /favicon.ico on its own; that 404 is no page's error.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            errors.append(message.text)

    page.on("console", console)

    def check(request):
        host = urlsplit(request.url).hostname
        if request.url.startswith(("http:", "https:", "ws:", "wss:")) and host != own:
            outside.append(request.url)

    page.on("request", check)
    return errors, outside


@pytest.fixture
def circle(geo):
    geo.community.boundary = {
        "type": "Polygon",
        "coordinates": [[[116.99, 36.65], [117.01, 36.65], [117.01, 36.66], [116.99, 36.66], [116.99, 36.65]]],
    }
    geo.community.save()
    point(geo.community, Kind.SERVICE_CENTRE, "乐山小区社区服务中心")
    point(geo.community, Kind.CLINIC, "乐山药店", east=300, hours="24小时")
    point(geo.community, Kind.BANK, "工商银行", north=1400)
    return geo.community


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_community_worker_and_a_resident_see_the_circle_on_a_phone(
    phone_page, live_server, login, community_worker, circle
):
    page = phone_page
    errors, outside = watch(page, live_server)
    login(page, live_server, "community_worker", PASSWORD)
    page.goto(f"{live_server.url}/neighbourhood/{circle.code}/")
    expect(page.locator(".circle-map[data-ready=true]")).to_have_count(1)
    expect(page.locator(".circle-map path.circle-boundary")).to_have_count(1)
    expect(page.locator(".circle-map path.circle-reach")).to_have_count(1)
    # Leaflet speaks the page's language here as on the findings' maps (static/js/maps.js).
    expect(page.locator(".circle-map .leaflet-control-zoom-in")).to_have_attribute("title", "放大")
    expect(page.locator(".circle-map path.circle-point")).to_have_count(3)
    # The bank is 1,400 m away: the table says the circle lacks one, and offers the way out.
    bank = page.locator("table.lacks tr[data-kind=bank]")
    expect(bank).to_have_class(re.compile(r"\blacking\b"))
    expect(bank.locator("button")).to_have_count(1)
    expect(page.locator("table.lacks tr[data-kind=clinic]")).to_have_class(re.compile(r"\bcovered\b"))
    assert no_sideways_scroll(page)

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/circle/{circle.code}/")
    expect(page.locator(".circle-map[data-ready=true] path.circle-point")).to_have_count(3)
    expect(page.locator("body")).to_contain_text("乐山药店")
    expect(page.locator("nav, .mainnav, a[href^='/neighbourhood/']")).to_have_count(0)
    assert no_sideways_scroll(page)

    assert errors == []
    assert outside == []
