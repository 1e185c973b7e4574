"""The volunteer's loop in a real browser: signed up on a phone, checked in and out by the organiser,
the hours on the volunteer's page and on the certificate."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from tests.conftest import PASSWORD
from tests.factories import ActivityFactory, VolunteerFactory, unit_registered
from volunteers.models import Attendance, Certificate, SignUp

pytestmark = pytest.mark.usefixtures("transactional_db")


def shown(hours) -> str:
    """Hours as the pages print them (``floatformat:2``)."""
    return f"{hours:.2f}"


def test_a_volunteer_signs_up_on_a_phone_is_checked_in_and_out_and_sees_the_hours(
    browser, phone_page, page, live_server, login, geo, volunteer, community_worker
):
    unit_registered(geo.unit, geo.community)
    member = VolunteerFactory(user=volunteer, name="张建华", unit=geo.unit)
    start = (timezone.now() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    activity = ActivityFactory(
        community=geo.community, title="楼道卫生清理", starts_at=start, ends_at=start + timedelta(hours=2), capacity=8
    )

    # 1. The day before, the volunteer signs up on the phone.
    with time_machine.travel(start - timedelta(days=1)):
        login(phone_page, live_server, "volunteer", PASSWORD)
        phone_page.goto(f"{live_server.url}/volunteers/")
        with phone_page.expect_navigation():
            phone_page.locator(f"a.activity-card[href='/volunteers/activities/{activity.pk}/']").first.click()
        with phone_page.expect_navigation():
            phone_page.locator("form[action$='/signup/'] button[type=submit]").click()
        signup = SignUp.objects.get(activity=activity, volunteer=member)
        assert signup.status == SignUp.Status.CONFIRMED
        assert phone_page.locator(".badge.signup-confirmed").count() == 1

    # 2. At the start the organiser checks them in from the roll ...
    with time_machine.travel(start + timedelta(minutes=1)):
        login(page, live_server, "community_worker", PASSWORD)
        page.goto(f"{live_server.url}/volunteers/activities/{activity.pk}/")
        with page.expect_navigation():
            page.locator(f"tr[data-signup='{signup.pk}'] button[value=checkin]").click()
        assert Attendance.objects.filter(signup=signup, checked_out_at__isnull=True).exists()

    # ... and at the end, out.
    with time_machine.travel(start + timedelta(hours=2, minutes=5)):
        page.goto(f"{live_server.url}/volunteers/activities/{activity.pk}/")
        with page.expect_navigation():
            page.locator(f"tr[data-signup='{signup.pk}'] button[value=checkout]").click()
    hours = Attendance.objects.get(signup=signup).hours
    assert hours > 1

    # 3. The hours are on the volunteer's page and on the certificate.
    with time_machine.travel(start + timedelta(hours=3)):
        phone_page.goto(f"{live_server.url}/volunteers/me/hours/")
        assert phone_page.locator(".my-hours").inner_text().strip() == shown(hours)
        with phone_page.expect_navigation():
            phone_page.locator("form[action$='/certificates/issue/'] button[type=submit]").click()
        certificate = Certificate.objects.get(volunteer=member)
        assert certificate.hours == hours
        assert shown(hours) in phone_page.locator(".cert-hours").inner_text()
        assert certificate.number in phone_page.locator(".notice-number").inner_text()
        assert "张建华" in phone_page.locator(".cert-name").inner_text()
