"""The closed loop in a real browser: reported from a phone, rectified, verified."""

import re

import pytest
from django.utils import translation

from inspections.models import Category, Finding, FindingEvent
from tests.conftest import PASSWORD
from tests.factories import image_bytes

pytestmark = pytest.mark.usefixtures("transactional_db")


def jpeg(name: str) -> dict:
    return {"name": name, "mimeType": "image/jpeg", "buffer": image_bytes("JPEG", size=(320, 240))}


def act(page, action: str) -> None:
    """Submit the action form whose URL ends with ``/<action>/`` and wait for the next page."""
    with page.expect_navigation():
        page.locator(f"form.action-form[action$='/{action}/'] button[type=submit]").click()


def test_grid_worker_reports_community_fixes_street_verifies(
    browser, phone_page, page, live_server, login, geo, grid_worker, community_worker, street_staff
):
    Category.objects.create(code="corridor-clutter", name="楼道堆物")

    # 1. The grid worker reports from the phone-sized page, with a photo.
    login(phone_page, live_server, "grid_worker", PASSWORD)
    phone_page.goto(f"{live_server.url}/findings/new/")
    phone_page.select_option("select[name=category]", "corridor-clutter")
    phone_page.fill("textarea[name=description]", "3号楼楼道堆放纸箱杂物")
    phone_page.fill("input[name=lat]", "36.655")
    phone_page.fill("input[name=lng]", "116.995")
    phone_page.fill("input[name=address]", "乐山小区3号楼2单元")
    phone_page.set_input_files("input[name=photos]", files=[jpeg("before.jpg")])
    phone_page.locator("form:has(input[name=photos]) button[type=submit]").click()
    phone_page.wait_for_url(re.compile(r"/findings/370103-\d{8}-\d{4}/$"))
    finding = Finding.objects.get()
    assert finding.status == Finding.Status.DISPATCHED and finding.community == geo.community
    assert finding.photos.filter(stage="before").count() == 1

    # 2. The community worker acknowledges and submits the rectification with an after photo.
    login(page, live_server, "community_worker", PASSWORD)
    page.goto(f"{live_server.url}/findings/{finding.code}/")
    act(page, "acknowledge")
    page.set_input_files("form.action-form[action$='/submit/'] input[type=file]", files=[jpeg("after.jpg")])
    page.fill("form.action-form[action$='/submit/'] textarea", "已清理完毕")
    act(page, "submit")
    finding.refresh_from_db()
    assert finding.status == Finding.Status.SUBMITTED

    # 3. The street staff verifies, in a fresh session of their own.
    staff = browser.new_context(locale="zh-CN")
    staff_page = staff.new_page()
    try:
        login(staff_page, live_server, "street_staff", PASSWORD)
        staff_page.goto(f"{live_server.url}/findings/{finding.code}/")
        act(staff_page, "verify")
        finding.refresh_from_db()
        assert finding.status == Finding.Status.CLOSED

        # The timeline shows every step, and both photos are there side by side.
        timeline = staff_page.locator(".timeline")
        kinds = [e.kind for e in finding.events.all()]
        assert kinds == ["reported", "dispatched", "acknowledged", "submitted", "verified"]
        with translation.override("zh-hans"):
            labels = [str(FindingEvent.Kind(kind).label) for kind in kinds]
        text = timeline.inner_text()
        assert [label for label in labels if label not in text] == []
        assert "已清理完毕" in timeline.inner_text()
        assert staff_page.locator("img[src*='thumb']").count() == 2
    finally:
        staff.close()
