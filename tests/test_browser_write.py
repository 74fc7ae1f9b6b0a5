"""In a real browser: "Write a new checklist here" opens GitHub's new-file editor, page started.

The site is built with the real ``mkdocs build`` and served over loopback; the click's navigation
to github.com is caught (the test never leaves the machine) and its ``value`` is written into the
repository and checked with the real ``kennis check``.
"""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.sitekit import PAGES, REPO_URL, build, make_kb, page
from tests.test_browser import ARGS, CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium"),
]

SECTION = {"content/kitchen/index.md": page("The kitchen", owner='"@acme/kitchen-leads"')}
KITCHEN_META = {"content/kitchen/.meta.yml": 'owner: "@acme/kitchen-leads"\n'}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    root = tmp_path_factory.mktemp("kb") / "repo"
    make_kb(root, {**PAGES, **SECTION, **KITCHEN_META})
    built = build(root)
    assert built.returncode == 0, built.output
    handler = functools.partial(_Quiet, directory=str(built.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _open_editor(base_url: str, title: str | None) -> str:
    """Click the button on the kitchen index (answering the title prompt); the URL it opens."""
    from playwright.sync_api import sync_playwright

    opened: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context(java_script_enabled=title is not None)

            def route(r):  # type: ignore[no-untyped-def]
                if r.request.url.startswith("http://127.0.0.1"):
                    return r.continue_()
                if r.request.url.startswith(REPO_URL):
                    opened.append(r.request.url)
                    return r.fulfill(status=200, body="GitHub's editor")
                return r.abort()

            context.route("**/*", route)
            tab = context.new_page()
            tab.on("dialog", lambda dialog: dialog.accept(title or ""))
            tab.goto(base_url + "kitchen/")
            tab.get_by_role("link", name="Write a new checklist here").click()
            tab.wait_for_url(REPO_URL + "/**", timeout=10_000)
        finally:
            browser.close()
    assert opened, "the button opened nothing"
    return opened[-1]


def test_the_checklist_button_opens_the_new_file_editor_with_a_page_that_passes_the_check(
    served: tuple[Path, str],
) -> None:
    root, base_url = served
    url = urlsplit(_open_editor(base_url, 'Closing "the" kitchen'))
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{REPO_URL}/new/main/content/kitchen"
    query = parse_qs(url.query)
    assert query["filename"] == ["closing-the-kitchen.md"]
    value = query["value"][0]
    assert "reviewed:" not in value  # the first commit counts
    assert "@acme/kitchen-leads (set in content/kitchen/.meta.yml:1)" in value
    (root / "content/kitchen/closing-the-kitchen.md").write_text(value, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "kennis", "check", "content/kitchen/closing-the-kitchen.md"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (root / "content/kitchen/closing-the-kitchen.md").unlink()


def test_without_javascript_the_title_is_left_to_fill_in_and_check_says_so(
    served: tuple[Path, str],
) -> None:
    root, base_url = served
    url = urlsplit(_open_editor(base_url, None))
    query = parse_qs(url.query)
    assert query["filename"] == ["new-checklist.md"]
    target = root / "content/kitchen/new-checklist.md"
    target.write_text(query["value"][0], encoding="utf-8")
    check = [sys.executable, "-m", "kennis", "check", "content/kitchen/new-checklist.md"]
    before = subprocess.run(check, cwd=root, capture_output=True, text=True)
    assert before.returncode == 1 and "{{title}} is a placeholder" in before.stdout
    target.write_text(query["value"][0].replace("{{title}}", "Opening up"), encoding="utf-8")
    assert subprocess.run(check, cwd=root, capture_output=True, text=True).returncode == 0
    target.unlink()
