"""Suggested fixes for front-matter mistakes: which line, what it becomes, or which question."""

from __future__ import annotations

import pytest

from kennis.frontmatter import parse_page
from kennis.suggest import canonical_interval, plan_fixes

CASES = [
    ("unquoted owner", "owner: @sam-okafor", 'owner: "@sam-okafor"'),
    ("unquoted reviewer", "reviewed_by: @bob  # who", 'reviewed_by: "@bob"  # who'),
    ("unquoted coauthors", "coauthors: [@bob, @acme/leads]", 'coauthors: ["@bob", "@acme/leads"]'),
    ("day first", "reviewed: 18/08/2026", "reviewed: 2026-08-18"),
    ("day first dashes", "reviewed: 18-8-2026", "reviewed: 2026-08-18"),
    ("month first when day first is impossible", "reviewed: 08/18/2026", "reviewed: 2026-08-18"),
    ("year first unpadded", "reviewed: 2026-8-18", "reviewed: 2026-08-18"),
    ("dutch months", "review_every: 6 maanden", "review_every: 6 months"),
    ("half a year", "review_every: half a year", "review_every: 6 months"),
    ("singular unit", "review_every: 6 month", "review_every: 6 months"),
    ("one year", "review_every: 1 jaar", "review_every: 1 year"),
    ("type near miss", "type: podcastt", "type: podcast"),
    ("status near miss", "status: publshed", "status: published"),
    ("key near miss", "reviewd: 2026-01-02", "reviewed: 2026-01-02"),
]


@pytest.mark.parametrize(("line", "fixed"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_fixable_line_gets_its_fixed_text(line, fixed):
    [fix] = plan_fixes("content/p.md", f"---\ntitle: A\n{line}\n---\nBody\n")
    assert (fix.line, fix.old, fix.new) == (3, line, fixed)
    assert f"```suggestion\n{fixed}\n```" in fix.comment()


def test_the_fixed_page_passes_the_check():
    text = "---\ntitle: A\nowner: @bob\nreviewed: 18/08/2026\nreview_every: 6 maanden\ntype: podcastt\n---\n"
    lines = text.split("\n")
    for fix in plan_fixes("content/p.md", text):
        lines[fix.line - 1] = fix.new
    front, problems = parse_page("\n".join(lines).encode(), "content/p.md")
    assert problems == [] and front is not None
    assert front.data["review_every"] == "6 months"


def test_an_ambiguous_date_gets_a_question_not_a_guess():
    [fix] = plan_fixes("content/p.md", "---\nreviewed: 03/04/2026\n---\n")
    assert fix.new is None
    assert "3 April 2026 or 4 March 2026" in fix.comment() and "```suggestion" not in fix.comment()


CLEAN = [
    'owner: "@bob"',
    "reviewed: 2026-08-18",
    "review_every: 6 months",
    "review_every: never",
    "type: podcast",
    "hide: [toc]",
    "reviewed: 2026-13-45",
    "type: lecture",
    "owner: bob",
]


@pytest.mark.parametrize("line", CLEAN)
def test_nothing_is_offered_for_a_right_or_unguessable_line(line):
    assert plan_fixes("content/p.md", f"---\n{line}\n---\n") == []


def test_only_front_matter_is_read():
    assert plan_fixes("content/p.md", "# owner: @bob\n\ntype: podcastt\n") == []
    assert plan_fixes("content/p.md", "---\ntype: podcastt\n") == []  # never closed


@pytest.mark.parametrize("text", ["sometimes", "6", "0 months", "many weeks"])
def test_an_interval_that_is_not_understood_is_left_alone(text):
    assert canonical_interval(text) is None
