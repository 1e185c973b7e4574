"""The Excel import of assessment items: validated whole (a bad row by its number), then written."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from campaign.importer import ImportRefused, import_items
from campaign.models import ActionLine, AssessmentItem, CategoryLink

HEADER = ["编码", "上级编码", "名称", "测评标准", "测评方法", "权重", "攻坚行动", "问题类别"]


def sheet(*rows, header=HEADER) -> io.BytesIO:
    workbook = Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


GOOD = [
    ("01", "", "公共环境", "", "实地考察", 0, "A02", ""),
    ("01.01", "01", "垃圾及时清运", "无暴露垃圾", "实地考察", 10, "A02", "exposed-garbage"),
    ("01.02", "01", "公益广告", "主次干道公益广告规范", "field", "3.5", "A02", ""),
    ("02", "", "群众满意度", "", "问卷调查", 0, "", ""),
]


@pytest.fixture
def lines(campaign):
    return ActionLine.objects.create(campaign=campaign, code="A02", name="城市环境面貌提升")


def test_a_good_sheet_writes_the_tree_and_its_links(campaign, lines, category):
    result = import_items(actor=None, campaign=campaign, upload=sheet(*GOOD))
    assert (result.created, result.updated, result.links) == (4, 0, 1)
    leaf = AssessmentItem.objects.get(code="01.01")
    assert (leaf.parent.code, leaf.weight, leaf.action_line, leaf.method) == ("01", 10, lines, "field")
    assert AssessmentItem.objects.get(code="02").method == AssessmentItem.Method.SURVEY
    link = CategoryLink.objects.get()
    assert (link.category, link.item, link.action_line) == (category, leaf, lines)


def test_importing_again_updates_by_code(campaign, lines, category):
    import_items(actor=None, campaign=campaign, upload=sheet(*GOOD))
    changed = [*GOOD[:2], ("01.02", "01", "公益广告（新）", "", "实地考察", 4, "A02", "")]
    result = import_items(actor=None, campaign=campaign, upload=sheet(*changed))
    assert (result.created, result.updated) == (0, 3)
    assert AssessmentItem.objects.get(code="01.02").name == "公益广告（新）"
    assert AssessmentItem.objects.count() == 4


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        (("01.03", "09", "无上级", "", "实地考察", 1, "", ""), "Row 6: its parent 09"),
        (("01.03", "01", "方法不对", "", "目测", 1, "", ""), "Row 6: the method"),
        (("01.03", "01", "权重不对", "", "实地考察", "many", "", ""), "Row 6: the weight"),
        (("01.03", "01", "权重为负", "", "实地考察", -1, "", ""), "Row 6: the weight"),
        (("01.01", "01", "重复", "", "实地考察", 1, "", ""), "Row 6: the code 01.01 is already on row 3"),
        (("01.03", "01", "行动不存在", "", "实地考察", 1, "A99", ""), "Row 6: there is no action line A99"),
        (("01.03", "01", "类别不存在", "", "实地考察", 1, "", "no-such"), "Row 6: unknown categories: no-such"),
        (("", "01", "没有编码", "", "实地考察", 1, "", ""), "Row 6: the code is empty"),
        (("01.03", "01", "类别重复", "", "实地考察", 1, "", "exposed-garbage"), "Row 6: category exposed-garbage"),
    ],
)
def test_a_bad_row_is_reported_by_number_and_nothing_is_written(campaign, lines, category, settings, bad_row, message):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"), pytest.raises(ImportRefused) as refused:
        import_items(actor=None, campaign=campaign, upload=sheet(*GOOD, bad_row))
    assert any(error.startswith(message) for error in refused.value.errors), refused.value.errors
    assert not AssessmentItem.objects.exists()
    assert not CategoryLink.objects.exists()


def test_a_loop_of_parents_is_refused(campaign, lines):
    from django.utils import translation

    rows = [("A", "B", "甲", "", "", 1, "", ""), ("B", "A", "乙", "", "", 1, "", "")]
    with translation.override("en"), pytest.raises(ImportRefused) as refused:
        import_items(actor=None, campaign=campaign, upload=sheet(*rows))
    assert "Row 2: its parents lead back to itself." in refused.value.errors


def test_a_file_that_is_not_a_workbook_or_lacks_columns_is_refused(campaign):
    with pytest.raises(ImportRefused):
        import_items(actor=None, campaign=campaign, upload=io.BytesIO(b"not excel"))
    with pytest.raises(ImportRefused):
        import_items(actor=None, campaign=campaign, upload=sheet(("01",), header=["编号"]))
    assert not AssessmentItem.objects.exists()


def test_the_admin_page_imports_and_shows_refusals(campaign, lines, category, db):
    from accounts.models import User

    admin = User.objects.create_superuser("admin", "admin@example.com", "pass-1234-word")
    client = Client(headers={"accept-language": "en"})
    client.force_login(admin)
    url = reverse("admin:campaign_campaign_import_items", args=[campaign.pk])
    bad = sheet(*GOOD, ("01.03", "09", "无上级", "", "实地考察", 1, "", ""))
    bad.name = "items.xlsx"
    response = client.post(url, {"workbook": bad})
    assert response.status_code == 400
    assert "Row 6" in response.content.decode()
    good = sheet(*GOOD)
    good.name = "items.xlsx"
    assert client.post(url, {"workbook": good}).status_code == 302
    assert AssessmentItem.objects.count() == 4


def test_the_command_refuses_with_the_rows(campaign, lines, tmp_path):
    path = tmp_path / "items.xlsx"
    path.write_bytes(sheet(("01.03", "09", "无上级", "", "实地考察", 1, "", "")).getvalue())
    with pytest.raises(CommandError):
        call_command("import_items", str(campaign.pk), str(path))
    assert not AssessmentItem.objects.exists()
