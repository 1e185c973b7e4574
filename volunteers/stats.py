"""Volunteer turnout for the leaders' dashboard: person-times (人次) and hours served.

The volunteer service fills this in from its attendance records; until then it counts nothing.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class Turnout:
    person_times: int
    hours: Decimal


def turnout(*, start: datetime, end: datetime, communities=None) -> Turnout:
    """Service in [start, end), in ``communities`` (None: everywhere); zero until attendance is recorded."""
    return Turnout(person_times=0, hours=Decimal("0"))
