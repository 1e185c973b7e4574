"""``manage.py seed_demo``: the demo geography, its units and one login per role and scope."""

from io import StringIO
from itertools import combinations

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import Max, Min
from django.test import RequestFactory
from shapely import STRtree
from shapely.geometry import shape
from shapely.ops import unary_union

from accounts.models import Role, User
from districts import routing
from districts.models import Community, District, GridCell, Street, Unit

PASSWORD = "demo-pass-2020"

STREET_NAMES = [
    "大观园", "杆石桥", "四里村", "魏家庄", "二七新村", "七里山", "六里山", "舜玉路", "泺源",
    "王官庄", "舜耕", "白马山", "七贤", "十六里河", "兴隆", "党家", "陡沟",
]  # fmt: skip

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[list[list[str]], str]:
    """Run the command; its standard output as rows of tab-separated fields, and its standard error."""
    out, err = StringIO(), StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=err)
    return [line.split("\t") for line in out.getvalue().splitlines()], err.getvalue()


def seed(*args: str) -> list[list[str]]:
    return run(*args)[0]


def password_of(err: str) -> str:
    (line,) = [line for line in err.splitlines() if line.startswith("password: ")]
    return line.removeprefix("password: ")


@pytest.fixture
def printed():
    return seed("--password", PASSWORD)


@pytest.fixture(autouse=True)
def _fresh_index():
    routing.reset()
    yield
    routing.reset()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def log_in(username: str, password: str) -> User | None:
    # django-axes, the first authentication backend, needs a request.
    return authenticate(request=RequestFactory().post("/accounts/login/"), username=username, password=password)


def test_the_district_is_shizhong_with_its_centre(printed):
    district = District.objects.get()
    assert (district.code, district.name) == ("370103", "市中区")
    assert district.center_lat == pytest.approx(36.651) and district.center_lng == pytest.approx(116.992)
    assert shape(district.boundary).covers(shape(Street.objects.get(name="杆石桥街道").boundary))


def test_the_district_has_its_seventeen_real_streets(printed):
    streets = Street.objects.filter(district__code="370103")
    assert sorted(streets.values_list("name", flat=True)) == sorted(f"{name}街道" for name in STREET_NAMES)
    assert sorted(streets.values_list("code", flat=True)) == [f"370103{n:03d}" for n in range(1, 18)]


@pytest.mark.parametrize(
    ("community", "street"),
    [
        ("建新社区", "二七新村街道"),
        ("舜华社区", "舜耕街道"),
        ("乐山小区社区", "杆石桥街道"),
        ("启明里社区", "杆石桥街道"),
    ],
)
def test_the_seed_communities_lie_under_their_streets(printed, community, street):
    found = Community.objects.select_related("street").get(name=community)
    assert found.street.name == street
    # A community's code is its street's code and three more digits.
    assert found.code[:9] == found.street.code and len(found.code) == 12


def test_every_street_has_communities_and_every_community_has_cells(printed):
    assert not Street.objects.filter(communities__isnull=True).exists()
    assert not Community.objects.filter(grid_cells__isnull=True).exists()
    for cell in GridCell.objects.select_related("community"):
        assert cell.code[:12] == cell.community.code and len(cell.code) == 15
        assert cell.name.startswith(cell.community.name) and cell.name.endswith("网格")


def test_grid_cells_tile_each_community_without_gaps(printed):
    for community in Community.objects.prefetch_related("grid_cells"):
        area = shape(community.boundary)
        cells = [shape(cell.boundary) for cell in community.grid_cells.all()]
        assert len(cells) in (4, 6)
        assert unary_union(cells).symmetric_difference(area).area < 1e-9, community.name
        assert sum(cell.area for cell in cells) == pytest.approx(area.area, abs=1e-9)


def test_grid_cells_of_a_community_do_not_overlap(printed):
    for community in Community.objects.prefetch_related("grid_cells"):
        cells = [shape(cell.boundary) for cell in community.grid_cells.all()]
        for a, b in combinations(cells, 2):
            assert a.intersection(b).area == 0, community.name


def test_no_two_grid_cells_of_the_district_overlap(printed):
    cells = [shape(boundary) for boundary in GridCell.objects.values_list("boundary", flat=True)]
    tree = STRtree(cells)
    for i, cell in enumerate(cells):
        for j in tree.query(cell):
            if i != j:
                assert cell.intersection(cells[j]).area == 0


def test_communities_tile_their_street(printed):
    for street in Street.objects.prefetch_related("communities"):
        parts = [shape(c.boundary) for c in street.communities.all()]
        assert unary_union(parts).symmetric_difference(shape(street.boundary)).area < 1e-9, street.name


def test_cells_lie_around_the_district_centre_in_lng_lat_order(printed):
    box = GridCell.objects.aggregate(
        west=Min("min_lng"), south=Min("min_lat"), east=Max("max_lng"), north=Max("max_lat")
    )
    # GeoJSON puts longitude first: Jinan lies near 117°E, 36.6°N.
    lng, lat = GridCell.objects.first().boundary["coordinates"][0][0]
    assert 116.8 < lng < 117.2 and 36.5 < lat < 36.8
    assert 116.8 < box["west"] < box["east"] < 117.2 and 36.5 < box["south"] < box["north"] < 36.8


def test_every_cell_has_its_bounding_box_columns(printed):
    for cell in GridCell.objects.all():
        west, south, east, north = shape(cell.boundary).bounds
        assert (cell.min_lng, cell.min_lat, cell.max_lng, cell.max_lat) == (west, south, east, north)


def test_a_point_inside_a_known_cell_routes_to_it(printed):
    cell = GridCell.objects.get(name="启明里社区第1网格")
    inside = shape(cell.boundary).centroid
    assert routing.locate(lat=inside.y, lng=inside.x) == cell


def test_the_seed_units_exist(printed):
    names = set(Unit.objects.values_list("name", flat=True))
    assert {"区纪委监委", "区城管局", "区机关事务服务中心", "区市场监管局", "区住建局", "区文明办"} <= names
    assert Unit.objects.get(name="区纪委监委").kind == Unit.Kind.DISCIPLINE
    committee = Unit.objects.get(code="JGW-370103002")
    assert (committee.name, committee.kind, committee.street.name) == ("杆石桥街道纪工委", "discipline", "杆石桥街道")
    assert Unit.objects.filter(kind=Unit.Kind.DISCIPLINE, street__isnull=False).count() == 17


def test_running_it_twice_creates_and_changes_nothing(printed):
    counts = row_counts()
    touched = {m: m.objects.aggregate(at=Max("updated_at"))["at"] for m in (District, Street, Community, GridCell)}
    units = list(Unit.objects.values())
    memberships = list(apps.get_model("accounts", "Membership").objects.values())

    again = seed("--password", PASSWORD)

    assert row_counts() == counts
    # No area was saved again (that would also make every process rebuild its routing index).
    assert {m: m.objects.aggregate(at=Max("updated_at"))["at"] for m in touched} == touched
    assert list(Unit.objects.values()) == units
    assert list(apps.get_model("accounts", "Membership").objects.values()) == memberships
    assert again == printed


def test_the_output_is_one_tab_separated_line_per_account_and_nothing_else(printed):
    accounts = printed
    assert all(len(fields) == 3 for fields in accounts)
    # 70 logins of the roles and scopes, and 44 volunteers printed with the community they registered with.
    assert len({username for username, _, _ in accounts}) == len(accounts) == 70 + 44
    # Every role has at least one demo login.
    assert {role for _, role, _ in accounts} == set(Role.values)


def test_each_printed_account_holds_exactly_the_printed_role_and_scope(printed):
    for username, role, scope_code in printed:
        user = User.objects.get(username=username)
        [membership] = user.memberships.all()
        assert membership.role == role
        if role == Role.VOLUNTEER and scope_code != "-":
            # A volunteer is held in no place; the code printed is the community they registered with.
            assert membership.scope is None
            assert user.volunteer.registrations.get(status="approved").community.code == scope_code
            continue
        assert (membership.scope.code if membership.scope else "-") == scope_code
        assert user.real_name and user.phone.startswith("1380531")


def test_every_printed_account_logs_in_with_the_given_password(printed):
    for username, _, _ in printed:
        assert log_in(username, PASSWORD) is not None, username
    assert log_in("leader", "wrong-password") is None


def test_a_printed_account_logs_in_through_the_login_page(client, printed):
    response = client.post("/accounts/login/", {"username": "street-ganshiqiao", "password": PASSWORD})
    assert response.status_code == 302
    assert not response.url.startswith("/accounts/login/")
    assert int(client.session["_auth_user_id"]) == User.objects.get(username="street-ganshiqiao").pk


def test_without_a_password_a_random_one_is_told_on_stderr_and_works(db):
    password = password_of(run()[1])
    assert len(password) >= 16
    assert log_in("inspector", password) is not None
    # Another run gives every demo user a new password; the old one stops working.
    second = password_of(run()[1])
    assert second != password
    assert log_in("inspector", second) is not None and log_in("inspector", password) is None


def test_a_given_password_replaces_the_previous_one(printed):
    seed("--password", "another-pass-99")
    assert log_in("volunteer", "another-pass-99") is not None
    assert log_in("volunteer", PASSWORD) is None


def test_an_empty_password_is_refused(db):
    with pytest.raises(CommandError):
        call_command("seed_demo", "--password", "", stdout=StringIO())
    assert not District.objects.exists()


def codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


def visible(username: str, model) -> set[str]:
    return codes(model.objects.visible_to(User.objects.get(username=username)))


def test_street_staff_sees_exactly_its_streets_communities(printed):
    assert visible("street-ganshiqiao", Community) == codes(Community.objects.filter(street__name="杆石桥街道"))
    assert visible("street-ganshiqiao", Street) == {"370103002"}


def test_street_discipline_officer_sees_only_its_street(printed):
    assert visible("discipline-shungeng", Street) == {"370103011"}
    assert visible("discipline-shungeng", GridCell) == codes(
        GridCell.objects.filter(community__street__name="舜耕街道")
    )


def test_community_worker_sees_only_its_communitys_cells(printed):
    qimingli = Community.objects.get(name="启明里社区")
    assert visible("community-qimingli", Community) == {qimingli.code}
    assert visible("community-qimingli", GridCell) == codes(qimingli.grid_cells.all())


def test_grid_worker_sees_only_its_cell(printed):
    assert visible("grid-jianxin", GridCell) == {Community.objects.get(name="建新社区").code + "001"}


def test_unit_staff_sees_its_unit_and_no_place(printed):
    assert visible("unit-jgsw", Unit) == {"JGSW"}
    assert visible("unit-jgsw", Community) == set()


@pytest.mark.parametrize("username", ["leader", "inspector", "supervisor"])
def test_district_roles_see_the_whole_district(printed, username):
    assert visible(username, Community) == codes(Community.objects.all())
    assert visible(username, GridCell) == codes(GridCell.objects.all())


def test_volunteer_sees_no_place(printed):
    assert visible("volunteer", Community) == set()
    assert visible("volunteer", Street) == set()
