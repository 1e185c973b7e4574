"""The life circle's pages: scope, editing, lacks made into wishes and findings, the public page."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from inspections.models import Category, Finding
from neighbourhood.models import Kind, LackAction, PointOfInterest
from tests.factories import person
from tests.neighbourhood.conftest import at, point
from volunteers.models import Wish


def client_for(client, user):
    client.force_login(user)
    return client


def form(kind=Kind.BANK, name="工商银行", east=200, north=0, **extra):
    lat, lng = at(east, north)
    return {"kind": kind, "name": name, "address": "", "hours": "", "lat": lat, "lng": lng, **extra}


@pytest.fixture
def gap_category(db):
    return Category.objects.create(code="broken-facility", name="设施损坏", deadline_hours=48)


# --- who sees and edits what ----------------------------------------------------------------


def test_a_community_worker_sees_the_page_of_their_community(client, community_worker, community, centre):
    response = client_for(client, community_worker).get(reverse("neighbourhood:community", args=[community.code]))
    assert response.status_code == 200
    assert "乐山小区社区服务中心" in response.content.decode()
    assert reverse("neighbourhood:point_new", args=[community.code]) in response.content.decode()


def test_a_community_worker_gets_404_for_another_community(client, other_community_worker, community, centre):
    client = client_for(client, other_community_worker)
    assert client.get(reverse("neighbourhood:community", args=[community.code])).status_code == 404
    assert client.get(reverse("neighbourhood:point_new", args=[community.code])).status_code == 404
    assert client.get(reverse("neighbourhood:point_edit", args=[centre.pk])).status_code == 404
    response = client.post(reverse("neighbourhood:point_edit", args=[centre.pk]), form(name="改名"))
    assert response.status_code == 404
    assert client.post(reverse("neighbourhood:point_delete", args=[centre.pk])).status_code == 404
    assert client.post(reverse("neighbourhood:lack_wish", args=[community.code, Kind.BANK])).status_code == 404
    centre.refresh_from_db()
    assert centre.name == "乐山小区社区服务中心"


def test_other_street_staff_gets_404(client, other_street_staff, community):
    response = client_for(client, other_street_staff).get(reverse("neighbourhood:community", args=[community.code]))
    assert response.status_code == 404


def test_a_volunteer_gets_403(client, volunteer, community):
    response = client_for(client, volunteer).get(reverse("neighbourhood:community", args=[community.code]))
    assert response.status_code == 403


def test_logged_out_staff_pages_send_to_the_login(client, community):
    response = client.get(reverse("neighbourhood:community", args=[community.code]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_community_worker_adds_a_point(client, community_worker, community):
    response = client_for(client, community_worker).post(
        reverse("neighbourhood:point_new", args=[community.code]), form()
    )
    assert response.status_code == 302
    bank = PointOfInterest.objects.get()
    assert (bank.community, bank.kind, bank.name, bank.updated_by) == (
        community,
        Kind.BANK,
        "工商银行",
        community_worker,
    )


def test_street_staff_edit_the_points_of_their_street(client, street_staff, community, centre):
    url = reverse("neighbourhood:point_edit", args=[centre.pk])
    response = client_for(client, street_staff).post(url, form(kind=Kind.SERVICE_CENTRE, name="新中心", east=0))
    assert response.status_code == 302
    centre.refresh_from_db()
    assert centre.name == "新中心"


def test_a_leader_reads_but_may_not_edit(client, leader, community, centre):
    client = client_for(client, leader)
    page = client.get(reverse("neighbourhood:community", args=[community.code])).content.decode()
    assert reverse("neighbourhood:point_new", args=[community.code]) not in page
    assert client.post(reverse("neighbourhood:point_new", args=[community.code]), form()).status_code == 403
    assert client.post(reverse("neighbourhood:point_delete", args=[centre.pk])).status_code == 403
    assert PointOfInterest.objects.count() == 1


def test_bad_input_is_a_form_error_and_changes_nothing(client, community_worker, community):
    client = client_for(client, community_worker)
    url = reverse("neighbourhood:point_new", args=[community.code])
    assert client.post(url, form(name="")).status_code == 400
    assert client.post(url, form(lat="北纬")).status_code == 400
    assert client.post(url, form(north=5000)).status_code == 400
    assert not PointOfInterest.objects.exists()


def test_a_point_far_outside_the_community_is_refused_on_its_field(client, community_worker, community):
    response = client_for(client, community_worker).post(
        reverse("neighbourhood:point_new", args=[community.code]), form(north=5000)
    )
    assert response.status_code == 400
    assert response.context["form"].errors["lat"]


def test_the_index_lists_the_scope_in_a_fixed_number_of_queries(
    client, street_staff, community, centre, geo, django_assert_num_queries
):
    point(geo.sibling_community, Kind.SCHOOL, "小学")
    client = client_for(client, street_staff)
    client.get(reverse("neighbourhood:index"))  # the session and the user, once
    # session, user, memberships, communities, radii, points; and the unread notifications.
    with django_assert_num_queries(7):
        response = client.get(reverse("neighbourhood:index"))
    page = response.content.decode()
    assert geo.community.name in page and geo.sibling_community.name in page
    assert geo.other_community.name not in page


def test_the_community_page_costs_a_fixed_number_of_queries(
    client, community_worker, community, centre, django_assert_num_queries
):
    for n in range(5):
        point(community, Kind.CLINIC, f"药店{n}", east=100 * n)
    client = client_for(client, community_worker)
    client.get(reverse("neighbourhood:community", args=[community.code]))
    with django_assert_num_queries(7):
        client.get(reverse("neighbourhood:community", args=[community.code]))


def test_the_poster_carries_the_public_address(client, community_worker, community, centre, settings):
    settings.SITE_URL = "https://cc.example.gov.cn"
    page = client_for(client, community_worker).get(reverse("neighbourhood:poster", args=[community.code]))
    assert page.status_code == 200
    assert f"https://cc.example.gov.cn/circle/{community.code}/" in page.content.decode()
    assert "<svg" in page.content.decode()


# --- lacks into micro-wishes and findings ---------------------------------------------------


def test_a_lack_becomes_the_communitys_micro_wish_linked_back(client, community_worker, community, centre):
    client = client_for(client, community_worker)
    response = client.post(reverse("neighbourhood:lack_wish", args=[community.code, Kind.BANK]))
    wish = Wish.objects.get()
    assert response.status_code == 302 and response.url == reverse("volunteers:wish", args=[wish.pk])
    assert (wish.community, wish.status, wish.recorded_by) == (community, Wish.Status.RECORDED, community_worker)
    assert "1000" in wish.description and "银行" in wish.description
    assert LackAction.objects.get().wish == wish
    page = client.get(reverse("neighbourhood:community", args=[community.code])).content.decode()
    assert reverse("volunteers:wish", args=[wish.pk]) in page


def test_the_same_lack_is_not_wished_twice_while_the_wish_is_open(client, community_worker, community, centre):
    client = client_for(client, community_worker)
    client.post(reverse("neighbourhood:lack_wish", args=[community.code, Kind.BANK]))
    client.post(reverse("neighbourhood:lack_wish", args=[community.code, Kind.BANK]))
    assert Wish.objects.count() == 1


def test_what_is_not_lacking_does_not_become_a_wish(client, community_worker, community, centre):
    point(community, Kind.BANK, "银行", east=100)
    client_for(client, community_worker).post(reverse("neighbourhood:lack_wish", args=[community.code, Kind.BANK]))
    assert not Wish.objects.exists()


def test_street_staff_may_not_record_a_wish(client, street_staff, community, centre):
    response = client_for(client, street_staff).post(
        reverse("neighbourhood:lack_wish", args=[community.code, Kind.BANK])
    )
    assert response.status_code == 403
    assert not Wish.objects.exists()


def test_a_lack_becomes_a_finding_at_the_service_centre(client, community_worker, community, centre, gap_category, geo):
    client = client_for(client, community_worker)
    url = reverse("neighbourhood:lack_finding", args=[community.code, Kind.CLINIC])
    assert client.get(url).context["form"]["category"].initial == gap_category.pk
    response = client.post(url, {"category": gap_category.pk})
    finding = Finding.objects.get()
    assert response.status_code == 302 and response.url == reverse("inspections:detail", args=[finding.code])
    assert (finding.lat, finding.lng) == (centre.lat, centre.lng)
    assert (finding.category, finding.grid_cell, finding.community) == (gap_category, geo.cell, community)
    assert finding.status == Finding.Status.DISPATCHED
    assert (finding.source, finding.reporter) == (Finding.Source.SELF_INSPECTION, community_worker)
    assert LackAction.objects.get().finding == finding
    page = client.get(reverse("neighbourhood:community", args=[community.code])).content.decode()
    assert finding.code in page


def test_without_a_centre_the_finding_is_placed_inside_the_community(client, street_staff, community, gap_category):
    url = reverse("neighbourhood:lack_finding", args=[community.code, Kind.SERVICE_CENTRE])
    client_for(client, street_staff).post(url, {"category": gap_category.pk})
    finding = Finding.objects.get()
    assert finding.community == community and finding.lat is not None


def test_a_leader_may_not_make_a_finding_of_a_lack(client, leader, community, centre, gap_category):
    url = reverse("neighbourhood:lack_finding", args=[community.code, Kind.CLINIC])
    assert client_for(client, leader).post(url, {"category": gap_category.pk}).status_code == 403
    assert not Finding.objects.exists()


def test_an_unknown_kind_is_404(client, community_worker, community):
    url = reverse("neighbourhood:lack_finding", args=[community.code, "casino"])
    assert client_for(client, community_worker).get(url).status_code == 404


# --- the residents' page --------------------------------------------------------------------


def test_the_public_page_works_logged_out_and_shows_nothing_else_of_the_portal(client, community, centre):
    point(community, Kind.CLINIC, "乐山药店", east=300, hours="24小时")
    response = client.get(reverse("neighbourhood:public", args=[community.code]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "乐山药店" in page and "24小时" in page and 'id="circle-map-data"' in page
    for portal in (
        "/findings/",
        "/neighbourhood/",
        "/accounts/",
        "/dashboard/",
        "mainnav",
        "/admin/",
        "csrfmiddleware",
    ):
        assert portal not in page
    assert "public" in response["Cache-Control"]


def test_the_public_page_shows_no_staff_links_to_a_logged_in_worker(client, community_worker, community, centre):
    page = client_for(client, community_worker).get(reverse("neighbourhood:public", args=[community.code]))
    assert "/neighbourhood/" not in page.content.decode() and "mainnav" not in page.content.decode()


def test_the_public_page_is_404_for_an_unknown_code(client, db):
    assert client.get(reverse("neighbourhood:public", args=["999999999999"])).status_code == 404


def test_the_public_page_is_cached_and_forgotten_on_an_edit(
    client, community_worker, community, centre, django_assert_num_queries
):
    url = reverse("neighbourhood:public", args=[community.code])
    client.get(url)
    with django_assert_num_queries(0):
        assert "乐山小区社区服务中心" in client.get(url).content.decode()
    worker = client_for(type(client)(), community_worker)
    worker.post(
        reverse("neighbourhood:point_edit", args=[centre.pk]), form(kind=Kind.SERVICE_CENTRE, name="新中心", east=0)
    )
    assert "新中心" in client.get(url).content.decode()


def test_the_menu_offers_the_circle_to_community_workers(client, community_worker):
    page = client_for(client, community_worker).get(reverse("neighbourhood:index")).content.decode()
    assert f'href="{reverse("neighbourhood:index")}"' in page


def test_a_person_without_a_circle_role_has_no_menu_entry_and_gets_403(client, unit_staff):
    client = client_for(client, unit_staff)
    assert client.get(reverse("neighbourhood:index")).status_code == 403


@pytest.mark.parametrize("role", [Role.STREET_LEADER, Role.COMMUNITY_LEADER])
def test_the_leaders_of_every_level_read(client, community, role):
    scope = community.street if role == Role.STREET_LEADER else community
    user = person(role, scope, username=f"l-{role}")
    assert client_for(client, user).get(reverse("neighbourhood:community", args=[community.code])).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/circle/%00/",
        "/circle/37010300100%E4/",
        "/neighbourhood/%00/",
        "/neighbourhood/370103001001/lacks/%00/finding/",
        "/neighbourhood/points/99999999999999999999/",
    ],
)
def test_bad_addresses_are_404_never_a_server_error(client, community_worker, community, url):
    assert client_for(client, community_worker).get(url).status_code == 404


def test_a_name_with_a_nul_character_is_a_form_error(client, community_worker, community):
    url = reverse("neighbourhood:point_new", args=[community.code])
    assert client_for(client, community_worker).post(url, form(name="a\x00b")).status_code == 400
    assert not PointOfInterest.objects.exists()


# --- the API --------------------------------------------------------------------------------


def api_url(code: str) -> str:
    return f"/api/v1/communities/{code}/circle/"


def test_the_api_gives_the_circle_of_a_community_in_scope(client, street_staff, community, centre):
    point(community, Kind.CLINIC, "药店", east=400)
    body = client_for(client, street_staff).get(api_url(community.code)).json()
    assert (body["community"], body["radius_m"], body["centre"]["name"]) == (community.code, 1000, centre.name)
    assert Kind.CLINIC not in body["lacks"] and Kind.BANK in body["lacks"]
    clinic = next(k for k in body["kinds"] if k["kind"] == Kind.CLINIC)
    assert (clinic["within"], round(clinic["nearest_m"])) == (1, 400)
    assert [p["name"] for p in body["points"]] == ["药店", centre.name]


def test_the_api_is_404_out_of_scope_and_for_a_bad_code(client, other_street_staff, community):
    client = client_for(client, other_street_staff)
    assert client.get(api_url(community.code)).status_code == 404
    assert client.get(api_url("%00")).status_code == 404


def test_the_api_is_403_for_another_role(client, unit_staff, community):
    assert client_for(client, unit_staff).get(api_url(community.code)).status_code == 403


def test_the_api_costs_a_fixed_number_of_queries(
    client, community_worker, community, centre, django_assert_num_queries
):
    for n in range(5):
        point(community, Kind.BANK, f"银行{n}", east=50 * n)
    client = client_for(client, community_worker)
    client.get(api_url(community.code))
    # session, user, memberships, the community (with its radius), its points.
    with django_assert_num_queries(5):
        assert client.get(api_url(community.code)).status_code == 200


# --- the import page ------------------------------------------------------------------------


def _upload(features) -> SimpleUploadedFile:
    body = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    return SimpleUploadedFile("points.geojson", body, content_type="application/geo+json")


def _feature(kind, name, east=0, north=0):
    lat, lng = at(east, north)
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lng, lat]},
        "properties": {"kind": kind, "name": name},
    }


def test_the_import_page_lists_every_refusal_and_writes_nothing(client, community_worker, community):
    url = reverse("neighbourhood:import", args=[community.code])
    response = client_for(client, community_worker).post(
        url, {"file": _upload([_feature("银行", "好银行"), _feature("赌场", "坏点")])}
    )
    assert response.status_code == 400
    assert len(response.context["errors"]) == 1 and "赌场" in response.context["errors"][0]
    assert not PointOfInterest.objects.exists()


def test_the_import_page_writes_a_good_file_and_returns_to_the_circle(client, street_staff, community):
    url = reverse("neighbourhood:import", args=[community.code])
    response = client_for(client, street_staff).post(
        url, {"file": _upload([_feature("社区服务中心", "中心"), _feature("school", "小学", east=300)])}
    )
    assert response.status_code == 302 and response.url == reverse("neighbourhood:community", args=[community.code])
    assert sorted(PointOfInterest.objects.values_list("name", flat=True)) == ["中心", "小学"]


def test_a_leader_may_not_import(client, leader, community):
    url = reverse("neighbourhood:import", args=[community.code])
    assert client_for(client, leader).post(url, {"file": _upload([_feature("银行", "银行")])}).status_code == 403
    assert not PointOfInterest.objects.exists()


def test_the_excel_template_imports_as_it_is(client, community_worker, community):
    client = client_for(client, community_worker)
    sheet = client.get(reverse("neighbourhood:import_template", args=[community.code]))
    assert sheet.status_code == 200 and sheet["Content-Type"].startswith("application/vnd.openxmlformats")
    # Its example row lies inside the test community, so the sheet imports as it is.
    response = client.post(
        reverse("neighbourhood:import", args=[community.code]),
        {"file": SimpleUploadedFile("t.xlsx", sheet.content)},
    )
    assert response.status_code == 302
    assert list(PointOfInterest.objects.values_list("kind", "name")) == [(Kind.CLINIC, "示例药店")]


def test_the_index_exports_each_communitys_reach_and_lacks_to_excel(client, street_staff, community, centre, geo):
    import io

    from openpyxl import load_workbook

    point(community, Kind.CLINIC, "社区卫生服务站", east=300)
    point(community, Kind.BANK, "远处的银行", east=2500)  # out of reach
    point(geo.sibling_community, Kind.SCHOOL, "小学")  # no centre there
    page = client_for(client, street_staff).get(reverse("neighbourhood:index")).content.decode()
    assert reverse("neighbourhood:export") in page
    response = client.get(reverse("neighbourhood:export"))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    header, table = rows[1], {row[0]: row for row in rows[2:]}
    assert set(table) == {geo.community.code, geo.sibling_community.code}  # the street's, not the other street's
    own = dict(zip(header, table[geo.community.code], strict=True))
    assert (own["服务中心名称"], own["步行范围（米）"], own["点位"]) == ("乐山小区社区服务中心", 1000, 3)
    assert own["诊所药店"] == 1 and own["银行"] == 0
    assert "银行" in own["范围内缺项"] and "诊所药店" not in own["范围内缺项"]
    sibling = dict(zip(header, table[geo.sibling_community.code], strict=True))
    assert sibling["范围内缺项"] == "无社区服务中心" and sibling["学校"] is None


def test_the_export_is_for_the_life_circles_readers_only(client, volunteer):
    client.force_login(volunteer)
    assert client.get(reverse("neighbourhood:export")).status_code == 403
