"""The welcome for first-time authors: who counts as new, and what the text tells them."""

from __future__ import annotations

from datetime import UTC, datetime

from kennis.config import parse_config
from kennis.errors import Problem
from kennis.handles import parse_handle
from kennis.history import HistoryIndex, PageHistory, Person
from kennis.welcome import has_contributed, welcome_text

WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def index_of(*people: Person) -> HistoryIndex:
    history = PageHistory("content/a.md", WHEN, WHEN, people[0], people, (), len(people))
    return HistoryIndex(head="", content_dir="content", pages={"content/a.md": history})


def test_the_no_reply_address_or_the_name_identifies_a_contributor():
    index = index_of(
        Person("Erin R", "4242+erin@users.noreply.github.com"), Person("bob", "bob@example.com")
    )
    assert has_contributed(index, "Erin") and has_contributed(index, "bob")
    assert not has_contributed(index, "newbie")
    assert has_contributed(None, "newbie")  # no history: nobody is welcomed as new


def test_the_text_names_reviewers_coach_fixes_with_lines_and_when_live():
    problems = [Problem("content/a.md", 4, 15, "review_every: <b>no</b> @team")] * 7
    text = welcome_text(
        [parse_handle("@alice")], problems, "https://kb.example/", parse_handle("@acme/coaches")
    )
    assert "**Who reviews it:** @alice." in text and "@acme/coaches also looks in" in text
    assert text.count("line 4:") == 5 and "…and 2 more" in text
    assert "<b>" not in text and "@\u200dteam" in text  # echoed text cannot mention or inject
    assert "rebuilt within a few minutes at https://kb.example/" in text


def test_first_time_coach_is_a_handle_setting():
    config, problems = parse_config(b'first_time_coach: "@acme/knowledge-team"\n')
    assert problems == [] and config.first_time_coach == parse_handle("@acme/knowledge-team")
    _, bad = parse_config(b"first_time_coach: knowledge team\n")
    assert [(p.line, p.col) for p in bad] == [(1, 19)] and "first_time_coach" in bad[0].message
