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


# --- findings ------------------------------------------------------------------------------

import io  # noqa: E402
from datetime import timedelta  # noqa: E402

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.utils import timezone  # noqa: E402
from PIL import Image  # noqa: E402

from inspections.models import Category, Finding  # noqa: E402


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = "exposed-garbage"
    name = "暴露垃圾"
    deadline_hours = 24
    ack_minutes = 60


class FindingFactory(factory.django.DjangoModelFactory):
    """A finding written directly (not through the workflow), placed in ``grid_cell``."""

    class Meta:
        model = Finding

    grid_cell = factory.SubFactory(GridCellFactory)
    community = factory.LazyAttribute(lambda o: o.grid_cell.community)
    street = factory.LazyAttribute(lambda o: o.grid_cell.community.street)
    district = factory.LazyAttribute(lambda o: o.grid_cell.community.street.district)
    category = factory.SubFactory(CategoryFactory)
    code = factory.Sequence(lambda n: f"370103-20261126-{n:04d}")
    source = Finding.Source.SUPERVISION
    description = "楼道堆放杂物"
    address = "杆石桥街道乐山小区3号楼"
    lat = 36.655
    lng = 116.995
    status = Finding.Status.DISPATCHED
    reported_at = factory.LazyFunction(timezone.now)
    dispatched_at = factory.LazyAttribute(lambda o: o.reported_at)
    deadline_at = factory.LazyAttribute(lambda o: o.reported_at + timedelta(hours=24))


def _rational(value: float) -> tuple:
    from fractions import Fraction

    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60 * 1000)
    return (Fraction(degrees), Fraction(minutes), Fraction(seconds, 1000))


def image_bytes(
    fmt: str = "JPEG", size=(64, 48), *, gps: tuple[float, float] | None = None, taken: str | None = None
) -> bytes:
    """A small real image, optionally with GPS (lat, lng) and DateTimeOriginal in its EXIF."""
    image = Image.new("RGB", size, (200, 40, 40))
    out = io.BytesIO()
    options = {}
    if gps or taken:
        exif = Image.Exif()
        if gps:
            lat, lng = gps
            exif.get_ifd(0x8825).update({1: "N", 2: _rational(lat), 3: "E", 4: _rational(lng)})
        if taken:
            exif.get_ifd(0x8769)[36867] = taken
        options["exif"] = exif
    image.save(out, format=fmt, **options)
    return out.getvalue()


def photo(name: str = "photo.jpg", **kwargs) -> SimpleUploadedFile:
    fmt = {"png": "PNG", "webp": "WEBP"}.get(name.rsplit(".", 1)[-1].lower(), "JPEG")
    return SimpleUploadedFile(name, image_bytes(fmt, **kwargs), content_type=f"image/{fmt.lower()}")


# --- volunteers ----------------------------------------------------------------------------

from volunteers.models import Activity, Registration, SignUp, Volunteer  # noqa: E402


class VolunteerFactory(factory.django.DjangoModelFactory):
    """A volunteer without a login; give ``user`` for one who signs up themself."""

    class Meta:
        model = Volunteer

    name = factory.Sequence(lambda n: f"志愿者{n}")
    phone = factory.Sequence(lambda n: f"1390531{n % 10000:04d}")
    is_party_member = True


def registered(volunteer: Volunteer, community, *, status=Registration.Status.APPROVED) -> Registration:
    """党员报到 of ``volunteer`` with ``community`` (approved unless told otherwise)."""
    return Registration.objects.create(
        kind=Registration.Kind.MEMBER,
        volunteer=volunteer,
        community=community,
        status=status,
        decided_at=None if status == Registration.Status.PENDING else timezone.now(),
    )


def unit_registered(unit, community, *, status=Registration.Status.APPROVED) -> Registration:
    """单位报到 of ``unit`` with ``community`` (approved unless told otherwise)."""
    return Registration.objects.create(
        kind=Registration.Kind.UNIT,
        unit=unit,
        community=community,
        status=status,
        decided_at=None if status == Registration.Status.PENDING else timezone.now(),
    )


class ActivityFactory(factory.django.DjangoModelFactory):
    """An activity tomorrow from 09:00 to 11:00 (give ``community``)."""

    class Meta:
        model = Activity

    title = factory.Sequence(lambda n: f"楼道清理{n}")
    kind = Activity.Kind.CLEANING
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    place = "社区服务中心门前"
    capacity = 8


class SignUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SignUp

    status = SignUp.Status.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)
