"""A reader in a real browser (Playwright + Debian Chromium) sends feedback to the real bot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.botproc import wait_for
from tests.feedbackworld import feedback_issues, open_feedback_site
from tests.github_standin.fixtures import AppKey
from tests.github_standin.server import GitHubStandIn
from tests.sitebot import SiteBot

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,  # the real bot builds and serves the site to a real browser
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium"),
]


@pytest.fixture
def site(tmp_path: Path, github: GitHubStandIn, app_key: AppKey) -> Iterator[SiteBot]:
    yield from open_feedback_site(tmp_path, github, app_key, plugins=True)


@pytest.fixture
def tab(site: SiteBot) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context()
        context.route(  # off the internet: only the bot on loopback answers
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith("http://127.0.0.1")
                else route.abort()
            ),
        )
        try:
            yield context.new_page()
        finally:
            browser.close()


def test_thumbs_down_reason_and_send_reach_the_bot(site: SiteBot, tab: Any) -> None:
    tab.goto(f"http://127.0.0.1:{site.port}/ops/expenses-faq/")
    widget = tab.locator("form.md-feedback")
    widget.wait_for(state="visible", timeout=10000)
    assert not tab.locator(".kennis-feedback-fallback").is_visible()  # the widget replaces it
    tab.locator('.md-feedback__icon[data-md-value="0"]').click()
    tab.get_by_label("It is unclear").check()
    tab.locator('textarea[name="kennis-comment"]').fill("Which form do I use?")
    with tab.expect_response(lambda r: r.url.endswith("/feedback")) as answer:
        tab.get_by_role("button", name="Send").click()
    assert answer.value.status == 202
    tab.get_by_text("Thanks — @sam-okafor will see this").wait_for(timeout=10000)
    issue = wait_for(lambda: next((i for i in feedback_issues(site) if i.comments), None))
    assert "| unclear | 1 |" in (issue.body or "")
    assert "Which form do I use?" in issue.comments[0].body
