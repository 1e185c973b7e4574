"""The portal's own error pages: Chinese, in the portal's layout, with a way back; never Django's."""

import pytest
from django.test import Client

from tests.factories import FindingFactory


def chinese(user=None, **options) -> Client:
    client = Client(headers={"accept-language": "zh-hans"}, **options)
    if user is not None:
        client.force_login(user)
    return client


def test_an_out_of_scope_finding_is_the_chinese_404_page(geo, category, other_street_staff):
    finding = FindingFactory(grid_cell=geo.cell, category=category)
    response = chinese(other_street_staff).get(f"/findings/{finding.code}/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in html and "该地址没有内容，或不在您的管辖范围内。" in html
    # In the layout, with the person's menu and two ways back.
    assert 'class="mainnav' in html and 'href="javascript:history.back()"' in html and 'href="/"' in html
    # Nothing of the URL patterns or the model is shown.
    assert "urlpatterns" not in html and "Finding" not in html and "No such finding" not in html


def test_an_unknown_address_is_the_chinese_404_page_for_a_visitor_too(db):
    response = chinese().get("/no-such-page/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()


def test_a_wrong_role_is_the_chinese_403_page_with_the_reason(geo, community_worker):
    response = chinese(community_worker).get("/oversight/")
    html = response.content.decode()
    assert response.status_code == 403 and "无权操作" in html and "纪检监察机关" in html


def test_a_request_for_another_host_is_the_chinese_400_page(db):
    response = chinese().get("/accounts/login/", headers={"host": "evil.example"})
    assert response.status_code == 400 and "请求有误" in response.content.decode()


def test_a_server_error_is_the_chinese_500_page_without_details(geo, street_staff, monkeypatch):
    from inspections import views

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(views.selectors, "finding_filter", broken)
    response = chinese(street_staff, raise_request_exception=False).get("/findings/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "出错了" in html and "secret internals" not in html and "Traceback" not in html


@pytest.mark.parametrize("status", [400, 403, 404])
def test_every_error_page_names_its_status(status, db, rf):
    from web import pages

    request = rf.get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    handler = {400: pages.bad_request, 403: pages.permission_denied, 404: pages.page_not_found}[status]
    response = handler(request, None)
    assert response.status_code == status and f'data-status="{status}"' in response.content.decode()


def test_a_refusal_a_page_did_not_catch_gets_its_own_page(geo, street_staff, monkeypatch):
    from inspections import views
    from web.errors import Conflict

    def refuse(*args, **kwargs):
        raise Conflict("这个问题刚被别人处理过了")

    monkeypatch.setattr(views.selectors, "finding_filter", refuse)
    response = chinese(street_staff).get("/findings/")
    assert response.status_code == 409 and "这个问题刚被别人处理过了" in response.content.decode()
