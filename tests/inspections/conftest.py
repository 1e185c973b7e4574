import pytest

from districts import routing
from inspections.models import Category


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
