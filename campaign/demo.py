"""The demo campaign: the review of the National Civilized City title, the ten action lines of the
seed's street office (杆石桥街道十大攻坚行动), a tree of assessment items linked to the demo's
categories, and two rounds in each of the seed's communities, the second a follow-up.

Idempotent: the campaign, its lines, items and links are keyed on codes; rounds (asked for with
``seed_demo --rounds``, as ``make run`` does) are made only for a community that has none. They
go through the real services (``campaign.rounds``), so their failed items are real findings
with deadlines, dated on the day of their round. Then the dashboard's roll-up is rebuilt from
every finding. Runs unscoped, as a management command's service.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Role
from campaign import rounds as rounds_service
from campaign.models import ActionLine, AssessmentItem, Campaign, CategoryLink, InspectionRound, Mark
from districts import demo as geography
from districts.models import Community, District, GridCell, Unit
from inspections import deadlines, rollup
from inspections.demo import history
from inspections.models import Category, Finding

#: (code, name, lead unit): the seed's ten action lines, in its order.
ACTION_LINES = (
    ("A01", "居民文明素质提升", "WMB"),
    ("A02", "城市环境面貌提升", "CGJ"),
    ("A03", "社区文明秩序提升", "WMB"),
    ("A04", "公共基础设施提升", "ZJJ"),
    ("A05", "整合力量入户调查", "WMB"),
    ("A06", "文化服务中心达标", "WMB"),
    ("A07", "整治非法小广告", "CGJ"),
    ("A08", "道路交通秩序提升", "CGJ"),
    ("A09", "校园周边环境规范", "SCJG"),
    ("A10", "自查自纠迎评演练", "JGSW"),
)

#: (code, parent, name, standard, method, weight, action line, category): the item tree.
ITEMS = (
    ("01", "", "公共环境", "", "field", "0", "A02", ""),
    (
        "01.01",
        "01",
        "垃圾及时清运",
        "主次干道、背街小巷、小区无暴露垃圾，垃圾桶无满溢",
        "field",
        "10",
        "A02",
        "exposed-garbage",
    ),
    (
        "01.02",
        "01",
        "绿化带整洁",
        "绿化带、树池内无白色垃圾、烟头纸屑和建筑垃圾",
        "field",
        "6",
        "A02",
        "greenbelt-litter",
    ),
    ("01.03", "01", "楼道整洁", "单元楼道内无堆物、无电动车充电", "field", "6", "A03", "corridor-clutter"),
    ("01.04", "01", "施工围挡规范", "工地围挡完好，公益广告无破损", "field", "4", "A04", "hoarding-damage"),
    ("02", "", "公共秩序", "", "field", "0", "A08", ""),
    ("02.01", "02", "无占道经营", "商户不出店经营，无流动摊贩占道", "field", "8", "A08", "road-occupation"),
    ("02.02", "02", "机动车有序停放", "机动车不占用人行道、消防通道", "field", "6", "A08", "disorderly-parking"),
    (
        "02.03",
        "02",
        "非机动车划线停放",
        "共享单车、电动车停放在划线区域内，不占盲道",
        "field",
        "6",
        "A08",
        "bicycle-parking",
    ),
    ("02.04", "02", "文明养犬", "遛狗牵绳，及时清理犬只粪便", "field", "3", "A01", "unleashed-dog"),
    ("03", "", "宣传氛围", "", "field", "0", "A01", ""),
    (
        "03.01",
        "03",
        "主次干道公益广告",
        "主次干道两侧公益广告数量充足、内容规范、无破损",
        "field",
        "8",
        "A01",
        "damaged-psa",
    ),
    ("03.02", "03", "无乱张贴", "墙面、电线杆、公交站牌无乱张贴乱涂写", "field", "6", "A07", "illegal-posting"),
    ("03.03", "03", "无非法小广告", "楼道、墙面无办证等非法小广告", "field", "6", "A07", "illegal-ads"),
    ("04", "", "公共设施", "", "field", "0", "A04", ""),
    ("04.01", "04", "设施完好", "健身器材、路灯、井盖、座椅完好可用", "field", "6", "A04", "broken-facility"),
    ("04.02", "04", "社区宣传栏", "社区宣传栏内容及时更新", "materials", "3", "A06", ""),
    ("05", "", "群众满意度", "", "survey", "0", "A05", ""),
    ("05.01", "05", "入户问卷知晓率", "居民对创城工作的知晓率、满意度", "survey", "5", "A05", ""),
)

#: Item codes that fail in each community's first round and in its follow-up.
FIRST_FAILS = {
    "乐山小区": ("01.01", "02.03", "03.03", "05.01"),
    "启明里": ("01.03", "02.01", "04.01"),
    "建新": ("01.02", "02.02", "03.01", "03.02"),
    "舜华": ("01.01", "02.04", "04.02"),
}
SECOND_FAILS = {
    "乐山小区": ("02.03", "01.02"),
    "启明里": ("04.01",),
    "建新": ("03.02", "02.03"),
    "舜华": ("01.03",),
}
NOTES = {
    "01.01": "路口垃圾桶满溢，周边散落垃圾",
    "01.02": "绿化带内有白色垃圾",
    "01.03": "3号楼楼道堆放杂物",
    "02.01": "早市摊点越线经营",
    "02.02": "车辆占用人行道停放",
    "02.03": "共享单车乱停乱放，占用盲道",
    "02.04": "遛狗未牵绳",
    "03.01": "主干道公益广告牌破损褪色",
    "03.02": "公交站牌被乱贴",
    "03.03": "单元门口有办证小广告",
    "04.01": "健身器材损坏",
    "04.02": "宣传栏内容未更新",
    "05.01": "入户问卷知晓率偏低",
}


def _campaign(district: District) -> Campaign:
    today = timezone.localdate()
    campaign, _created = Campaign.objects.get_or_create(
        district=district,
        name=f"{today.year}年全国文明城市复审",
        defaults={"starts_on": today - timedelta(days=90), "ends_on": today + timedelta(days=60), "is_active": True},
    )
    return campaign


def _tree(campaign: Campaign) -> dict[str, AssessmentItem]:
    units = Unit.objects.in_bulk([unit for _c, _n, unit in ACTION_LINES], field_name="code")
    lines = {}
    for order, (code, name, unit) in enumerate(ACTION_LINES, start=1):
        lines[code], _created = ActionLine.objects.update_or_create(
            campaign=campaign, code=code, defaults={"name": name, "lead_unit": units.get(unit), "sort_order": order}
        )
    items: dict[str, AssessmentItem] = {}
    categories = Category.objects.in_bulk([c[7] for c in ITEMS if c[7]], field_name="code")
    for order, (code, parent, name, standard, method, weight, line, category) in enumerate(ITEMS, start=1):
        items[code], _created = AssessmentItem.objects.update_or_create(
            campaign=campaign,
            code=code,
            defaults={
                "parent": items.get(parent),
                "name": name,
                "standard": standard,
                "method": method,
                "weight": Decimal(weight),
                "action_line": lines[line],
                "sort_order": order * 10,
            },
        )
        if category and category in categories:
            CategoryLink.objects.update_or_create(
                campaign=campaign,
                category=categories[category],
                defaults={"item": items[code], "action_line": lines[line]},
            )
    # Categories that no item names still count under an action line.
    return items


def _mark_all(round_: InspectionRound, fails: tuple[str, ...], *, actor, rng: random.Random, cell: GridCell) -> None:
    west, south = cell.min_lng, cell.min_lat
    width, height = cell.max_lng - cell.min_lng, cell.max_lat - cell.min_lat
    for mark in round_.marks.select_related("item"):
        code = mark.item.code
        if code in fails:
            lat = round(south + height * rng.uniform(0.2, 0.8), 6)
            lng = round(west + width * rng.uniform(0.2, 0.8), 6)
            rounds_service.mark_item(
                actor=actor, mark=mark, result=Mark.Result.FAIL, note=NOTES[code], lat=lat, lng=lng
            )
        elif code == "04.02" and round_.community.name.startswith("乐山"):
            rounds_service.mark_item(actor=actor, mark=mark, result=Mark.Result.NOT_APPLICABLE, note="无宣传栏")
        else:
            rounds_service.mark_item(actor=actor, mark=mark, result=Mark.Result.PASS)


def seed_campaign(*, rounds: bool = True) -> Campaign | None:
    """Create (or complete) the demo campaign, with ``rounds`` its rounds, then rebuild the roll-up.

    The rounds' findings are dated on their rounds' days; the deadline sweep then runs once, so
    they stand as the ladder would have left them (as the generated findings do).
    """
    district = District.objects.filter(code=geography.DISTRICT_CODE).first()
    if district is None:
        return None
    rng = random.Random(9)
    membership = Membership.objects.filter(role=Role.SUPERVISOR, district=district, user__username="supervisor").first()
    with transaction.atomic():
        campaign = _campaign(district)
        _tree(campaign)
        now = timezone.now()
        for name in geography.SEED_COMMUNITIES if rounds else ():
            community = Community.objects.filter(code=geography.community_code(name)).first()
            if community is None or membership is None:
                continue
            if InspectionRound.objects.filter(campaign=campaign, community=community).exists():
                continue
            cell = GridCell.objects.filter(community=community).order_by("code").first()
            actor = membership.user
            first_at = now - timedelta(days=24, hours=rng.randrange(0, 6))
            first = rounds_service.start_round(
                actor=actor,
                campaign=campaign,
                community=community,
                on=timezone.localdate(first_at),
                kind=InspectionRound.Kind.SUPERVISION,
            )
            _mark_all(first, FIRST_FAILS[name], actor=actor, rng=rng, cell=cell)
            rounds_service.close_round(actor=actor, round_=first, now=first_at)
            # What the first round found was put right within the day; the follow-up round shows it.
            found = Finding.objects.filter(pk__in=first.marks.exclude(finding=None).values("finding"))
            history.rectify_in_time(list(found.select_related("category")), rng=rng)
            second_at = now - timedelta(days=4, hours=rng.randrange(0, 6))
            second = rounds_service.start_round(
                actor=actor,
                campaign=campaign,
                community=community,
                on=timezone.localdate(second_at),
                kind=InspectionRound.Kind.UNDERCOVER,
                follow_up=True,
            )
            _mark_all(second, SECOND_FAILS[name], actor=actor, rng=rng, cell=cell)
            rounds_service.close_round(actor=actor, round_=second, now=second_at)
        if rounds:
            deadlines.sweep()
    rollup.rebuild()
    return campaign
