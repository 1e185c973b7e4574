"""The volunteer service's data (双报到): people and their registrations, activities, sign-ups and
attendance, the duty roster, micro-wishes and service record certificates."""

from volunteers.models.activities import Activity, Attendance, SignUp
from volunteers.models.people import Leave, Registration, Volunteer
from volunteers.models.records import Certificate
from volunteers.models.roster import DutyRule, SwapRequest
from volunteers.models.wishes import Wish, WishEvent, WishPhoto

__all__ = [
    "Activity",
    "Attendance",
    "Certificate",
    "DutyRule",
    "Leave",
    "Registration",
    "SignUp",
    "SwapRequest",
    "Volunteer",
    "Wish",
    "WishEvent",
    "WishPhoto",
]
