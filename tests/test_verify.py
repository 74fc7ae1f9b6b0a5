import difflib
from datetime import date

import pytest

from kennis.confirm import bump_reviewed
from kennis.errors import KennisError
from kennis.handles import parse_handle

ON = date(2026, 11, 27)
BY = parse_handle("@dave")

HAND_WRITTEN = """---
# Who answers for this page
title:    'Closing the kitchen at night'   # odd spacing kept
owner: "@alice"
coauthors: [ "@bob",   '@acme/cooks' ]
reviewed:   2025-01-01    # last confirmed
reviewed_by: '@carol'
review_every: 6 months
tags:
    - kitchen     # indented four
    - "night"
hide:
  - toc
---
# Closing

1. Lock the back door.
"""


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:1] in "+-"
    ]


def test_only_the_two_lines_change():
    after = bump_reviewed(HAND_WRITTEN.encode(), "p.md", BY, ON).decode()
    assert changed_lines(HAND_WRITTEN, after) == [
        "- reviewed:   2025-01-01    # last confirmed",
        "+ reviewed:   2026-11-27    # last confirmed",
        "- reviewed_by: '@carol'",
        "+ reviewed_by: '@dave'",
    ]


CASES = [
    (
        "adds both after the last key",
        '---\ntitle: x\nowner: "@a"\n---\nbody\n',
        '---\ntitle: x\nowner: "@a"\nreviewed: 2026-11-27\nreviewed_by: "@dave"\n---\nbody\n',
    ),
    (
        "adds reviewed_by right after reviewed",
        "---\nreviewed: 2020-01-01\ntype: faq\n---\n",
        '---\nreviewed: 2026-11-27\nreviewed_by: "@dave"\ntype: faq\n---\n',
    ),
    (
        "keeps double quotes",
        '---\nreviewed: "2020-01-01"\nreviewed_by: "@x"\n---\n',
        '---\nreviewed: "2026-11-27"\nreviewed_by: "@dave"\n---\n',
    ),
    (
        "empty front matter",
        "---\n---\nbody\n",
        '---\nreviewed: 2026-11-27\nreviewed_by: "@dave"\n---\nbody\n',
    ),
    (
        "no front matter",
        "# Page\n",
        '---\nreviewed: 2026-11-27\nreviewed_by: "@dave"\n---\n# Page\n',
    ),
    (
        "windows line endings",
        "---\r\nowner: '@a'\r\n---\r\nx\r\n",
        "---\r\nowner: '@a'\r\nreviewed: 2026-11-27\r\nreviewed_by: \"@dave\"\r\n---\r\nx\r\n",
    ),
]


@pytest.mark.parametrize(("before", "after"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bump_cases(before, after):
    assert bump_reviewed(before.encode(), "p.md", BY, ON).decode() == after


@pytest.mark.parametrize(
    "broken",
    [b"---\nowner: [\n---\n", b"---\n- a\n---\n", b"\x00\x01", b"---\na: 1\na: 2\n---\n"],
    ids=["syntax", "list", "binary", "duplicate"],
)
def test_refuses_pages_that_do_not_parse(broken):
    with pytest.raises(KennisError):
        bump_reviewed(broken, "p.md", BY, ON)
