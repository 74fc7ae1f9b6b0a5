from datetime import date

import pytest

from kennis.frontmatter import parse_page
from kennis.intervals import Interval
from kennis.page import validate_fields


def fields_of(text: str):
    front, problems = parse_page(text.encode(), "content/p.md")
    assert not problems
    return validate_fields(front.located, "content/p.md")


BAD = [
    ("owner without @", "owner: alice", 2, 8, 'missing the "@" (write "@alice")'),
    ("owner with space", 'owner: "@al ice"', 2, 8, "not a GitHub handle"),
    ("owner list", 'owner: ["@a", "@b"]', 2, 8, "a list is not a GitHub handle"),
    ("owner empty", "owner:", 2, 7, "an empty value is not a GitHub handle"),
    ("coauthor string", 'coauthors: "@bob"', 2, 12, "must be a list"),
    (
        "coauthor bad item",
        'coauthors: ["@bob", "bob smith"]',
        2,
        21,
        '"bob smith" is not a GitHub handle',
    ),
    ("reviewed text", "reviewed: last week", 2, 11, "is not a date"),
    ("reviewed_by bad", "reviewed_by: '@-x'", 2, 14, "not a GitHub handle"),
    ("interval unit", "review_every: 6 moons", 2, 15, '"6 moons" is not a review interval'),
    ("interval zero", "review_every: 0 days", 2, 15, "is not a review interval"),
    ("interval number", "review_every: 6", 2, 15, "must be text"),
    ("type", "type: recipe", 2, 7, "type 'recipe' is not one of: article, how-to"),
    ("status", "status: live", 2, 9, "status 'live' is not one of: draft, published"),
    ("tags mapping", "tags: {a: 1}", 2, 7, "tags must be a list"),
    ("title empty", "title: ''", 2, 8, "title: must be text"),
]


@pytest.mark.parametrize(
    ("line", "at", "col", "message"), [c[1:] for c in BAD], ids=[c[0] for c in BAD]
)
def test_bad_values_are_reported_at_their_line(line, at, col, message):
    _, problems = fields_of(f"---\n{line}\n---\n")
    assert [(p.line, p.col) for p in problems] == [(at, col)], problems
    assert message in problems[0].message


def test_every_problem_of_a_page_is_collected():
    _, problems = fields_of(
        "---\ntitle: x\nowner: alice\ncoauthors: ['@ok', 'no way']\nreviewed: soon\ntype: nope\n---\n"
    )
    assert [p.line for p in problems] == [3, 4, 5, 6]


def test_good_values_are_normalised():
    fields, problems = fields_of(
        "---\nowner: '@Alice'\ncoauthors: ['@acme/Kitchen']\nreviewed: '2026-03-01'\n"
        "review_every: 1 Year\ntype: SOP\nstatus: wanted\ntags: [a, 2]\n---\n"
    )
    assert problems == []
    assert fields.scalars["owner"][0].key == "@alice"
    assert fields.scalars["owner"][1].line == 2
    assert fields.lists["coauthors"][0][0].is_team
    assert fields.scalars["reviewed"][0] == date(2026, 3, 1)
    assert fields.scalars["review_every"][0] == Interval(1, "years")
    assert fields.scalars["type"][0] == "sop"
    assert [t for t, _ in fields.lists["tags"]] == ["a", "2"]


def test_unknown_keys_are_allowed():
    _, problems = fields_of("---\nhide: [navigation]\nsearch: {boost: 2}\n---\n")
    assert problems == []
