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

from tests.sitekit import REPO_URL, build, make_kb

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
