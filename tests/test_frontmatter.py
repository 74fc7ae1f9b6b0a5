from datetime import date

import pytest

from kennis.frontmatter import parse_page

VALID = [
    (
        "plain",
        b'---\ntitle: Closing\nowner: "@alice"\n---\n# Hi\n',
        {"title": "Closing", "owner": "@alice"},
    ),
    ("empty front matter", b"---\n---\nbody\n", {}),
    ("dots close it", b"---\ntitle: x\n...\nbody\n", {"title": "x"}),
    ("no front matter", b"# Just a page\n", {}),
    ("windows line endings", b"---\r\ntitle: x\r\n---\r\nbody\r\n", {"title": "x"}),
    ("byte order mark", b"\xef\xbb\xbf---\ntitle: x\n---\n", {"title": "x"}),
    (
        "strings, tagged and typed",
        b"---\ntitle: !!str 2026-01-02\n\"5\": 'quoted'\nlevel: 5\nday: 2026-01-02\n"
        b"tags: [a, !!str 7, 'b']\nnote: |\n  two\n  lines\n---\n",
        {
            "title": "2026-01-02",
            "5": "quoted",
            "level": 5,
            "day": date(2026, 1, 2),
            "tags": ["a", "7", "b"],
            "note": "two\nlines\n",
        },
    ),
    ("five megabyte body", b"---\ntitle: big\n---\n" + b"word " * 1_000_000, {"title": "big"}),
]


@pytest.mark.parametrize(("raw", "expected"), [c[1:] for c in VALID], ids=[c[0] for c in VALID])
def test_valid_front_matter_is_read(raw, expected):
    front, problems = parse_page(raw, "p.md")
    assert problems == []
    assert front is not None and front.data == expected


BOMB = (
    b"---\n"
    + b"a: &a [x, x, x, x, x, x, x, x, x]\n"
    + b"".join(
        b"%s: &%s [*%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s, *%s]\n"
        % ((chr(98 + i).encode(),) * 2 + (chr(97 + i).encode(),) * 9)
        for i in range(8)
    )
    + b"---\n"
)

BROKEN = [
    ("list", b"---\n- a\n- b\n---\n", 2, 1, "not a list"),
    ("single value", b"---\njust words\n---\n", 2, 1, "not a single value"),
    (
        "duplicate key",
        b"---\ntitle: a\nowner: '@x'\ntitle: b\n---\n",
        4,
        1,
        'duplicate key "title"',
    ),
    (
        "syntax error",
        b'---\ntitle: a\ncoauthors: ["@b"\nstatus: draft\n---\n',
        3,  # issue 14: where the list opened, not where reading stopped
        12,
        "the list opened with [ is never closed",
    ),
    ("bad indentation", b"---\ntitle: a\n  owner: b\n---\n", 3, 8, "this line is indented"),
    ("tab indentation", b"---\ntags:\n\t- a\n---\n", 3, 1, "indent with spaces, not tabs"),
    ("unclosed", b"---\ntitle: a\n# Body\n", 1, 1, "not closed"),
    ("alias bomb", BOMB, 2, 4, "aliases"),
    ("merge key", b"---\nbase: &b {x: 1}\nother:\n  <<: *b\n---\n", 4, 3, "merge keys"),
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00", 1, 1, "binary"),
    ("latin-1", b"---\ntitle: ok\n---\nCaf\xe9\n", 4, 4, "not UTF-8"),
    # issue 14: the value's own line and column, in plain words
    ("impossible date", b"---\nreviewed: 2026-02-30\n---\n", 2, 11, "not a date on the calendar"),
    ("too long", b"---\nx: '" + b"a" * 70_000 + b"'\n---\n", 2, 1, "too long"),
    ("deep nesting", b"---\nx: " + b"[" * 5000 + b"]" * 5000 + b"\n---\n", 2, 1003, "nesting"),
]


@pytest.mark.parametrize(
    ("raw", "line", "col", "message"), [c[1:] for c in BROKEN], ids=[c[0] for c in BROKEN]
)
def test_broken_front_matter_points_at_the_line(raw, line, col, message):
    front, problems = parse_page(raw, "content/p.md")
    assert front is None
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.path, problem.line, problem.col) == ("content/p.md", line, col), str(problem)
    assert message in problem.message
    assert str(problem).startswith(f"content/p.md:{line}:{col}: ")
