"""The campaign's fixtures: an active campaign of the test district with a small item tree."""

from datetime import date
from decimal import Decimal

import pytest

from campaign.models import ActionLine, AssessmentItem, Campaign, CategoryLink


@pytest.fixture
def campaign(geo):
    return Campaign.objects.create(
        district=geo.district, name="2026年全国文明城市复审", starts_on=date(2026, 9, 1), ends_on=date(2026, 12, 31)
    )


@pytest.fixture
def tree(campaign, category, unit_category):
    """Two groups, four leaves: garbage (weight 10, linked to 暴露垃圾), road occupation (weight 5,
    linked to 占道经营), public-service ads (weight 3) and a survey (weight 2), neither linked."""
    line = ActionLine.objects.create(campaign=campaign, code="A02", name="城市环境面貌提升", sort_order=1)
    order = ActionLine.objects.create(campaign=campaign, code="A08", name="道路交通秩序提升", sort_order=2)
    env = AssessmentItem.objects.create(campaign=campaign, code="01", name="公共环境", weight=0, sort_order=1)
    rules = AssessmentItem.objects.create(campaign=campaign, code="02", name="公共秩序", weight=0, sort_order=2)
    items = {
        "garbage": AssessmentItem.objects.create(
            campaign=campaign,
            parent=env,
            code="01.01",
            name="垃圾及时清运",
            weight=Decimal(10),
            action_line=line,
            sort_order=3,
        ),
        "road": AssessmentItem.objects.create(
            campaign=campaign,
            parent=rules,
            code="02.01",
            name="无占道经营",
            weight=Decimal(5),
            action_line=order,
            sort_order=4,
        ),
        "ads": AssessmentItem.objects.create(
            campaign=campaign,
            parent=env,
            code="01.02",
            name="公益广告",
            weight=Decimal(3),
            action_line=line,
            sort_order=5,
        ),
        "survey": AssessmentItem.objects.create(
            campaign=campaign,
            parent=rules,
            code="02.02",
            name="问卷知晓率",
            weight=Decimal(2),
            sort_order=6,
            method=AssessmentItem.Method.SURVEY,
        ),
    }
    CategoryLink.objects.create(campaign=campaign, category=category, item=items["garbage"], action_line=line)
    CategoryLink.objects.create(campaign=campaign, category=unit_category, item=items["road"], action_line=order)
    return items
