from django import template

from surveys.models import Measure

register = template.Library()
LABELS = dict(Measure.choices)


@register.filter
def measure(measures: dict, name: str):
    return measures[name]


@register.filter
def measure_label(name: str) -> str:
    return str(LABELS[name])


@register.filter
def percent(value) -> str:
    """0.6667 → 66.7%; no value → —."""
    return "—" if value is None else f"{value * 100:.1f}%"
