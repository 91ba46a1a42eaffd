"""The API docs in a real browser (see tests/e2e/browser.py): they render, and every request the page
makes goes to the shop itself, never to a CDN, a font service or a validator."""

import pytest

from tests.e2e.browser import BROWSER_MARKS, RESULTS

pytestmark = BROWSER_MARKS

PAGES = {
    "/api/v1/docs/": ".swagger-ui .info .title",
    "/api/v1/redoc/": "h1",
}


def visit(browser, live_server, path):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    requests, console = {}, []
    page.on("request", lambda request: requests.setdefault(request.url, "sent"))
    page.on("requestfailed", lambda request: requests.update({request.url: request.failure}))
    page.on("console", lambda message: console.append((message.type, message.text)))
    page.goto(path)
    page.wait_for_selector(f"{PAGES[path]}:has-text('shop API')")
    page.wait_for_load_state("networkidle")
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / f"docs-{path.strip('/').replace('/', '-')}.png"))
    context.close()
    return requests, console


@pytest.mark.parametrize("path", list(PAGES))
def test_docs_render_and_fetch_only_from_the_shop(browser, live_server, path):
    requests, console = visit(browser, live_server, path)
    assert f"{live_server.url}/api/v1/schema/" in {url.split("?")[0] for url in requests}
    outside = {url: outcome for url, outcome in requests.items() if not url.startswith((live_server.url, "blob:"))}
    # ReDoc's bundle asks for its logo on cdn.redoc.ly; the page's Content Security Policy stops it in the browser
    assert set(outside.values()) <= {"csp"}, outside
    errors = [text for kind, text in console if kind == "error"]
    assert [text for text in errors if "cdn.redoc.ly/redoc/logo-mini.svg" not in text] == []
