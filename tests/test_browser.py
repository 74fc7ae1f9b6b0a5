"""What a reader sees in a real browser: headless Debian Chromium driven by Playwright.

The site is built with the real ``mkdocs build`` from a git repository made in tmp_path and served
over loopback by a ``http.server`` thread. Skipped only when /usr/bin/chromium is not installed
(``.ci/run`` installs it).
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from kennis.navigation import theme_features
from tests import sitekit
from tests.sitekit import REPO_URL, build, make_kb, mkdocs_yml

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,  # a real MkDocs build served to a real browser
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium"),
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("kb") / "repo"
    make_kb(root)
    built = build(root)
    assert built.returncode == 0, built.output
    handler = functools.partial(_QuietHandler, directory=str(built.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser) -> Iterator[object]:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    # Keep the test off the internet: anything not on loopback is refused.
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith("http://127.0.0.1") else route.abort()
        ),
    )
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()


def test_banner_is_visible_on_an_overdue_page(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "kitchen/closing/")
    banner = page.locator('[data-kennis-banner="overdue"]')
    assert banner.is_visible()
    assert "overdue for review" in banner.inner_text()
    box = page.locator(".kennis-pageinfo").bounding_box()
    assert banner.bounding_box()["y"] < box["y"]  # above the page info and the content
    assert page.locator('[data-kennis-state="overdue"]').is_visible()


def test_no_banner_on_a_fresh_page(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url)
    assert page.locator("[data-kennis-banner]").count() == 0
    assert page.locator('[data-kennis-state="fresh"]').is_visible()


def test_report_outdated_points_to_a_prefilled_issue(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "kitchen/fridge/")
    link = page.get_by_role("link", name="Report outdated")
    assert link.is_visible()
    url = urlsplit(link.get_attribute("href"))
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{REPO_URL}/issues/new"
    query = parse_qs(url.query)
    assert query["title"] == ["Outdated: Fridge temperatures"]
    assert query["labels"] == ["outdated"]
    assert "`content/kitchen/fridge.md`" in query["body"][0]
    assert "Owner: @bob" in query["body"][0]


def test_a_quiz_answer_gives_feedback(page, base_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base_url + "quiz/")
    quiz = page.locator(".quiz").first
    feedback = quiz.locator(".quiz-feedback")
    assert not feedback.is_visible()
    quiz.get_by_label("overdue").check()
    feedback.wait_for(state="visible", timeout=5000)
    assert "Correct answer" in feedback.inner_text()
    assert quiz.locator("section.content").is_visible()  # the explanation is revealed


NAV_PAGES = {
    "content/index.md": sitekit.page("Welcome", owner='"@alice"', reviewed="2026-03-01"),
    "content/kitchen/index.md": sitekit.page("Kitchen", owner='"@bob"', reviewed="2026-03-01"),
    "content/kitchen/closing.md": sitekit.page(
        "Closing the kitchen", owner='"@bob"', reviewed="2026-03-01"
    ),
    "content/kitchen/fridge.md": sitekit.page(
        "Fridge temperatures", owner='"@bob"', reviewed="2026-03-01"
    ),
    "content/office/index.md": sitekit.page("Office", owner='"@carol"', reviewed="2026-03-01"),
    "content/office/printer.md": sitekit.page(
        "The printer", owner='"@carol"', reviewed="2026-03-01"
    ),
    "content/office/wifi/index.md": sitekit.page("Wi-Fi", owner='"@carol"', reviewed="2026-03-01"),
    "content/office/wifi/guests.md": sitekit.page(
        "Guest Wi-Fi", owner='"@carol"', reviewed="2026-03-01"
    ),
}


@pytest.fixture(scope="module")
def nav_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A site built with the starter mkdocs.yml's theme features (navigation.prune among them)."""
    features = theme_features(Path(__file__).resolve().parent.parent / "mkdocs.yml")
    assert "navigation.prune" in features
    root = tmp_path_factory.mktemp("nav") / "repo"
    repo = make_kb(root, pages=NAV_PAGES)
    text = mkdocs_yml().replace("features: [content.action.edit]", f"features: {features}")
    repo.write("mkdocs.yml", text).commit("Starter features", date="2026-03-02T10:00:00+00:00")
    built = build(root)
    assert built.returncode == 0, built.output
    yield from _serve(built.site)


def _serve(site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_pruned_navigation_keeps_tabs_sections_and_siblings(page, nav_url: str) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 1400, "height": 900})  # wide enough for tabs and sidebar
    page.goto(nav_url + "kitchen/fridge/")
    tabs = page.locator(".md-tabs")
    assert tabs.is_visible()
    assert tabs.get_by_role("link", name="Kitchen").is_visible()
    assert tabs.get_by_role("link", name="Office").is_visible()
    sidebar = page.locator(".md-sidebar--primary")
    assert sidebar.get_by_role("link", name="Closing the kitchen").is_visible()  # a sibling
    # Pruned: another tab's pages are not in this page's HTML at all (that is what keeps it linear).
    assert "Guest Wi-Fi" not in page.content()
    tabs.get_by_role("link", name="Office").click()
    page.wait_for_url(nav_url + "office/")  # the tab opens the section's index page
    assert page.locator("h1").first.inner_text() == "Office"
    sidebar = page.locator(".md-sidebar--primary")
    assert sidebar.get_by_role("link", name="The printer").is_visible()
    sidebar.get_by_role("link", name="Wi-Fi", exact=True).click()  # a folder opens its index page
    page.wait_for_url(nav_url + "office/wifi/")
    assert page.locator(".md-sidebar--primary").get_by_role("link", name="Guest Wi-Fi").is_visible()
