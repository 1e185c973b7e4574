"""An inspector, in a real browser: from the overdue queue to a decided case on both timelines."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from inspections.models import Category, Finding
from oversight.models import AccountabilityCase
from tests.conftest import PASSWORD
from tests.factories import FindingFactory

pytestmark = pytest.mark.usefixtures("transactional_db")

DOCUMENT_NO = "市中纪约〔2026〕7号"


@pytest.fixture
def overdue_pair(geo, unit_staff):
    """Two findings of 区城管局 past their deadline, and one of the community that stays unticked."""
    road = Category.objects.create(
        code="road-occupation", name="占道经营", responsible=Category.Responsible.UNIT, unit=geo.unit
    )
    garbage = Category.objects.create(code="exposed-garbage", name="暴露垃圾")
    now = timezone.now()
    pair = [
        FindingFactory(
            grid_cell=geo.cell,
            category=road,
            responsible_unit=geo.unit,
            responsible_person=unit_staff,
            status=Finding.Status.RECTIFYING,
            reported_at=now - timedelta(days=days),
            escalation_level=level,
        )
        for days, level in ((3, 2), (2, 1))
    ]
    FindingFactory(grid_cell=geo.cell, category=garbage, reported_at=now - timedelta(days=2), escalation_level=1)
    return pair


def test_inspector_opens_a_case_from_the_queue_and_records_a_talk(page, live_server, login, inspector, overdue_pair):
    login(page, live_server, "inspector", PASSWORD)
    # accounts.workspaces sends the inspector to the oversight queue.
    expect(page).to_have_url(re.compile(r"/oversight/$"))
    expect(page.locator("table.queue tbody tr")).to_have_count(3)

    for finding in overdue_pair:
        page.locator(f"input[name=findings][value='{finding.code}']").check()
    page.locator("#open-case button[name=open]").click()

    expect(page).to_have_url(re.compile(r"/oversight/cases/\d+/$"))
    expect(page.locator("dd.responsible")).to_have_text("区城管局")
    for finding in overdue_pair:
        expect(page.locator("table.case-findings")).to_contain_text(finding.code)

    page.locator("#id_decide_outcome").select_option("talk")
    page.locator("#id_decide_review").fill("已约谈区城管局分管负责人，责令限期整改。")
    page.locator("#id_decide_decision_date").fill(timezone.localdate().isoformat())
    page.locator("#id_decide_document_no").fill(DOCUMENT_NO)
    page.locator("form.decide-form button[type=submit]").click()

    expect(page.locator("dd.outcome")).to_contain_text("约谈")
    expect(page.locator("dd.document-no")).to_have_text(DOCUMENT_NO)
    expect(page.locator("form.decide-form")).to_have_count(0)
    case = AccountabilityCase.objects.get()
    assert case.outcome == AccountabilityCase.Outcome.TALK

    for finding in overdue_pair:
        page.goto(f"{live_server.url}/findings/{finding.code}/")
        timeline = page.locator("ol.timeline")
        expect(timeline).to_contain_text(DOCUMENT_NO)
        expect(timeline).to_contain_text("约谈")
        expect(timeline).to_contain_text(case.title)
