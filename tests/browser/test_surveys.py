"""Door to door in a real browser: a volunteer fills in a questionnaire on a phone, loses the
connection before sending, comes back online; the response is sent once and the rates change."""

import pytest

from surveys import rates
from surveys.models import Response
from tests.conftest import PASSWORD
from tests.surveys import conftest as surveys_fixtures

pytestmark = pytest.mark.usefixtures("transactional_db")
# The questionnaire's fixtures from tests/surveys, made available to this module.
campaign, survey, interviewer = surveys_fixtures.campaign, surveys_fixtures.survey, surveys_fixtures.interviewer


def test_a_volunteer_fills_in_offline_and_the_response_is_sent_once_when_back_online(
    phone_page, live_server, login, geo, survey, interviewer
):
    page = phone_page
    login(page, live_server, "volunteer", PASSWORD)
    page.goto(f"{live_server.url}/surveys/")
    with page.expect_navigation():
        page.locator(f"li[data-round='{survey.round.pk}'] a.fill-link").click()
    # Nothing is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.select_option("#survey-grid", geo.cell.code)
    page.locator(f"fieldset[data-question='{survey.q1.pk}'] input[value=b]").check()
    page.locator(f"fieldset[data-question='{survey.q2.pk}'] input[value=a]").check()
    page.locator(f"fieldset[data-question='{survey.q3.pk}'] input[value=a]").check()
    page.locator(f"fieldset[data-question='{survey.q5.pk}'] textarea").fill("希望增加休闲座椅")

    # The answers typed so far survive a reload (local storage), before anything is sent.
    page.reload()
    assert page.locator(f"fieldset[data-question='{survey.q1.pk}'] input[value=b]").is_checked()
    assert page.locator(f"fieldset[data-question='{survey.q5.pk}'] textarea").input_value() == "希望增加休闲座椅"

    assert rates.by_measure(Response.objects.filter(community=geo.community))["awareness"].rate is None

    # The connection drops before sending: the response waits on the phone.
    page.context.set_offline(True)
    page.locator("#survey-send").click()
    page.wait_for_selector("#survey-status.queued")
    assert page.locator("#survey-queue").get_attribute("data-count") == "1"
    assert Response.objects.count() == 0

    # Back online: the queue is sent by itself.
    page.context.set_offline(False)
    page.wait_for_selector("#survey-status.sent", timeout=10000)
    assert page.locator("#survey-queue").get_attribute("data-count") == "0"
    response = Response.objects.get()
    assert response.community == geo.community and response.interviewer == interviewer
    measures = rates.by_measure(Response.objects.filter(community=geo.community))
    # Unaware (b), supporting (a), one positive improvement (a).
    assert (measures["awareness"].rate, measures["support"].rate, measures["satisfaction"].rate) == (0.0, 1.0, 1.0)

    # The same response sent again (a lost answer to the first attempt) is not counted twice.
    page.evaluate(
        """([round, endpoint, body]) => {
            localStorage.setItem("chuangcheng.surveys.queue",
                JSON.stringify([{round: round, endpoint: endpoint, body: body}]));
            window.dispatchEvent(new Event("online"));
        }""",
        [
            survey.round.pk,
            f"/api/v1/surveys/{survey.round.pk}/responses/",
            {
                "client_id": str(response.client_id),
                "grid": geo.cell.code,
                "answers": {str(survey.q1.pk): ["b"], str(survey.q2.pk): ["a"], str(survey.q3.pk): ["a"]},
            },
        ],
    )
    page.wait_for_function("document.getElementById('survey-queue').dataset.count === '0'")
    assert Response.objects.count() == 1


def test_a_response_made_after_the_session_ended_waits_on_the_phone_until_the_volunteer_logs_in_again(
    phone_page, live_server, login, geo, survey, interviewer
):
    page = phone_page
    login(page, live_server, "volunteer", PASSWORD)
    page.goto(f"{live_server.url}/surveys/{survey.round.pk}/fill/")
    page.select_option("#survey-grid", geo.cell.code)
    for question, key in ((survey.q1, "a"), (survey.q2, "a"), (survey.q3, "b")):
        page.locator(f"fieldset[data-question='{question.pk}'] input[value={key}]").check()
    # The session ends (logged out elsewhere, expired) while the page is open.
    page.context.clear_cookies()
    page.locator("#survey-send").click()
    page.wait_for_selector("#survey-status.failed")
    assert page.locator("#survey-queue").get_attribute("data-count") == "1"
    assert Response.objects.count() == 0

    # Logged in again, the page sends what waited.
    login(page, live_server, "volunteer", PASSWORD)
    page.goto(f"{live_server.url}/surveys/{survey.round.pk}/fill/")
    page.wait_for_selector("#survey-status.sent", timeout=10000)
    assert Response.objects.count() == 1
