"""The review-due issue's text: page names and titles are echoed without pinging anyone."""

from __future__ import annotations

from datetime import date

from kennis.due_issue import DueEntry, parse_issue, render_issue, ticked
from kennis.handles import parse_handle
from tests.github_standin.markdown import mentions, references

HOSTILE = "content/a`@acme/kitchen-leads`b #7.md"


def test_a_hostile_path_and_title_ping_only_the_owner_and_still_tick() -> None:
    entries = [
        DueEntry(HOSTILE, "Ask @acme/everyone about #12", None, date(2026, 1, 1), 30, "overdue"),
        DueEntry("content/plain.md", "Plain", None, date(2026, 1, 2), 29, "overdue"),
    ]
    body = render_issue(parse_handle("@alice"), entries, date(2026, 1, 31))
    assert mentions(body) == ["alice"]
    assert references(body) == []
    assert "`` content/a`@acme/kitchen-leads`b #7.md ``" in body
    done = body.replace("- [ ]", "- [x]", 1)
    assert ticked(body, done) == [HOSTILE]
    listed = parse_issue(3, "Pages", done)
    assert listed is not None and [p.checked for p in listed.pages] == [True, False]
