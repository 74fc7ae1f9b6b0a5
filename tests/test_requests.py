"""The knowledge-request core: the form read back, experts, the draft page, the site's lists."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from kennis.errors import KennisError
from kennis.history import Contribution, HistoryIndex, PageHistory, Person
from kennis.kb import load_kb
from kennis.requests import (
    KnownRequest,
    RequestForm,
    command,
    draft_page,
    form_body,
    known_requests,
    open_ranked,
    page_of_body,
    parse_form,
    per_month,
    pr_body,
    request_of_branch,
    request_title,
    set_front_matter,
    suggest_experts,
)
from kennis.tree import WorkTree
from tests.kbfiles import page

TODAY = date(2026, 6, 1)

# What GitHub writes for the issue form (an empty optional field is "_No response_").
GITHUB_BODY = """### What do you need to know?

How do we close the till?
Step by step.

### What is it for?

_No response_

### Section

operations/

### Who might know?

Olivia, maybe"""


def test_the_issue_form_reads_back_as_github_renders_it_and_as_we_write_it() -> None:
    form = parse_form(GITHUB_BODY)
    assert form == RequestForm(
        "How do we close the till?\nStep by step.", "", "operations", "Olivia, maybe"
    )
    assert parse_form(form_body(form)) == form
    assert parse_form(form_body(form) + "\n\n<!-- kennis:request-id x -->") == form
    assert parse_form(None) == RequestForm("")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("/claim", "claim"),
        ("thanks!\n/unclaim\n", "unclaim"),
        ("please /claim it", None),
        ("/claimed", None),
        (None, None),
    ],
    ids=["claim", "unclaim-on-its-line", "mid-sentence", "other-word", "empty"],
)
def test_commands_are_whole_lines(body: str | None, expected: str | None) -> None:
    assert command(body) == expected


def test_titles_and_branches() -> None:
    assert request_title("Request: Closing the till", RequestForm("x")) == "Closing the till"
    assert request_title("Request: ", RequestForm("How?\nMore")) == "How?"
    assert request_of_branch("kennis/request-12") == 12
    assert request_of_branch("kennis/request-12x") is None
    assert request_of_branch("feature") is None


def _kb(tmp_path: Path):  # type: ignore[no-untyped-def]
    files = {
        "content/operations/.meta.yml": 'owner: "@olivia"\ncoauthors: ["@oscar", "@rita"]\n',
        "content/operations/closing.md": page(title="Closing", coauthors='["@acme/ops"]'),
        "content/operations/rota.md": page(title="Night rota", status="wanted"),
        "content/people/leave.md": page(title="Leave", owner='"@hr"'),
    }
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    return load_kb(WorkTree(tmp_path))


def _history(path: str, when: str, *people: tuple[str, int]) -> PageHistory:
    moment = datetime.fromisoformat(when).replace(tzinfo=UTC)
    parts = tuple(
        Contribution(Person(login, f"1+{login}@users.noreply.github.com"), n, moment)
        for login, n in people
    )
    who = parts[0].person if parts else Person("x", "x@example.com")
    return PageHistory(path, moment, moment, who, (who,), (), 1, (), parts)


def test_experts_are_owners_and_coauthors_then_recent_editors_never_the_requester(
    tmp_path: Path,
) -> None:
    kb = _kb(tmp_path)
    index = HistoryIndex(
        "HEAD",
        {
            "content/operations/closing.md": _history(
                "content/operations/closing.md",
                "2026-05-01",
                ("pat", 2),
                ("quinn", 5),
                ("rita", 9),
                ("olivia", 1),
            ),
            "content/operations/rota.md": _history(
                "content/operations/rota.md", "2024-01-01", ("uma", 50)
            ),
            "content/people/leave.md": _history(
                "content/people/leave.md", "2026-05-01", ("zed", 99)
            ),
        },
    )
    experts = suggest_experts(kb, index, "operations", "Rita", TODAY)
    assert [h.text for h in experts] == ["@olivia", "@oscar", "@acme/ops", "@quinn", "@pat"]
    assert len(suggest_experts(kb, index, "operations", None, TODAY, limit=3)) == 3
    assert suggest_experts(kb, index, "../people", None, TODAY) == []
    assert suggest_experts(kb, index, "nowhere", None, TODAY) == []


def test_a_claim_fills_the_template_or_turns_the_wanted_stub(tmp_path: Path) -> None:
    kb = _kb(tmp_path)
    url = "https://github.com/acme/kb/issues/7"
    new = draft_page(kb, 'Closing the "till"', "operations", "Bob", url, TODAY)
    assert new.path == "content/operations/closing-the-till.md" and not new.stub
    assert 'owner: "@Bob"' in new.text and f'requested_in: "{url}"' in new.text
    assert "status: draft" in new.text and 'title: "Closing the \\"till\\""' in new.text
    assert "The short version" in new.todo
    body = pr_body(RequestForm("How? @everyone"), new, 7, "Bob")
    assert page_of_body(body) == new.path and "@everyone" not in body
    stub_text = (tmp_path / "content/operations/rota.md").read_text()
    stub = draft_page(
        kb, "Night rota", "operations", "bob", url, TODAY, stub_text, "content/operations/rota.md"
    )
    assert stub.stub and stub.path == "content/operations/rota.md"
    assert "status: draft" in stub.text and "status: wanted" not in stub.text


def test_front_matter_edits_refuse_what_would_not_parse() -> None:
    text = "---\ntitle: A\nstatus: wanted\n---\nBody\n"
    out = set_front_matter(text, {"status": "draft", "owner": '"@bob"'}, "a.md")
    assert out == '---\ntitle: A\nstatus: draft\nowner: "@bob"\n---\nBody\n'
    with pytest.raises(KennisError):
        set_front_matter("---\ntitle: A\n", {"status": "draft"}, "a.md")
    with pytest.raises(KennisError):
        set_front_matter(text, {"owner": "[unclosed"}, "a.md")


def _issue(number: int, created: str, thumbs: int = 0, **more: object) -> dict[str, object]:
    return {
        "number": number,
        "title": f"Request: R{number}",
        "labels": [{"name": "kennis:request"}],
        "html_url": f"https://github.com/acme/kb/issues/{number}",
        "created_at": created,
        "reactions": {"+1": thumbs},
        "state": "open",
        "assignees": [],
        **more,
    }


def test_the_site_ranks_open_requests_and_counts_them_per_month() -> None:
    found = known_requests(
        [
            _issue(1, "2026-05-01T00:00:00Z", 2),
            _issue(2, "2026-05-09T00:00:00Z", 4, assignees=[{"login": "bob"}]),
            _issue(3, "2026-04-01T00:00:00Z", 2, html_url="javascript:alert(1)"),
            _issue(
                4,
                "2026-04-02T00:00:00Z",
                9,
                state="closed",
                closed_at="2026-05-03T00:00:00Z",
                state_reason="completed",
            ),
            _issue(
                5,
                "2026-04-03T00:00:00Z",
                state="closed",
                closed_at="2026-05-03T00:00:00Z",
                state_reason="not_planned",
            ),
            {**_issue(6, "2026-04-03T00:00:00Z"), "pull_request": {}},
            {**_issue(7, "2026-04-03T00:00:00Z"), "labels": []},
            "not an issue",
            {"number": "8"},
        ]
    )
    assert [r.number for r in open_ranked(found)] == [2, 3, 1]
    assert next(r for r in found if r.number == 2).claimer == "bob"
    assert next(r for r in found if r.number == 3).url == ""
    assert per_month(found) == [("2026-04", 3, 0), ("2026-05", 2, 1)]
    assert known_requests({"not": "a list"}) == []
    assert isinstance(found[0], KnownRequest)


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ('"https://github.com/acme/kb/issues/7"', True),
        ('"javascript:alert(1)"', False),
        ("42", False),
        ('"see issue 7"', False),
    ],
    ids=["issue-url", "script", "number", "prose"],
)
def test_requested_in_must_be_a_web_address(tmp_path: Path, value: str, ok: bool) -> None:
    (tmp_path / "content").mkdir()
    text = page(title="Till", owner='"@bob"', requested_in=value)
    (tmp_path / "content/till.md").write_text(text)
    kb = load_kb(WorkTree(tmp_path))
    problems = [str(p) for p in kb.errors]
    if ok:
        assert problems == [] and kb.pages["content/till.md"].requested_in == value.strip('"')
    else:
        assert problems and problems[0].startswith("content/till.md:4:15: requested_in:")
