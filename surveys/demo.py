"""The questionnaires' demo content: the campaign's residents' questionnaire with the three measures,
two door-to-door rounds over the seed's communities (the second still open), a few hundred
responses by the communities' volunteers and workers.

Idempotent: nothing is made when the demo questionnaire is already there. The responses are written
in bulk and counted as the volunteers' service by ``surveys.service.count_many`` (the same rows as
the phone's path, ``surveys.responses.record_response``, counts one by one). A fixed random seed
makes the same numbers every time. Runs unscoped.
"""

import random
import uuid
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.demo import COMMUNITY_SLUGS
from accounts.models import User
from districts import demo as geography
from districts.models import Community, GridCell
from surveys import service
from surveys.models import Answer, Option, Question, Questionnaire, Response, RoundCommunity, SurveyRound

TITLE = "创建全国文明城市市民满意度入户调查问卷"
INTRODUCTION = (
    "您好！我们是社区创城志愿者，正在开展创建全国文明城市入户调查，耽误您几分钟时间。"
    "调查不记录您的姓名和电话，感谢您的支持！"
)
#: (kind, text, measure, required, [(key, text, positive)])
QUESTIONS = (
    (
        "single", "您是否知道我市正在创建全国文明城市？", "awareness", True,
        [("A", "知道", True), ("B", "不知道", False)],
    ),
    (
        "single", "您是否知道我市创城的宣传口号或志愿服务热线？", "awareness", True,
        [("A", "知道", True), ("B", "听说过，记不清", False), ("C", "不知道", False)],
    ),
    (
        "single", "您是否支持我市创建全国文明城市？", "support", True,
        [("A", "支持", True), ("B", "无所谓", False), ("C", "不支持", False)],
    ),
    (
        "single", "您是否愿意参加社区组织的创城志愿服务活动？", "support", True,
        [("A", "愿意", True), ("B", "看情况", False), ("C", "不愿意", False)],
    ),
    (
        "single", "您对本社区的环境卫生是否满意？", "satisfaction", True,
        [("A", "满意", True), ("B", "基本满意", True), ("C", "不满意", False)],
    ),
    (
        "single", "您对本社区的停车秩序是否满意？", "satisfaction", True,
        [("A", "满意", True), ("B", "基本满意", True), ("C", "不满意", False)],
    ),
    (
        "multiple", "您觉得近一年社区哪些方面有明显改善？（可多选）", "satisfaction", False,
        [("A", "环境卫生", True), ("B", "停车秩序", True), ("C", "文明宣传", True), ("D", "没有明显改善", False)],
    ),
    ("text", "您对社区创城工作还有什么意见和建议？", None, False, []),
)  # fmt: skip
#: Seed community → (awareness, support, satisfaction) chance of a positive answer in the first round.
CHANCES = {
    "建新": (0.86, 0.93, 0.80),
    "舜华": (0.90, 0.95, 0.86),
    "乐山小区": (0.78, 0.90, 0.72),
    "启明里": (0.82, 0.91, 0.76),
}
#: The second round: how much better each chance is.
BETTER = 0.06
SUGGESTIONS = ("希望增加垃圾分类投放点", "楼道灯经常坏", "小区东门电动车乱停", "建议多开展文明宣传", "")
ROUNDS = (
    # (title, first day and last day from today, responses per community)
    ("2026年第一轮创城入户调查", -62, -48, 25),
    ("2026年第二轮创城入户调查", -20, 10, 55),
)


def _questionnaire(campaign) -> Questionnaire:
    questionnaire = Questionnaire.objects.create(campaign=campaign, title=TITLE, introduction=INTRODUCTION)
    for order, (kind, text, measure, required, options) in enumerate(QUESTIONS, start=1):
        question = Question.objects.create(
            questionnaire=questionnaire, order=order, kind=kind, text=text, measure=measure, required=required
        )
        Option.objects.bulk_create(
            [
                Option(question=question, key=key, text=label, positive=positive, order=index)
                for index, (key, label, positive) in enumerate(options)
            ]
        )
    return questionnaire


def _answers(rng: random.Random, questions: list[Question], chances: tuple[float, float, float]) -> dict:
    chance = dict(zip(("awareness", "support", "satisfaction"), chances, strict=True))
    out = {}
    for question in questions:
        options = list(question.options.all())
        if question.kind == Question.Kind.TEXT:
            text = rng.choice(SUGGESTIONS)
            if text:
                out[str(question.pk)] = text
            continue
        good = [o.key for o in options if o.positive]
        bad = [o.key for o in options if not o.positive]
        positive = rng.random() < chance[question.measure]
        if question.kind == Question.Kind.MULTIPLE:
            if not question.required and rng.random() < 0.2:
                continue
            out[str(question.pk)] = rng.sample(good, rng.randint(1, len(good))) if positive else [bad[0]]
        else:
            out[str(question.pk)] = [rng.choice(good) if positive else rng.choice(bad)]
    return out


def seed_surveys() -> int:
    """Make the demo questionnaire, its rounds and responses once; returns the responses made."""
    campaign_model = Questionnaire._meta.get_field("campaign").related_model
    campaign = campaign_model.objects.filter(district__code=geography.DISTRICT_CODE, is_active=True).first()
    if campaign is None or Questionnaire.objects.filter(campaign=campaign, title=TITLE).exists():
        return 0
    rng = random.Random(12)
    today = timezone.localdate()
    communities = {name: Community.objects.filter(code=geography.community_code(name)).first() for name in CHANCES}
    communities = {name: c for name, c in communities.items() if c is not None}
    workers = User.objects.in_bulk(
        [f"community-{COMMUNITY_SLUGS[name]}" for name in communities]
        + [f"volunteer-{COMMUNITY_SLUGS[name]}-{n:02d}" for name in communities for n in range(1, 6)],
        field_name="username",
    )
    visits: list[tuple] = []
    with transaction.atomic():
        questionnaire = _questionnaire(campaign)
        questions = list(questionnaire.questions.prefetch_related("options").order_by("order"))
        for index, (title, first, last, per_community) in enumerate(ROUNDS):
            round_ = SurveyRound.objects.create(
                questionnaire=questionnaire,
                title=title,
                starts_on=today + timedelta(days=first),
                ends_on=today + timedelta(days=last),
            )
            for name, community in communities.items():
                RoundCommunity.objects.create(round=round_, community=community, target_households=120)
                cells = list(GridCell.objects.filter(community=community).select_related("community").order_by("code"))
                people = [
                    workers[u]
                    for u in [f"community-{COMMUNITY_SLUGS[name]}"]
                    + [f"volunteer-{COMMUNITY_SLUGS[name]}-{n:02d}" for n in range(1, 6)]
                    if u in workers
                ]
                if not cells or not people:
                    continue
                chances = tuple(min(c + BETTER * index, 0.99) for c in CHANCES[name])
                days = max(min(last, 0) - first, 1)
                for _n in range(per_community):
                    day = today + timedelta(days=first + rng.randrange(days))
                    at = datetime.combine(day, time(9), tzinfo=timezone.get_current_timezone()) + timedelta(
                        minutes=rng.randrange(0, 9 * 60)
                    )
                    visits.append(
                        (rng.choice(people), round_, rng.choice(cells), _answers(rng, questions, chances), at)
                    )
        made = _write(visits, questions, rng)
    return made


def _write(visits: list[tuple], questions: list[Question], rng: random.Random) -> int:
    """The visits as responses and answers in bulk, counted as the volunteers' service.

    The demo's answers are made valid (``_answers``); the phone's path, which checks them one by
    one, is ``surveys.responses.record_response``, and both count service through
    ``surveys.service``.
    """
    now = timezone.now()
    responses = Response.objects.bulk_create(
        [
            Response(
                round=round_,
                client_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                grid_cell=cell,
                community_id=cell.community_id,
                street_id=cell.community.street_id,
                interviewer=actor,
                answered_at=min(at, now),
                created_at=min(at, now),
            )
            for actor, round_, cell, _answers_given, at in visits
        ]
    )
    by_pk = {str(q.pk): q for q in questions}
    keys = {q.pk: {o.key: o.pk for o in q.options.all()} for q in questions}
    rows, chosen = [], []
    for response, (_actor, _round, _cell, given, _at) in zip(responses, visits, strict=True):
        for key, value in given.items():
            question = by_pk[key]
            rows.append(Answer(response=response, question=question, text=value if isinstance(value, str) else ""))
            chosen.append([] if isinstance(value, str) else [keys[question.pk][k] for k in value])
    answers = Answer.objects.bulk_create(rows)
    through = Answer.options.through
    through.objects.bulk_create(
        [through(answer_id=a.pk, option_id=o) for a, options in zip(answers, chosen, strict=True) for o in options]
    )
    service.count_many(responses)
    return len(responses)
