"""Real builds: knowledge requests on the Wanted pages and Knowledge health pages."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from github import Auth, Github

from kennis.requests import LABEL
from tests.sitekit import AS_OF, PAGES, build, make_kb, mkdocs_yml, page

REPO = "acme/kb"


def _issue(number: int, title: str, created: str, thumbs: int, **more: Any) -> dict[str, Any]:
    return {
        "number": number,
        "title": f"Request: {title}",
        "html_url": f"https://github.com/{REPO}/issues/{number}",
        "labels": [{"name": LABEL}],
        "created_at": f"{created}T09:00:00Z",
        "reactions": {"+1": thumbs, "total_count": thumbs},
        "state": "open",
        "assignees": [],
        **more,
    }


ISSUES = [
    _issue(1, "Allergen <b>labels</b>", "2026-05-01", 2),
    _issue(2, "Closing the till", "2026-05-20", 5, assignees=[{"login": "bob"}]),
    _issue(3, "Night rota", "2026-04-01", 2),
    _issue(
        4,
        "Fire drill",
        "2026-04-10",
        9,
        state="closed",
        closed_at="2026-05-25T10:00:00Z",
        state_reason="completed",
    ),
    {"number": 5, "title": "A pull request", "pull_request": {}, "labels": [{"name": LABEL}]},
]


def _requests(html: str) -> list[str]:
    return re.findall(r'<li data-request="(\d+)">', html)


@pytest.mark.slow  # three real MkDocs builds
def test_wanted_ranks_open_requests_and_health_counts_them_per_month(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_kb(tmp_path / "kb")
    listing = tmp_path / "requests.json"
    listing.write_text(json.dumps(ISSUES))
    monkeypatch.setenv("KENNIS_REQUESTS_FILE", str(listing))
    site = build(tmp_path / "kb")
    assert site.returncode == 0, site.output
    wanted = site.html("knowledge/wanted")
    assert _requests(wanted) == ["2", "3", "1"]  # most 👍 first, then the oldest
    assert 'href="https://github.com/bob">@bob</a>' in wanted
    assert "Allergen &lt;b&gt;labels&lt;/b&gt;" in wanted and "<b>labels" not in wanted
    health = site.html("knowledge/health")
    rows = re.findall(
        r'<tr data-month="([\d-]+)"><td>[\d-]+</td><td>(\d+)</td><td>(\d+)</td>', health
    )
    assert rows == [("2026-04", "2", "0"), ("2026-05", "2", "1")]


@pytest.mark.slow  # real MkDocs builds against the stand-in
def test_a_workflow_build_lists_requests_from_the_issues_api_and_none_still_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, github: Any
) -> None:
    make_kb(tmp_path / "kb")
    github.add_repo(REPO)
    for login in ("rita", "sam", "tim"):
        github.add_collaborator(REPO, login)
    few = github.add_issue(REPO, "Request: Few", author="rita", labels=[LABEL])
    many = github.add_issue(REPO, "Request: Many", author="rita", labels=[LABEL])
    for login in ("sam", "tim"):
        as_user = Github(auth=Auth.Token(github.user_token(login)), base_url=github.base_url)
        as_user.get_repo(REPO).get_issue(many.number).create_reaction("+1")
    github.add_issue(REPO, "Not a request", author="rita")
    monkeypatch.delenv("KENNIS_REQUESTS_FILE", raising=False)
    monkeypatch.setenv("GITHUB_TOKEN", github.user_token("rita"))
    monkeypatch.setenv("GITHUB_REPOSITORY", REPO)
    monkeypatch.setenv("GITHUB_API_URL", github.base_url)
    site = build(tmp_path / "kb")
    assert site.returncode == 0, site.output
    assert _requests(site.html("knowledge/wanted")) == [str(many.number), str(few.number)]

    monkeypatch.delenv("GITHUB_TOKEN")
    monkeypatch.setenv("KENNIS_REQUESTS_FILE", str(tmp_path / "not-written-yet.json"))
    bare = build(tmp_path / "kb")  # --strict: a missing list is no reason to fail
    assert bare.returncode == 0, bare.output
    assert "Requests are not known to this build" in bare.html("knowledge/wanted")
    assert "Requests are not known to this build" in bare.html("knowledge/health")


@pytest.mark.slow  # a real MkDocs build
def test_a_page_written_on_request_links_the_request_in_its_page_info(tmp_path: Path) -> None:
    url = f"https://github.com/{REPO}/issues/7"
    pages = dict(PAGES)
    pages["content/kitchen/till.md"] = page(
        "Closing the till", owner='"@bob"', reviewed="2026-05-01", requested_in=f'"{url}"'
    )
    make_kb(tmp_path / "kb", pages)
    site = build(tmp_path / "kb")
    assert site.returncode == 0, site.output
    till = site.html("kitchen/till")
    assert re.search(rf'<dt>Written on request</dt><dd><a href="{re.escape(url)}">', till)
    assert "Written on request" not in site.html("kitchen/fridge")


@pytest.mark.slow  # a real MkDocs build
def test_ask_for_a_page_on_the_wanted_page_section_indexes_and_under_an_empty_search(
    tmp_path: Path,
) -> None:
    pages = dict(PAGES)
    pages["content/kitchen/index.md"] = page("Kitchen", owner='"@bob"', reviewed="2026-05-01")
    repo = make_kb(tmp_path / "kb", pages)
    extra = "  - kennis/wanted:\n      ask_endpoint: https://bot.kb.acme.example/requests\n"
    repo.write("mkdocs.yml", mkdocs_yml().replace("  - kennis/wanted: {}\n", extra))
    repo.commit("Ask the App", author="Alice Example <alice@example.com>")
    site = build(tmp_path / "kb")
    assert site.returncode == 0, site.output
    wanted = site.html("knowledge/wanted")
    assert 'data-endpoint="https://bot.kb.acme.example/requests"' in wanted
    assert 'href="https://github.com/acme/kb/issues/new?template=request.yml' in wanted
    kitchen = site.html("kitchen")
    assert 'data-section="kitchen"' in kitchen and "section=kitchen" in kitchen
    assert 'id="kennis-ask"' not in site.html("kitchen/fridge")
    script = (site.site / "assets/kennis/kennis-ask.js").read_text()
    assert script.startswith('var KENNIS_WANTED_URL = "knowledge/wanted/";')
    assert "md-search-result__meta" in script and "kennis-ask.js" in kitchen


@pytest.mark.slow  # a real MkDocs build
def test_a_build_that_cannot_know_requests_or_reports_does_not_load_their_code(
    tmp_path: Path,
) -> None:
    """A local build (no token, no file from the App) skips that code's start-up (issue 19)."""
    make_kb(tmp_path / "kb")
    unknown = (
        "GITHUB_TOKEN",
        "GITHUB_REPOSITORY",
        "KENNIS_REQUESTS_FILE",
        "KENNIS_FEEDBACK_REPORTS",
    )
    env = {k: v for k, v in os.environ.items() if k not in unknown}
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "mkdocs", "build", "-d", str(tmp_path / "site")],
        cwd=tmp_path / "kb",
        env={**env, "KENNIS_AS_OF": AS_OF, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    imported = set(re.findall(r"\|\s+([\w.]+)$", result.stderr, re.M))
    assert {"kennis_mkdocs.wanted.report", "kennis_mkdocs.requests_source"} <= imported
    assert {"kennis.requests", "kennis.feedback"} & imported == set()
    wanted = (tmp_path / "site/knowledge/wanted/index.html").read_text(encoding="utf-8")
    assert "Requests are not known to this build" in wanted  # still says so, as before
