"""In a real browser: "Ask for a page" under an empty search leads to the form, which posts."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.sitekit import build, make_kb, mkdocs_yml
from tests.test_browser import CHROMIUM, browser, page  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,  # a real MkDocs build served to a real browser
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium"),
]

POSTED: list[dict[str, Any]] = []


class _SiteAndEndpoint(http.server.SimpleHTTPRequestHandler):
    """The built site, plus a stand-in for the App's ``POST /requests`` on the same origin."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        POSTED.append(json.loads(self.rfile.read(length)))
        body = json.dumps({"id": "request-1", "message": "Thanks — your request is filed"}).encode()
        self.send_response(202)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def ask_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root: Path = tmp_path_factory.mktemp("kb") / "repo"
    repo = make_kb(root)
    extra = "  - kennis/wanted:\n      ask_endpoint: /requests\n"
    repo.write("mkdocs.yml", mkdocs_yml().replace("  - kennis/wanted: {}\n", extra))
    repo.commit("Ask the App", author="Alice Example <alice@example.com>")
    built = build(root)
    assert built.returncode == 0, built.output
    handler = functools.partial(_SiteAndEndpoint, directory=str(built.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_an_empty_search_offers_to_ask_and_the_form_sends_the_request(page, ask_url: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page.goto(ask_url + "kitchen/fridge/")
    page.keyboard.press("/")  # Material opens its search on "/"
    page.locator("input.md-search__input").press_sequentially("zebra crossing", delay=20)
    offer = page.locator("a.kennis-ask-search")
    offer.wait_for(state="visible", timeout=10000)
    assert "zebra crossing" in offer.inner_text()
    offer.click()
    page.wait_for_url("**/knowledge/wanted/**")
    need = page.locator(".kennis-ask-form textarea[name=need]")
    assert need.input_value() == "zebra crossing"
    page.locator(".kennis-ask-form input[name=purpose]").fill("Crossing with the trolley")
    page.get_by_role("button", name="Ask for a page").click()
    answer = page.locator(".kennis-ask-answer")
    answer.wait_for(state="visible", timeout=5000)
    page.wait_for_function("document.querySelector('.kennis-ask-answer').textContent.length > 0")
    assert "request is filed" in answer.inner_text()
    assert POSTED == [{"need": "zebra crossing", "purpose": "Crossing with the trolley"}]


def test_a_search_that_finds_something_offers_nothing(page, ask_url: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page.goto(ask_url)
    page.keyboard.press("/")
    page.locator("input.md-search__input").press_sequentially("fridge", delay=20)
    page.locator(".md-search-result__item").first.wait_for(state="visible", timeout=10000)
    assert page.locator("a.kennis-ask-search").count() == 0
