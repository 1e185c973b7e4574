"""Logging in through the real login page, in a real browser, in Chinese."""

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.usefixtures("transactional_db")

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_community_worker_logs_in_to_findings_in_chinese(page, live_server, login, community_worker):
    login(page, live_server, "community_worker", PASSWORD)

    # accounts.workspaces sends the community_worker role to inspections:findings.
    expect(page).to_have_url(re.compile(r"/findings/$"))
    text = page.locator("body").inner_text()
    # The zh-hans catalogue may not be compiled yet: check data, not translated UI strings.
    assert CHINESE.search(text)
    assert "乐山小区社区" in page.locator("ul.roles").inner_text()
    expect(page.locator("form[action='/accounts/logout/'] button[type=submit]")).to_be_visible()


def test_wrong_password_shows_an_error_on_the_login_page(page, live_server, login, community_worker):
    login(page, live_server, "community_worker", "not-the-password")

    expect(page.get_by_role("alert")).to_be_visible()
    assert urlparse(page.url).path == "/accounts/login/"
