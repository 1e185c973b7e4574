"""The inbox page and the bell: a person sees and reads only their own in-app notifications."""

import itertools
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from tests.factories import UserFactory

INBOX = reverse("notifications:inbox")
READ_ALL = reverse("notifications:read_all")
_keys = itertools.count()


def read_url(row: Notification) -> str:
    return reverse("notifications:read", args=[row.pk])


def in_app(user, subject: str = "新问题", **fields) -> Notification:
    return Notification.objects.create(
        recipient=user,
        channel=Notification.Channel.IN_APP,
        subject=subject,
        state=Notification.State.SENT,
        idempotency_key=f"inbox-test:{next(_keys)}",
        **fields,
    )


def bell(response) -> int:
    """The unread count the page header shows (no badge at all means none)."""
    found = re.search(r'data-unread="(\d+)"', response.content.decode())
    return int(found.group(1)) if found else 0


@pytest.fixture
def owner(db):
    return UserFactory(username="owner")


@pytest.fixture
def client(owner):
    # English pages, so that assertions on texts do not depend on the Chinese catalogue.
    client = Client(headers={"accept-language": "en"})
    client.force_login(owner)
    return client


def test_the_inbox_lists_the_persons_own_in_app_notifications(client, owner):
    in_app(owner, "给我的通知")
    response = client.get(INBOX)
    assert response.status_code == 200
    assert "给我的通知" in response.content.decode()


def test_the_inbox_does_not_list_another_persons_notifications(client, stranger):
    in_app(stranger, "别人的通知")
    assert "别人的通知" not in client.get(INBOX).content.decode()


def test_the_inbox_does_not_list_the_persons_email_or_sms_rows(client, owner):
    Notification.objects.create(
        recipient=owner, channel=Notification.Channel.EMAIL, subject="邮件副本", idempotency_key="mail"
    )
    assert "邮件副本" not in client.get(INBOX).content.decode()


def test_the_inbox_page_runs_a_fixed_number_of_queries(client, owner, django_assert_max_num_queries):
    for n in range(40):
        in_app(owner, f"通知{n}")
    # Session, user, the menu's memberships, the bell's count, the page's count and its rows.
    with django_assert_max_num_queries(6):
        assert client.get(INBOX).status_code == 200


def test_reading_another_persons_notification_is_404(client, stranger):
    row = in_app(stranger)
    assert client.post(read_url(row)).status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


def test_the_bell_shows_the_unread_count(client, owner, stranger):
    in_app(owner)
    in_app(owner)
    in_app(owner, read_at=timezone.now())
    in_app(stranger)
    assert bell(client.get(INBOX)) == 2


def test_marking_all_as_read_empties_the_bell(client, owner):
    in_app(owner)
    in_app(owner)
    assert client.post(READ_ALL).status_code == 302
    assert bell(client.get(INBOX)) == 0
    assert not Notification.objects.filter(recipient=owner, read_at__isnull=True).exists()


def test_marking_all_as_read_leaves_other_peoples_notifications_unread(client, stranger):
    row = in_app(stranger)
    client.post(READ_ALL)
    row.refresh_from_db()
    assert row.read_at is None


def test_reading_one_notification_drops_the_bell_by_one(client, owner):
    row = in_app(owner)
    in_app(owner)
    client.post(read_url(row))
    assert bell(client.get(INBOX)) == 1


def test_an_anonymous_visitor_is_sent_to_log_in():
    response = Client().get(INBOX)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


def test_reading_a_notification_follows_its_link_inside_the_portal(client, owner):
    row = in_app(owner, link="/findings/370103-20261126-0007/")
    response = client.post(read_url(row))
    assert response.status_code == 302
    assert response["Location"] == "/findings/370103-20261126-0007/"
    row.refresh_from_db()
    assert row.read_at is not None


@pytest.mark.parametrize("link", ["https://evil.example/login", "//evil.example/login", "javascript:alert(1)"])
def test_reading_a_notification_does_not_follow_a_link_outside_the_portal(client, owner, link):
    row = in_app(owner, link=link)
    response = client.post(read_url(row))
    assert response["Location"] == INBOX


def test_reading_is_post_only(client, owner):
    assert client.get(read_url(in_app(owner))).status_code == 405


# --- the same through the API ------------------------------------------------------------


def test_the_api_lists_only_my_in_app_notifications(client, owner, stranger):
    mine = in_app(owner, "我的")
    in_app(stranger, "别人的")
    body = client.get("/api/v1/notifications/").json()
    assert [row["id"] for row in body["results"]] == [mine.pk]
    assert body["results"][0]["read"] is False


def test_the_api_lists_the_unread_ones_when_asked(client, owner):
    read = in_app(owner, "已读")
    unread = in_app(owner, "未读")
    client.post(f"/api/v1/notifications/{read.pk}/read/")
    body = client.get("/api/v1/notifications/", {"unread": "true"}).json()
    assert [row["id"] for row in body["results"]] == [unread.pk]


def test_the_api_marks_one_read_and_all_read(client, owner):
    first, second, third = (in_app(owner, f"通知{n}") for n in range(3))
    assert client.post(f"/api/v1/notifications/{first.pk}/read/").json() == {"marked": 1}
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 2}
    assert not Notification.objects.filter(pk__in=[first.pk, second.pk, third.pk], read_at__isnull=True).exists()


def test_the_api_answers_another_persons_notification_with_404(client, owner, stranger):
    theirs = in_app(stranger)
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_api_wants_a_logged_in_person(db):
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/notifications/").status_code == 403
