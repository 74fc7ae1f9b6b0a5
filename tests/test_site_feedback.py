"""Real MkDocs builds with kennis/feedback: the reported-outdated banner, the widget and its fallback."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from kennis.feedback import Report, issue_body
from kennis_mkdocs.feedback.source import from_issues
from tests.sitekit import Built, build, make_kb, mkdocs_yml

WIDGET = """  - kennis/feedback:
      endpoint: https://bot.acme.example/feedback
"""
FALLBACK_ONLY = "  - kennis/feedback\n"


def reports_file(tmp_path: Path, pages: dict[str, object]) -> Path:
    path = tmp_path / "reports.json"
    path.write_text(json.dumps({"pages": pages}), encoding="utf-8")
    return path


def built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: str, reports: Path | None
) -> Built:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    if reports is None:
        monkeypatch.delenv("KENNIS_FEEDBACK_REPORTS", raising=False)
    else:
        monkeypatch.setenv("KENNIS_FEEDBACK_REPORTS", str(reports))
    repo = make_kb(tmp_path / "kb")
    repo.write("mkdocs.yml", mkdocs_yml(extra=extra)).commit("Reader feedback on")
    result = build(repo.root)
    assert result.returncode == 0, result.output
    return result


def test_reported_page_shows_the_banner_and_attribute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reports = reports_file(
        tmp_path,
        {
            "content/kitchen/fridge.md": {"outdated": 2, "since": "2026-05-30"},
            "content/kitchen/soon.md": {"outdated": 1, "since": "2026-05-30"},  # below 2
        },
    )
    result = built(tmp_path, monkeypatch, WIDGET, reports)
    fridge = result.html("kitchen/fridge/")
    assert (
        "2 colleagues reported on 30 May that this page may be out of date; @bob has been asked."
        in fridge
    )
    assert '<aside class="kennis-pageinfo" data-kennis-reported="outdated"' in fridge
    soon = result.html("kitchen/soon/")
    assert 'data-kennis-reported="outdated"' not in soon
    assert "may be out of date" not in soon


def test_widget_is_wired_to_the_endpoint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = built(tmp_path, monkeypatch, WIDGET, None)
    html = result.html("kitchen/fridge/")
    assert 'class="md-feedback" name="feedback"' in html
    assert "assets/kennis-feedback.js" in html
    assert 'data-endpoint="https://bot.acme.example/feedback"' in html
    assert 'data-page="kitchen/fridge.md"' in html and 'data-owner="@bob"' in html
    assert (result.site / "assets" / "kennis-feedback.js").is_file()


def test_without_endpoint_or_reports_the_link_opens_the_issue_form(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = built(tmp_path, monkeypatch, FALLBACK_ONLY, None)
    html = result.html("kitchen/fridge/")
    assert 'class="md-feedback"' not in html
    assert "kennis-feedback.js" not in html
    assert (
        "https://github.com/acme/kb/issues/new?template=outdated.yml&amp;"
        "title=%5Boutdated%5D+kitchen%2Ffridge.md&amp;page=kitchen%2Ffridge.md" in html
    )
    assert "may be out of date" not in html


@pytest.mark.parametrize(
    ("summary", "banner"),
    [
        ({"outdated": "2", "since": "<b>2099</b>"}, False),
        ({"outdated": 3, "since": "<b>2099</b>"}, True),
        ([], False),
    ],
    ids=["string-count", "bad-date", "not-an-object"],
)
def test_a_foreign_reports_file_never_breaks_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, summary: object, banner: bool
) -> None:
    reports = reports_file(tmp_path, {"content/kitchen/fridge.md": summary})
    html = built(tmp_path, monkeypatch, WIDGET, reports).html("kitchen/fridge/")
    assert ("may be out of date" in html) is banner
    assert "2099" not in html  # the file's date is parsed, never echoed


def test_issues_api_bodies_give_the_open_reports() -> None:
    reports = [
        Report(f"r{n}", "content/ops/faq.md", "outdated", date(2026, 12, 3)) for n in range(2)
    ]
    body = issue_body("content/ops/faq.md", "@sam-okafor", reports, 2, None)
    found = from_issues([{"body": body}, {"body": "no marker"}, "junk"])
    assert found == {"content/ops/faq.md": {"outdated": 2, "since": "2026-12-03", "reported": True}}


def test_knowledge_health_shows_helpful_share_reports_and_attention(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reports = reports_file(
        tmp_path,
        {
            "content/kitchen/fridge.md": {"outdated": 2, "since": "2026-05-30", "votes": 1},
            "content/kitchen/soon.md": {"outdated": 0, "helpful": 1, "votes": 5},  # 20 %
            "content/evergreen.md": {"outdated": 0, "helpful": 4, "votes": 4},
        },
    )
    html = built(tmp_path, monkeypatch, WIDGET, reports).html("knowledge/health/")
    kitchen = html.split('data-section="kitchen"')[1].split("</tr>")[0]
    assert '<td class="kennis-num" data-col="helpful">17% <small>(6 votes)</small>' in kitchen
    assert 'data-col="reports" data-count="2"' in kitchen
    attention = html.split('class="kennis-attention"')[1].split("</ul>")[0]
    assert 'data-path="content/kitchen/fridge.md"' in attention  # reported outdated
    assert 'data-path="content/kitchen/soon.md"' in attention  # five votes, 20 % helpful
    assert "evergreen" not in attention


def test_knowledge_health_without_reports_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    html = built(tmp_path, monkeypatch, WIDGET, None).html("knowledge/health/")
    assert "Reader feedback is not known to this build" in html
    assert 'data-col="helpful"' not in html
