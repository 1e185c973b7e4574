"""The volunteer service's test world, on the shared geography (``tests.conftest.geo``).

- 区城管局 (``geo.unit``, code CGJ) is registered with 乐山小区 (``geo.community``), and
  区机关事务服务中心 (``geo.other_unit``, JGSW) with 启明里 (``geo.sibling_community``);
- ``member``: a party member of CGJ with a login, serving in 乐山小区 through the unit;
- ``resident_member``: a party member of no unit, registered in person with 乐山小区;
- ``jgsw_staff``: unit staff of JGSW, which organises in 启明里; ``unit_staff`` is CGJ's.
"""

import pytest

from accounts.models import Role
from tests.factories import ActivityFactory, VolunteerFactory, person, registered, unit_registered


@pytest.fixture
def serving(geo):
    unit_registered(geo.unit, geo.community)
    unit_registered(geo.other_unit, geo.sibling_community)
    return geo


@pytest.fixture
def member(serving, volunteer):
    """The ``volunteer`` persona with a profile in CGJ (serving in 乐山小区)."""
    return VolunteerFactory(user=volunteer, name="张建华", unit=serving.unit, phone="13805310001")


@pytest.fixture
def resident_member(serving):
    user = person(Role.VOLUNTEER, None, username="resident")
    volunteer = VolunteerFactory(user=user, name="李秀英", phone="13805310002")
    registered(volunteer, serving.community)
    return volunteer


@pytest.fixture
def jgsw_staff(serving):
    return person(Role.UNIT_STAFF, serving.other_unit, username="jgsw_staff")


@pytest.fixture
def activity(serving, community_worker):
    return ActivityFactory(community=serving.community, organiser=community_worker)


@pytest.fixture
def other_activity(serving, other_community_worker):
    """An activity in a community of the other street (魏家庄社区)."""
    return ActivityFactory(community=serving.other_community, organiser=other_community_worker)
