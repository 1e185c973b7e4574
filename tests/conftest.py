"""Shared fixtures: a small geography and one persona per role.

The geography: one district with two streets; the first street has two communities, the
first community two grid cells. ``other_*`` personas sit in the second street/community, so
every scope has a stranger who must see nothing of it.
"""

import os

import pytest
from django.db import connection

from accounts.models import Role
from districts import routing
from inspections.models import Category
from tests.factories import (
    CommunityFactory,
    DistrictFactory,
    GridCellFactory,
    StreetFactory,
    UnitFactory,
    person,
    square,
)

PASSWORD = "pass-1234-word"


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.core.cache import cache

    cache.clear()


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


requires_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql")),
    reason="needs PostgreSQL: set DATABASE_URL=postgres://... (CI does)",
)


@pytest.fixture
def geo(db):
    """The test geography, as a simple namespace."""
    from types import SimpleNamespace

    district = DistrictFactory(code="370103", name="市中区")
    street = StreetFactory(district=district, code="370103001", name="杆石桥街道")
    other_street = StreetFactory(district=district, code="370103002", name="魏家庄街道")
    community = CommunityFactory(street=street, code="370103001001", name="乐山小区社区")
    sibling_community = CommunityFactory(street=street, code="370103001002", name="启明里社区")
    other_community = CommunityFactory(street=other_street, code="370103002001", name="魏家庄社区")
    cell = GridCellFactory(
        community=community, code="370103001001001", name="乐山小区第一网格", boundary=square(116.990, 36.650)
    )
    sibling_cell = GridCellFactory(
        community=community, code="370103001001002", name="乐山小区第二网格", boundary=square(117.000, 36.650)
    )
    other_cell = GridCellFactory(
        community=other_community, code="370103002001001", name="魏家庄第一网格", boundary=square(116.980, 36.660)
    )
    unit = UnitFactory(district=district, code="CGJ", name="区城管局")
    other_unit = UnitFactory(district=district, code="JGSW", name="区机关事务服务中心", kind="organ")
    return SimpleNamespace(**locals())


@pytest.fixture
def leader(geo):
    return person(Role.LEADER, geo.district, username="leader")


@pytest.fixture
def inspector(geo):
    return person(Role.INSPECTOR, geo.district, username="inspector")


@pytest.fixture
def supervisor(geo):
    return person(Role.SUPERVISOR, geo.district, username="supervisor")


@pytest.fixture
def street_discipline(geo):
    return person(Role.STREET_DISCIPLINE, geo.street, username="street_discipline")


@pytest.fixture
def street_staff(geo):
    return person(Role.STREET_STAFF, geo.street, username="street_staff")


@pytest.fixture
def other_street_staff(geo):
    return person(Role.STREET_STAFF, geo.other_street, username="other_street_staff")


@pytest.fixture
def community_worker(geo):
    return person(Role.COMMUNITY_WORKER, geo.community, username="community_worker")


@pytest.fixture
def other_community_worker(geo):
    return person(Role.COMMUNITY_WORKER, geo.other_community, username="other_community_worker")


@pytest.fixture
def grid_worker(geo):
    return person(Role.GRID_WORKER, geo.cell, username="grid_worker")


@pytest.fixture
def unit_staff(geo):
    return person(Role.UNIT_STAFF, geo.unit, username="unit_staff")


@pytest.fixture
def volunteer(geo):
    return person(Role.VOLUNTEER, None, username="volunteer")


@pytest.fixture
def stranger(db):
    """A logged-in person with no role anywhere."""
    from tests.factories import UserFactory

    return UserFactory(username="stranger")


@pytest.fixture(autouse=True)
def _fresh_routing_index():
    routing.reset()
    yield
    routing.reset()


@pytest.fixture
def category(db):
    return Category.objects.create(code="exposed-garbage", name="暴露垃圾")


@pytest.fixture
def unit_category(geo):
    return Category.objects.create(
        code="road-occupation", name="占道经营", responsible=Category.Responsible.UNIT, unit=geo.unit
    )


@pytest.fixture
def other_district_unit(db):
    from tests.factories import UnitFactory

    return UnitFactory(code="ELSEWHERE")


@pytest.fixture
def street_leader(geo):
    return person(Role.STREET_LEADER, geo.street, username="street_leader")


@pytest.fixture
def community_leader(geo):
    return person(Role.COMMUNITY_LEADER, geo.community, username="community_leader")
