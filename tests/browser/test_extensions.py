"""延期 in a real browser: asked for on a phone, approved at a desk, both on the timeline."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inspections import workflow
from inspections.models import Extension, Finding, FindingPhoto
from tests.conftest import PASSWORD
from tests.factories import FindingFactory, photo

pytestmark = pytest.mark.usefixtures("transactional_db")


def test_community_worker_asks_on_a_phone_and_street_staff_approve(
    browser, phone_page, live_server, login, geo, category, community_worker, street_staff
):
    # Due in 7 hours, being rectified by the community.
    finding = FindingFactory(
        grid_cell=geo.cell,
        category=category,
        status=Finding.Status.RECTIFYING,
        reported_at=timezone.now() - timedelta(hours=17),
    )
    until = (timezone.localtime(finding.deadline_at) + timedelta(days=1)).replace(second=0, microsecond=0)

    # 1. On the phone: open the request, give the new deadline and the reason, send.
    login(phone_page, live_server, "community_worker", PASSWORD)
    phone_page.goto(f"{live_server.url}/findings/{finding.code}/")
    form = phone_page.locator("form.action-form[action$='/request-extension/']")
    phone_page.locator("details.action-panel:has(form[action$='/request-extension/']) summary").click()
    form.locator("input[name=until]").fill(until.strftime("%Y-%m-%dT%H:%M"))
    form.locator("textarea[name=reason]").fill("大件垃圾需联系环卫车辆，今日无法清运")
    with phone_page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert phone_page.locator(".extension-pending").is_visible()
    assert Extension.objects.get().state == Extension.State.PENDING

    # 2. At a desk: the street's staff find it in their list and approve it on the finding's page.
    desk = browser.new_context(locale="zh-CN")
    page = desk.new_page()
    try:
        login(page, live_server, "street_staff", PASSWORD)
        page.goto(f"{live_server.url}/findings/extensions/")
        with page.expect_navigation():
            page.locator(f"a:text('{finding.code}')").click()
        form = page.locator("form.action-form[action$='/decide-extension/']")
        form.locator("input[value=approve]").check()
        form.locator("textarea[name=note]").fill("同意延期")
        with page.expect_navigation():
            form.locator("button[type=submit]").click()

        finding.refresh_from_db()
        assert timezone.localtime(finding.deadline_at) == until
        timeline = page.locator(".timeline").inner_text()
        assert "申请延期" in timeline and "延期已批准" in timeline
        assert until.strftime("%Y-%m-%d %H:%M") in timeline
        # The page's deadline line shows the new one.
        assert until.strftime("%Y-%m-%d %H:%M") in page.locator("p.deadline").inner_text()
    finally:
        desk.close()


def test_an_out_of_scope_finding_and_its_photo_are_the_chinese_404_page(
    page, live_server, login, geo, category, street_staff, other_street_staff
):
    finding = FindingFactory(grid_cell=geo.cell, category=category)
    row = workflow.add_photo(actor=street_staff, finding=finding, stage=FindingPhoto.Stage.BEFORE, upload=photo())
    login(page, live_server, "other_street_staff", PASSWORD)
    for path in (f"/findings/{finding.code}/", f"/findings/{finding.code}/photos/{row.pk}/"):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 404
        assert page.locator("h1").inner_text() == "页面不存在"
        assert page.locator("a:text('我的工作台')").is_visible()
