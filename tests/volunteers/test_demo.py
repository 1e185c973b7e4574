"""The volunteer service's demo content: every page has something real to show."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from districts import demo as geography
from volunteers.models import Activity, Attendance, DutyRule, Registration, SignUp, Wish

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        out = StringIO()
        call_command("seed_demo", "--password", "demo-pass-2020", stdout=out)
        yield [line.split("\t") for line in out.getvalue().splitlines()]
        from django.core.management import call_command as flush

        flush("flush", "--noinput", verbosity=0)


def test_at_least_ten_volunteers_are_printed_for_each_of_several_communities(printed):
    volunteers = [(u, code) for u, role, code in printed[1:] if role == "volunteer" and code != "-"]
    per = {}
    for _username, code in volunteers:
        per[code] = per.get(code, 0) + 1
    for name in ("建新", "启明里", "舜华", "乐山小区"):
        assert per[geography.community_code(name)] >= 10, name


def test_the_printed_volunteers_are_party_members_of_the_demo_units_registered_where_printed(printed):
    for username, role, code in printed[1:]:
        if role == "volunteer" and code != "-":
            volunteer = User.objects.get(username=username).volunteer
            assert volunteer.is_party_member and volunteer.unit is not None
            assert volunteer.registrations.filter(status="approved", community__code=code).exists()


def test_the_demo_login_volunteer_keeps_working_and_has_something_coming(printed, client):
    assert ["volunteer", "volunteer", "-"] in printed
    client.force_login(User.objects.get(username="volunteer"))
    html = client.get("/volunteers/").content.decode()
    assert "楼道及公共区域卫生清理" in html


def test_there_is_history_and_there_are_activities_to_sign_up_for(printed):
    now = timezone.now()
    assert Attendance.objects.filter(checked_in_at__lt=now).count() > 100
    assert SignUp.objects.filter(status=SignUp.Status.NO_SHOW).exists()
    assert Activity.objects.filter(starts_at__gt=now, rule__isnull=True).count() >= 8
    assert SignUp.objects.filter(status=SignUp.Status.WAITLISTED).exists()


def test_the_discipline_commission_has_its_duty_roster(printed):
    rule = DutyRule.objects.get(unit__code="JWJW")
    assert rule.per_weekday == 8 and rule.community is None
    assert set(rule.days.values_list("community__name", flat=True)) == {"建新社区", "舜华社区"}


def test_qimingli_benches_were_adopted_by_the_offices_administration_centre(printed):
    wish = Wish.objects.get(community__code=geography.community_code("启明里"))
    assert wish.status == Wish.Status.CLOSED and wish.claimed_unit.code == "JGSW" and wish.photos.exists()
    assert Wish.objects.filter(status=Wish.Status.PUBLISHED).exists()
    assert Registration.objects.filter(kind="unit", status="pending").exists()


@pytest.mark.parametrize(
    ("username", "urls"),
    [
        ("volunteer-jianxin-01", ["/volunteers/", "/volunteers/me/hours/", "/volunteers/profile/"]),
        ("volunteer-jianxin-02", ["/volunteers/wishes/"]),
        ("community-qimingli", ["/volunteers/activities/", "/volunteers/registrations/", "/volunteers/people/"]),
        ("community-qimingli", ["/volunteers/wishes/", "/volunteers/service/"]),
        ("community-jianxin", ["/volunteers/roster/"]),
        ("unit-jwjw", ["/volunteers/roster/", "/volunteers/people/", "/volunteers/service/"]),
        ("unit-jgsw", ["/volunteers/wishes/", "/volunteers/registrations/"]),
        ("leader", ["/volunteers/service/", "/volunteers/activities/", "/volunteers/wishes/"]),
        ("street-ganshiqiao", ["/volunteers/service/", "/volunteers/people/"]),
    ],
)  # fmt: skip
def test_every_page_of_the_demo_logins_opens_with_content(printed, client, username, urls):
    client.force_login(User.objects.get(username=username))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "empty muted" not in response.content.decode(), url
