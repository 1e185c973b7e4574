"""Durations read the same everywhere: two units at most, the larger first, rounded down."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from web.durations import duration


@pytest.mark.parametrize(
    ("value", "chinese", "english"),
    [
        (timedelta(days=58, hours=18, minutes=40), "58天18小时", "58 days 18 hours"),
        (timedelta(hours=3, minutes=20, seconds=59), "3小时20分", "3 hours 20 minutes"),
        (timedelta(hours=1), "1小时", "1 hour"),
        (timedelta(minutes=45), "45分钟", "45 minutes"),
        (timedelta(days=2), "2天", "2 days"),
        (timedelta(seconds=20), "不到1分钟", "less than a minute"),
        (-timedelta(hours=5), "5小时", "5 hours"),
        (Decimal("1410.6"), "58天18小时", "58 days 18 hours"),
    ],
)
def test_a_duration_is_said_in_two_units_at_most(value, chinese, english):
    with translation.override("zh-hans"):
        assert duration(value) == chinese
    with translation.override("en"):
        assert duration(value) == english


def test_the_template_filter_says_the_same():
    with translation.override("zh-hans"):
        rendered = Template("{% load durations %}{{ d|duration }}|{{ h|duration }}|{{ x|duration }}").render(
            Context({"d": timedelta(hours=3, minutes=20), "h": 30, "x": "not a duration"})
        )
    assert rendered == "3小时20分|1天6小时|"
