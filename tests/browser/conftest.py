"""Browser tests: Playwright's sync API drives headless Chromium against ``live_server``.

Chromium comes from the system (Debian's ``chromium`` package), never from
``playwright install``: ``CHROMIUM_PATH`` names it, else ``/usr/bin/chromium``, else
``chromium`` on ``PATH``. Without it every test here is skipped with a reason that says how
to get it.
"""

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

BROWSER_TESTS_DIR = Path(__file__).resolve().parent
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_MISSING = "Chromium not found: apt-get install chromium (or set CHROMIUM_PATH)"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def pytest_collection_modifyitems(items):
    # This hook sees the whole session's items, so mark only those under this folder.
    for item in items:
        if item.path.is_relative_to(BROWSER_TESTS_DIR):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item, so the page fixtures can tell a failed test.
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def chromium_executable() -> str | None:
    """The Chromium to drive; an explicit ``CHROMIUM_PATH`` is used as given, with no fallback."""
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    if os.access(DEFAULT_CHROMIUM, os.X_OK):
        return DEFAULT_CHROMIUM
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    executable = chromium_executable()
    if executable is None:
        pytest.skip(CHROMIUM_MISSING)

    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread for as long as it is
    # started, and Django refuses ORM calls from a thread with a running loop. Fixtures and
    # tests here call the ORM on purpose, so lift the guard exactly while Playwright runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _open_page(browser, request, **context_options) -> Iterator:
    context = browser.new_context(locale="zh-CN", **context_options)
    page = context.new_page()
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        results = request.config.rootpath / "test-results"
        results.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.\-\[\]]", "_", request.node.name)
        page.screenshot(path=str(results / f"{name}.png"), full_page=True)
    context.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser context (no cookies) in Chinese, at a desktop size."""
    yield from _open_page(browser, request)


@pytest.fixture
def phone_page(browser, request):
    """A fresh browser context in Chinese, the size of a phone, with touch."""
    yield from _open_page(browser, request, **PHONE)


@pytest.fixture
def login() -> Callable:
    """``login(page, live_server, username, password)``: log in through the login page."""

    def _login(page, live_server, username: str, password: str) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(password)
        with page.expect_navigation():
            page.locator("form:has(input[name=password]) button[type=submit]").click()

    return _login
