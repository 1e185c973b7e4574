"""``{% load campaign_numbers %}``: rates as percentages, changes as points, for the dashboard."""

from django import template

register = template.Library()


@register.filter
def percent(value) -> str:
    """0.8765 → "87.7%"; None → "—"."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.1f}%"


@register.filter
def points(value) -> str:
    """A change of a rate, 0.052 → "+5.2"; None → "—"."""
    if value is None:
        return "—"
    return f"{float(value) * 100:+.1f}"
