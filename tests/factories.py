"""Factories: a GridCellFactory builds its district → street → community on the way."""

import itertools

import factory

from accounts.models import Membership, Role, User
from districts.models import Community, District, GridCell, Street, Unit

_district_codes = itertools.count(370101)


def square(lng: float, lat: float, size: float = 0.01) -> dict:
    """A GeoJSON square polygon with its south-west corner at (lng, lat)."""
    return {
        "type": "Polygon",
        "coordinates": [[[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]],
    }


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{370000 + n % 1000:06d}")
    name = factory.Sequence(lambda n: f"区{n}")


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Street

    district = factory.SubFactory(DistrictFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.district.code}{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"街道{n}")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    street = factory.SubFactory(StreetFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.street.code}{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"社区{n}")


class GridCellFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GridCell

    community = factory.SubFactory(CommunityFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.community.code}{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"网格{n}")
    boundary = factory.Sequence(lambda n: square(116.90 + (n % 50) * 0.01, 36.60 + (n // 50) * 0.01))


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    district = factory.SubFactory(DistrictFactory)
    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"单位{n}")
    kind = Unit.Kind.DEPARTMENT


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    real_name = factory.Sequence(lambda n: f"张{n}")
    password = factory.PostGenerationMethodCall("set_password", "pass-1234-word")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.VOLUNTEER


def person(role: str, scope=None, **user_fields) -> User:
    """A user holding ``role`` in ``scope`` (a District, Street, Community, GridCell or Unit)."""
    user = UserFactory(**user_fields)
    field = {
        District: "district",
        Street: "street",
        Community: "community",
        GridCell: "grid_cell",
        Unit: "unit",
    }.get(type(scope))
    MembershipFactory(user=user, role=role, **({field: scope} if field else {}))
    return user
