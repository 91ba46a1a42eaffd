"""The `browser` fixture of the real-browser tests (see tests/e2e/browser.py)."""

import pytest

from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="module")
def _allow_orm_beside_playwright_loop():
    """Sync Playwright runs an event loop in this thread; the ORM calls of the tests are still synchronous.
    Set only for the module using the browser, so no later test (or subprocess it starts) inherits it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser(_allow_orm_beside_playwright_loop):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
