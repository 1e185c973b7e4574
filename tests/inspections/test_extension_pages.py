"""延期 on the pages: the rectifier asks on the finding's page, the street decides, all on the timeline."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from inspections import workflow
from inspections.models import Extension, Finding
from notifications.models import Notification
from tests.factories import FindingFactory

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=timezone.get_default_timezone())
pytestmark = pytest.mark.usefixtures("pinned")


@pytest.fixture
def pinned():
    with time_machine.travel(NOW, tick=False):
        yield


def as_user(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


@pytest.fixture
def finding(geo, category, community_worker):
    # Reported 17 hours ago: its deadline is in 7 hours.
    return FindingFactory(
        grid_cell=geo.cell,
        category=category,
        status=Finding.Status.RECTIFYING,
        reported_at=NOW - timedelta(hours=17),
        responsible_person=community_worker,
    )


def ask(client, finding, **data):
    body = {"until": "2026-11-27T18:00", "reason": "需要协调物业公司清运大件垃圾", **data}
    return client.post(f"/findings/{finding.code}/request-extension/", body)


def test_the_rectifier_is_offered_the_request_with_the_current_deadline(finding, community_worker):
    response = as_user(community_worker).get(f"/findings/{finding.code}/")
    panels = {panel["name"]: panel for panel in response.context["panels"]}
    form = panels["request-extension"]["form"]
    assert "2026-11-26 17:00" in str(form["until"].help_text)
    assert 'type="datetime-local"' in response.content.decode()


def test_asking_on_the_page_records_the_request_and_tells_the_street(finding, community_worker, street_staff):
    response = ask(as_user(community_worker), finding)
    assert response.status_code == 302
    extension = Extension.objects.get()
    assert extension.state == Extension.State.PENDING
    assert timezone.localtime(extension.requested_deadline).strftime("%Y-%m-%d %H:%M") == "2026-11-27 18:00"
    assert Notification.objects.filter(recipient=street_staff, subject__contains=finding.code).exists()
    page = as_user(community_worker).get(f"/findings/{finding.code}/").content.decode()
    assert "Extension requested" in page and "需要协调物业公司清运大件垃圾" in page
    assert "asked until 2026-11-27 18:00" in page


@pytest.mark.parametrize(
    ("data", "field"),
    [({"reason": " "}, "reason"), ({"until": "tomorrow"}, "until"), ({"until": "2026-11-26T12:00"}, "until")],
)
def test_a_bad_request_is_a_form_error_and_nothing_is_written(finding, community_worker, data, field):
    response = ask(as_user(community_worker), finding, **data)
    assert response.status_code == 400
    (panel,) = [p for p in response.context["panels"] if p["name"] == "request-extension"]
    assert field in panel["form"].errors and panel["open"]
    assert not Extension.objects.exists()


def test_after_the_deadline_the_request_is_not_offered_and_refused(finding, community_worker):
    with time_machine.travel(NOW + timedelta(hours=8), tick=False):
        client = as_user(community_worker)
        names = [p["name"] for p in client.get(f"/findings/{finding.code}/").context["panels"]]
        assert "request-extension" not in names
        response = ask(client, finding, until="2026-11-28T18:00")
        assert response.status_code == 302 and not Extension.objects.exists()


def test_street_staff_see_the_pending_requests_of_their_street(
    finding, community_worker, street_staff, other_street_staff
):
    ask(as_user(community_worker), finding)
    rows = as_user(street_staff).get("/findings/extensions/").context["rows"]
    assert [row.finding.code for row in rows] == [finding.code]
    assert as_user(other_street_staff).get("/findings/extensions/").context["rows"] == []


@pytest.mark.parametrize("persona", ["community_worker", "grid_worker", "unit_staff", "leader", "volunteer"])
def test_roles_that_do_not_decide_get_403_on_the_list(request, geo, persona):
    response = as_user(request.getfixturevalue(persona)).get("/findings/extensions/")
    assert response.status_code == 403


def test_approving_on_the_page_moves_the_deadline_and_tells_the_asker(finding, community_worker, street_staff):
    ask(as_user(community_worker), finding)
    client = as_user(street_staff)
    response = client.post(f"/findings/{finding.code}/decide-extension/", {"decision": "approve", "note": "同意"})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert timezone.localtime(finding.deadline_at).strftime("%Y-%m-%d %H:%M") == "2026-11-27 18:00"
    assert Notification.objects.filter(recipient=community_worker, subject__contains="approved").exists()
    page = client.get(f"/findings/{finding.code}/").content.decode()
    assert "deadline moved from 2026-11-26 17:00 to 2026-11-27 18:00" in page
    assert not client.get("/findings/extensions/").context["rows"]


def test_refusing_needs_a_reason_on_the_page(finding, community_worker, street_staff):
    ask(as_user(community_worker), finding)
    response = as_user(street_staff).post(f"/findings/{finding.code}/decide-extension/", {"decision": "refuse"})
    assert response.status_code == 400
    assert Extension.objects.get().state == Extension.State.PENDING


def test_a_refusal_keeps_the_deadline(finding, community_worker, street_staff):
    before = finding.deadline_at
    ask(as_user(community_worker), finding)
    as_user(street_staff).post(
        f"/findings/{finding.code}/decide-extension/", {"decision": "refuse", "note": "可当日完成"}
    )
    finding.refresh_from_db()
    assert finding.deadline_at == before and Extension.objects.get().state == Extension.State.REFUSED


def test_the_rectifier_cannot_decide_their_own_request(finding, community_worker):
    ask(as_user(community_worker), finding)
    response = as_user(community_worker).post(f"/findings/{finding.code}/decide-extension/", {"decision": "approve"})
    assert response.status_code == 403


def test_the_list_runs_a_fixed_number_of_queries(
    geo, category, community_worker, street_staff, django_assert_max_num_queries
):
    for hours in range(1, 6):
        finding = FindingFactory(
            grid_cell=geo.cell,
            category=category,
            status=Finding.Status.RECTIFYING,
            reported_at=NOW - timedelta(hours=hours),
        )
        workflow.request_extension(
            actor=community_worker, finding=finding, reason="原因", until=finding.deadline_at + timedelta(days=1)
        )
    client = as_user(street_staff)
    with django_assert_max_num_queries(6):
        assert len(client.get("/findings/extensions/").context["rows"]) == 5
