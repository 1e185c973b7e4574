"""The one visibility rule, for every role, on each scoped model of the foundation."""

import pytest
from django.db import IntegrityError

from accounts.models import Membership, Role
from districts.models import Community, District, GridCell, Street, Unit
from tests.factories import MembershipFactory, UserFactory, person


def codes(queryset):
    return sorted(queryset.values_list("code", flat=True))


@pytest.mark.parametrize("role_fixture", ["leader", "inspector", "supervisor"])
def test_district_roles_see_every_cell_of_their_district(request, geo, role_fixture):
    user = request.getfixturevalue(role_fixture)
    assert codes(GridCell.objects.visible_to(user)) == codes(GridCell.objects.all())
    assert codes(Street.objects.visible_to(user)) == ["370103001", "370103002"]


def test_district_roles_see_nothing_of_another_district(geo, leader):
    from tests.factories import GridCellFactory

    foreign = GridCellFactory()
    assert foreign.community.street.district != geo.district
    assert foreign not in GridCell.objects.visible_to(leader)


@pytest.mark.parametrize("role_fixture", ["street_staff", "street_discipline"])
def test_street_roles_see_only_their_street(request, geo, role_fixture):
    user = request.getfixturevalue(role_fixture)
    assert codes(GridCell.objects.visible_to(user)) == ["370103001001001", "370103001001002"]
    assert codes(Community.objects.visible_to(user)) == ["370103001001", "370103001002"]
    assert codes(Street.objects.visible_to(user)) == ["370103001"]


def test_other_street_staff_sees_none_of_the_first_street(geo, other_street_staff):
    assert codes(GridCell.objects.visible_to(other_street_staff)) == ["370103002001001"]


def test_community_worker_sees_only_their_community(geo, community_worker):
    assert codes(Community.objects.visible_to(community_worker)) == ["370103001001"]
    assert codes(GridCell.objects.visible_to(community_worker)) == ["370103001001001", "370103001001002"]
    # Their street and district are visible as the places they belong to, once each.
    assert codes(Street.objects.visible_to(community_worker)) == ["370103001"]
    assert codes(District.objects.visible_to(community_worker)) == ["370103"]


def test_grid_worker_sees_only_their_cells(geo, grid_worker):
    assert codes(GridCell.objects.visible_to(grid_worker)) == ["370103001001001"]
    assert codes(Community.objects.visible_to(grid_worker)) == ["370103001001"]


def test_grid_worker_with_two_cells_sees_both_and_no_duplicates(geo, grid_worker):
    MembershipFactory(user=grid_worker, role=Role.GRID_WORKER, grid_cell=geo.sibling_cell)
    grid_worker.refresh_from_db()
    assert codes(GridCell.objects.visible_to(grid_worker)) == ["370103001001001", "370103001001002"]
    assert codes(Community.objects.visible_to(grid_worker)) == ["370103001001"]


def test_unit_staff_sees_their_unit_and_no_geography(geo, unit_staff):
    assert codes(Unit.objects.visible_to(unit_staff)) == ["CGJ"]
    assert not GridCell.objects.visible_to(unit_staff).exists()


def test_volunteer_sees_no_geography_or_units(geo, volunteer):
    assert not GridCell.objects.visible_to(volunteer).exists()
    assert not Unit.objects.visible_to(volunteer).exists()


def test_person_without_role_sees_nothing(geo, stranger):
    assert not GridCell.objects.visible_to(stranger).exists()
    assert not District.objects.visible_to(stranger).exists()


def test_anonymous_user_sees_nothing(geo):
    from django.contrib.auth.models import AnonymousUser

    assert not GridCell.objects.visible_to(AnonymousUser()).exists()


def test_superuser_sees_everything(geo):
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert GridCell.objects.visible_to(admin).count() == GridCell.objects.count()


def test_several_roles_add_up(geo):
    user = person(Role.COMMUNITY_WORKER, geo.community)
    MembershipFactory(user=user, role=Role.STREET_STAFF, street=geo.other_street)
    assert codes(Community.objects.visible_to(user)) == ["370103001001", "370103002001"]


def test_street_unit_is_visible_to_its_street_and_not_the_next(geo, street_staff, other_street_staff):
    from tests.factories import UnitFactory

    committee = UnitFactory(district=geo.district, street=geo.street, code="JGW-001", kind="discipline")
    assert committee in Unit.objects.visible_to(street_staff)
    assert committee not in Unit.objects.visible_to(other_street_staff)


def test_visibility_reads_memberships_once(geo, street_staff, django_assert_num_queries):
    street_staff = type(street_staff).objects.get(pk=street_staff.pk)
    with django_assert_num_queries(1):  # the memberships
        street_staff.roles()
    with django_assert_num_queries(2):  # cached memberships, then the two lists
        list(GridCell.objects.visible_to(street_staff))
        list(Community.objects.visible_to(street_staff))


@pytest.mark.parametrize(
    ("role", "field"),
    [
        (Role.LEADER, "street"),
        (Role.STREET_STAFF, "district"),
        (Role.GRID_WORKER, "community"),
        (Role.VOLUNTEER, "unit"),
        (Role.UNIT_STAFF, "street"),
    ],
)
def test_database_refuses_a_scope_that_does_not_fit_the_role(geo, role, field):
    scope = {"street": geo.street, "district": geo.district, "community": geo.community, "unit": geo.unit}[field]
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=UserFactory(), role=role, **{field: scope})


def test_form_validation_names_the_missing_scope(geo):
    from django.core.exceptions import ValidationError

    membership = Membership(user=UserFactory(), role=Role.STREET_STAFF)
    with pytest.raises(ValidationError) as caught:
        membership.full_clean()
    assert "street" in caught.value.message_dict


@pytest.mark.parametrize(("role", "field"), [(Role.STREET_STAFF, "street"), (Role.VOLUNTEER, None)])
def test_the_same_role_in_the_same_scope_is_held_once(geo, role, field):
    user = UserFactory()
    scope = {field: geo.street} if field else {}
    Membership.objects.create(user=user, role=role, **scope)
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=user, role=role, **scope)


# --- one rule, three questions -----------------------------------------------------------


def _street_staff_and_community_worker(geo):
    """A person who is street staff of the second street and community worker in the first."""
    user = person(Role.STREET_STAFF, geo.other_street, username="two_hats")
    MembershipFactory(user=user, role=Role.COMMUNITY_WORKER, community=geo.community)
    return user


def test_visible_to_limited_to_some_roles_counts_only_those_memberships(geo):
    user = _street_staff_and_community_worker(geo)
    assert codes(Community.objects.visible_to(user)) == ["370103001001", "370103002001"]
    assert codes(Community.objects.visible_to(user, roles=[Role.STREET_STAFF])) == ["370103002001"]
    assert codes(Community.objects.visible_to(user, roles=[Role.COMMUNITY_WORKER])) == ["370103001001"]


def test_visible_to_for_a_role_the_person_does_not_hold_is_empty(geo, street_staff):
    assert not GridCell.objects.visible_to(street_staff, roles=[Role.INSPECTOR]).exists()


def test_visible_to_cannot_widen_a_models_own_roles(geo, street_staff, inspector):
    from oversight.models import AccountabilityCase

    # Cases are for the discipline roles alone, whatever roles a caller asks for.
    assert AccountabilityCase.objects.visible_to(street_staff, roles=[Role.STREET_STAFF]).query.is_empty()
    assert not AccountabilityCase.objects.visible_to(inspector, roles=[Role.INSPECTOR]).query.is_empty()


def test_holds_answers_from_the_same_paths_as_visible_to(geo):
    from accounts.visibility import holds

    user = _street_staff_and_community_worker(geo)
    for cell in GridCell.objects.select_related("community__street__district"):
        for role in (Role.STREET_STAFF, Role.COMMUNITY_WORKER, Role.LEADER):
            expected = GridCell.objects.visible_to(user, roles=[role]).filter(pk=cell.pk).exists()
            assert holds(user, role, cell) is expected, (cell.code, role)


def test_holds_is_false_for_anonymous_and_true_for_a_superuser(geo):
    from django.contrib.auth.models import AnonymousUser

    from accounts.visibility import holds

    admin = UserFactory(username="root", is_superuser=True)
    assert holds(admin, Role.GRID_WORKER, geo.cell)
    assert not holds(AnonymousUser(), Role.GRID_WORKER, geo.cell)


def test_people_and_holders_find_who_holds_a_role_over_a_scope(geo, street_staff, other_street_staff, grid_worker):
    from accounts.visibility import holders, people

    inactive = person(Role.STREET_STAFF, geo.street, username="left_the_job", is_active=False)
    found = people([(Role.STREET_STAFF, geo.street.pk), (Role.STREET_STAFF, geo.other_street.pk)])
    assert found[(Role.STREET_STAFF, geo.street.pk)] == [street_staff]
    assert found[(Role.STREET_STAFF, geo.other_street.pk)] == [other_street_staff]
    assert inactive not in found[(Role.STREET_STAFF, geo.street.pk)]
    assert holders(geo.cell, [Role.STREET_STAFF, Role.GRID_WORKER]) == [street_staff, grid_worker]
    assert holders(geo.sibling_cell, [Role.GRID_WORKER]) == []
