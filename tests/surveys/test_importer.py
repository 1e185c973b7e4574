"""The questionnaire import: validate every row, write nothing on any error."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from surveys.importer import ImportRefused, import_questionnaire
from surveys.models import Question, Questionnaire

HEADER = ["序号", "题型", "题目", "必答", "指标", "选项", "正向选项"]
GOOD = [
    [1, "单选", "您是否知道我市正在创建全国文明城市？", "是", "知晓率", "A.知道\nB.不知道", "A"],
    [2, "多选", "您参加过哪些创城活动？", "否", "", "A.志愿服务|B.文明劝导|C.都没有", ""],
    [3, "单选", "您对社区环境是否满意？", "是", "满意率", "A.满意；B.基本满意；C.不满意", "A,B"],
    [4, "填空", "您的意见建议", "否", "", "", ""],
]


def sheet(rows, header=HEADER) -> SimpleUploadedFile:
    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("q.xlsx", out.getvalue())


def test_a_good_sheet_makes_the_questionnaire(campaign):
    questionnaire = import_questionnaire(campaign=campaign, title="问卷", upload=sheet(GOOD))
    questions = list(questionnaire.questions.order_by("order"))
    assert [q.kind for q in questions] == ["single", "multiple", "single", "text"]
    assert [(o.key, o.positive) for o in questions[2].options.all()] == [("A", True), ("B", True), ("C", False)]
    assert questions[1].required is False and questions[0].measure == "awareness"


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ([5, "判断", "题", "是", "", "A.是|B.否", ""], "Row 6"),
        ([5, "单选", "题", "是", "幸福率", "A.是|B.否", "A"], "Row 6"),
        ([5, "单选", "题", "是", "满意率", "A.是|B.否", "C"], "Row 6"),
        ([5, "单选", "题", "是", "满意率", "A.是|B.否", ""], "Row 6"),
        ([5, "单选", "题", "是", "", "A.只有一个", ""], "Row 6"),
        ([1, "单选", "重复的题号", "是", "", "A.是|B.否", ""], "Row 6"),
        ([5, "填空", "题", "是", "满意率", "", ""], "Row 6"),
        (["x", "单选", "题", "是", "", "A.是|B.否", ""], "Row 6"),
    ],
)
def test_a_bad_row_is_refused_with_its_number_and_nothing_is_written(campaign, row, fragment):
    with pytest.raises(ImportRefused) as refused:
        import_questionnaire(campaign=campaign, title="问卷", upload=sheet([*GOOD, row]))
    # The row number is in the message (whatever the language).
    assert any("6" in error for error in refused.value.errors), fragment
    assert not Questionnaire.objects.exists() and not Question.objects.exists()


def test_every_bad_row_is_reported_at_once(campaign):
    bad = [[1, "判断", "题", "", "", "", ""], [2, "单选", "", "也许", "", "A.是|B.否", ""]]
    with pytest.raises(ImportRefused) as refused:
        import_questionnaire(campaign=campaign, title="问卷", upload=sheet(bad))
    assert len(refused.value.errors) >= 3


def test_a_file_that_is_not_a_workbook_is_refused(campaign):
    with pytest.raises(ImportRefused):
        import_questionnaire(campaign=campaign, title="问卷", upload=SimpleUploadedFile("q.xlsx", b"not excel"))


def test_a_sheet_without_the_columns_is_refused(campaign):
    with pytest.raises(ImportRefused) as refused:
        import_questionnaire(campaign=campaign, title="问卷", upload=sheet(GOOD, header=["a", "b"]))
    assert "Row 1" in refused.value.errors[0] or "1" in refused.value.errors[0]


def test_the_import_page_is_for_street_staff_and_refuses_a_community_worker(
    client, campaign, street_staff, community_worker
):
    client.force_login(community_worker)
    assert client.get("/surveys/import/").status_code == 403
    client.force_login(street_staff)
    response = client.post(
        "/surveys/import/", {"campaign": campaign.pk, "title": "第二版问卷", "workbook": sheet(GOOD)}
    )
    assert response.status_code == 302
    assert Questionnaire.objects.get().questions.count() == 4


def test_the_import_page_lists_the_refusals_and_writes_nothing(client, campaign, street_staff):
    client.force_login(street_staff)
    response = client.post(
        "/surveys/import/",
        {"campaign": campaign.pk, "title": "问卷", "workbook": sheet([[1, "判断", "题", "", "", "", ""]])},
    )
    assert response.status_code == 400 and b"import-errors" in response.content
    assert not Questionnaire.objects.exists()


def test_the_sheet_to_fill_in_imports_as_it_is(client, campaign, street_staff, community_worker):
    client.force_login(community_worker)
    assert client.get("/surveys/import/template.xlsx").status_code == 403
    client.force_login(street_staff)
    assert b"/surveys/import/template.xlsx" in client.get("/surveys/import/").content
    response = client.get("/surveys/import/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    upload = SimpleUploadedFile("template.xlsx", response.content)
    questionnaire = import_questionnaire(campaign=campaign, title="模板问卷", upload=upload)
    questions = list(questionnaire.questions.order_by("order"))
    assert [(q.kind, q.measure) for q in questions] == [
        ("single", "awareness"),
        ("multiple", "support"),
        ("text", None),
    ]
    assert [o.key for o in questions[1].options.filter(positive=True)] == ["A", "B"]
