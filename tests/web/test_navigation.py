"""Every role's menu holds the pages it may open, and every page in it opens."""

import pytest

from web.navigation import for_user

PERSONAS = [
    "leader",
    "inspector",
    "street_discipline",
    "street_staff",
    "community_worker",
    "grid_worker",
    "supervisor",
    "unit_staff",
    "volunteer",
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_in_a_menu_opens_for_its_person(client, request, geo, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    menu = for_user(user)
    assert menu, persona
    for item in menu:
        assert client.get(item["url"]).status_code == 200, (persona, item["url"])


@pytest.mark.parametrize(
    ("persona", "urls"),
    [
        ("community_worker", {"/findings/", "/findings/new/", "/map/"}),
        ("unit_staff", {"/findings/", "/map/"}),
        ("inspector", {"/findings/", "/findings/new/", "/map/", "/oversight/", "/oversight/cases/"}),
        ("volunteer", {"/volunteers/"}),
    ],
)
def test_a_menu_holds_the_pages_of_the_role(request, geo, persona, urls):
    menu = {item["url"] for item in for_user(request.getfixturevalue(persona))}
    assert urls <= menu


def test_the_page_being_shown_is_marked_current(client, geo, street_staff):
    client.force_login(street_staff)
    html = client.get("/map/").content.decode()
    assert '<a href="/map/" aria-current="page">' in html
    assert '<a href="/findings/">' in html


def test_a_person_without_a_role_and_a_visitor_have_no_menu(client, stranger, db):
    assert for_user(stranger) == []
    assert 'class="mainnav' not in client.get("/accounts/login/").content.decode()
