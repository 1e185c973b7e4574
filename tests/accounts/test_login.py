"""Login, logout, throttling, and the home page that sends each role to its workspace."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_page_is_in_chinese(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "zh-hans"
    assert "登录" in response.content.decode()


def test_community_worker_lands_on_findings(client, community_worker):
    response = login(client, "community_worker", PASSWORD)
    assert response.status_code == 302
    response = client.get(response.url, follow=True)
    assert response.redirect_chain[-1][0] == "/findings/"
    assert "乐山小区社区" in response.content.decode()


@pytest.mark.parametrize(
    ("role_fixture", "workspace"),
    [
        ("leader", "/dashboard/"),
        ("inspector", "/oversight/"),
        ("street_discipline", "/oversight/"),
        ("street_staff", "/map/"),
        ("supervisor", "/findings/"),
        ("grid_worker", "/findings/"),
        ("unit_staff", "/findings/"),
        ("volunteer", "/volunteers/"),
    ],
)
def test_each_role_is_sent_to_its_workspace(client, request, role_fixture, workspace):
    user = request.getfixturevalue(role_fixture)
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == workspace
    assert client.get(workspace).status_code == 200


def test_person_without_role_is_told_to_ask_for_one(client, stranger):
    client.force_login(stranger)
    response = client.get("/")
    assert response.status_code == 200
    assert response.templates[0].name == "accounts/no_role.html"


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get("/findings/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_wrong_password_shows_an_error_and_logs_nobody_in(client, community_worker):
    response = login(client, "community_worker", "wrong-password")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


def test_logout_ends_the_session(client, community_worker):
    login(client, "community_worker", PASSWORD)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get("/findings/").status_code == 302


def test_repeated_failures_lock_the_account_even_with_the_right_password(client, community_worker, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "community_worker", "wrong-password")
    response = login(client, "community_worker", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "登录失败次数过多" in response.content.decode()
    assert "15 分钟" in response.content.decode()  # the cool-off, in words people read


def test_lockout_expires_after_the_cooloff(client, community_worker, settings, time_machine):
    time_machine.move_to("2026-11-26T09:00:00+08:00", tick=False)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "community_worker", "wrong-password")
    time_machine.move_to("2026-11-26T09:16:00+08:00", tick=False)
    response = login(client, "community_worker", PASSWORD)
    assert response.status_code == 302


def test_failures_below_the_limit_do_not_lock(client, community_worker, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "community_worker", "wrong-password")
    assert login(client, "community_worker", PASSWORD).status_code == 302


def test_lockout_of_one_user_leaves_another_alone(client, community_worker, street_staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "community_worker", "wrong-password")
    assert login(client, "street_staff", PASSWORD).status_code == 302
