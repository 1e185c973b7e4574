"""A request's public record never shows the reporter's phone, email or name, nor an internal note."""

import pytest

from inspections.models import Finding, FindingEvent
from open311.privacy import redact
from tests.factories import FindingFactory, UserFactory
from tests.open311.conftest import REQUEST, V2, file

Kind = FindingEvent.Kind
SECRETS = ["13905310001", "zhang.wei@example.cn", "张伟", "王建国", "13805310000", "0531-86081234", "整改不彻底"]


@pytest.fixture
def closed_request(client, geo, category, open311_key):
    """Filed by 张伟 with his phone in the description; returned once (an internal note), then
    verified with a note that names the official and gives his number."""
    response = file(
        client,
        open311_key,
        first_name="伟",
        last_name="张",
        email="zhang.wei@example.cn",
        phone="13905310001",
        description="我是张伟，电话13905310001，邮箱zhang.wei@example.cn，路边有垃圾",
    )
    assert response.status_code == 201, response.content
    finding = Finding.objects.get()
    official = UserFactory(username="wangjg", real_name="王建国", phone="13805310000")
    Finding.objects.filter(pk=finding.pk).update(responsible_person=official, status=Finding.Status.CLOSED)
    FindingEvent.objects.create(finding=finding, actor=official, kind=Kind.RETURNED, note="整改不彻底，王建国再去一趟")
    FindingEvent.objects.create(
        finding=finding, actor=official, kind=Kind.VERIFIED, note="已清理完毕。联系人王建国，13805310000、0531-86081234"
    )
    return finding


@pytest.mark.parametrize("fmt", ["xml", "json"])
@pytest.mark.parametrize("url", ["{V2}/requests/{code}.{fmt}", "{V2}/requests.{fmt}"])
def test_the_public_record_shows_no_personal_data_and_no_internal_note(client, closed_request, fmt, url):
    response = client.get(url.format(V2=V2, code=closed_request.code, fmt=fmt))
    assert response.status_code == 200
    text = response.content.decode()
    assert closed_request.code in text
    assert [secret for secret in SECRETS if secret in text] == []


def test_status_notes_is_the_last_public_note_masked(client, closed_request):
    (record,) = client.get(f"{V2}/requests/{closed_request.code}.json").json()
    assert record["status"] == "closed"
    assert record["status_notes"] == "已清理完毕。联系人**，**、**"
    assert record["description"] == "我是**，电话**，邮箱**，路边有垃圾"


def test_an_internal_note_is_never_the_status_notes(client, geo, category):
    finding = FindingFactory(grid_cell=geo.cell, category=category)
    for kind in (Kind.DISPATCHED, Kind.RETURNED, Kind.DECLINED, Kind.EXTENSION_REQUESTED, Kind.CASE_OPENED):
        FindingEvent.objects.create(finding=finding, kind=kind, note=f"内部：{kind}")
    (record,) = client.get(f"{V2}/requests/{finding.code}.json").json()
    assert record["status_notes"] is None


def test_the_record_has_the_specifications_fields_only(client, closed_request):
    (record,) = client.get(f"{V2}/requests/{closed_request.code}.json").json()
    assert list(record) == REQUEST


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("电话 138 0531 0000 或 +86-13805310000", "电话 ** 或 **"),
        ("座机0531-86081234，86081234", "座机**，**"),
        ("重复，原问题370103-20261126-0007", "重复，原问题370103-20261126-0007"),
        ("写信到 a.b+c@mail.example.cn", "写信到 **"),
        ("拨打12345热线", "拨打12345热线"),
    ],
)
def test_redaction_masks_phones_and_emails_but_keeps_finding_numbers(text, shown):
    assert redact(text) == shown


def test_redaction_masks_the_names_given(text="王建国和王建来过"):
    assert redact(text, names=["王建国", "王建", "李"]) == "**和**来过"
