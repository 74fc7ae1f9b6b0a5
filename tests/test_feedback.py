"""The feedback core: the reported-outdated rule, the tally, inert reader quotes, the banner text."""

from __future__ import annotations

from datetime import date

import pytest

from kennis.feedback import (
    Report,
    banner_text,
    comments_text,
    helpful_share,
    is_reported_outdated,
    issue_body,
    marker,
    needs_attention,
    page_of,
    quote_reader,
    tally_lines,
)

DAY = date(2026, 12, 3)


def report(kind: str = "outdated", who: str | None = None, owner: bool = False, n: int = 0):
    return Report(f"r{n}-{who}", "content/ops/faq.md", kind, DAY, identity=who, by_owner=owner)


@pytest.mark.parametrize(
    ("reports", "expected"),
    [
        ([report(n=1)], False),
        ([report(n=1), report(n=2)], True),  # two anonymous reports are two readers
        ([report(who="@dana", n=1), report(who="@DANA", n=2)], False),  # one named reader
        ([report(who="@dana"), report(who="@eli")], True),
        ([report(who="@sam-okafor", owner=True)], True),  # the owner's own report is enough
        ([report("not_helpful", n=1), report("wrong", n=2)], False),
    ],
    ids=["one", "two-anonymous", "same-reader-twice", "two-named", "owner", "other-kinds"],
)
def test_reported_outdated_rule(reports: list[Report], expected: bool) -> None:
    assert is_reported_outdated(reports, 2) is expected


def test_attention_after_five_votes_mostly_unhelpful() -> None:
    votes = [report("helpful", n=1)] + [report("not_helpful", n=n) for n in range(2, 6)]
    assert needs_attention(votes, 2)
    assert not needs_attention(votes[:4], 2)  # four votes are not enough to judge
    assert not needs_attention([report("helpful", n=n) for n in range(6)], 2)
    # A 👎 with a reason is a vote too (the widget always sends one).
    reasons = [report(k, n=n) for n, k in enumerate(["unclear", "missing", "wrong", "helpful"])]
    assert helpful_share(reasons) == (1, 4)


def test_tally_counts_kinds_with_first_and_last_date() -> None:
    late = Report("x", "p.md", "outdated", date(2026, 12, 9))
    rows = tally_lines([report(n=1), late, report("helpful", n=2)])
    assert "| 👍 helpful | 1 | 2026-12-03 | 2026-12-03 |" in rows
    assert "| outdated | 2 | 2026-12-03 | 2026-12-09 |" in rows


def test_a_hostile_comment_is_quoted_as_inert_text() -> None:
    hostile = Report(
        "h",
        "p.md",
        "wrong",
        DAY,
        comment="<script>alert(1)</script>\n@everyone @acme/all #12\n![x](http://example.invalid/a.png)",
        identity="@mallory <b>",
    )
    text = quote_reader(hostile)
    assert "<script>" not in text and "<b>" not in text
    assert "@everyone" not in text and "@acme/all" not in text and "#12" not in text
    assert "![x](" not in text
    assert all(line.startswith(">") for line in text.splitlines()[1:])
    assert comments_text([hostile]).count("> ") == 3


def test_marker_round_trips_any_path() -> None:
    for path in ("content/ops/faq.md", "content/a b/--> x.md", "content/ünï.md"):
        assert "-->" not in marker(path)[4:-3]
        assert page_of(f"text\n{marker(path)}\nmore") == path
    assert page_of("no marker") is None


def test_issue_body_says_reported_outdated_and_names_the_owner() -> None:
    body = issue_body("content/ops/faq.md", "@sam-okafor", [report(n=1), report(n=2)], 2, None)
    assert "for its owner @sam-okafor" in body and "**Reported outdated** by 2 colleagues" in body
    below = issue_body("content/ops/faq.md", "@sam-okafor", [report(n=1)], 2, None)
    assert "Reported outdated" not in below


def test_banner_text() -> None:
    assert banner_text(2, DAY, "@sam-okafor") == (
        "2 colleagues reported on 3 December that this page may be out of date; "
        "@sam-okafor has been asked."
    )
    assert banner_text(1, DAY, None).startswith("A colleague reported on 3 December")


def test_a_flood_of_comments_is_posted_in_comments_github_takes() -> None:
    from kennis.feedback import COMMENT_LIMIT, comment_batch

    flood = [Report(f"r{n}", "a.md", "outdated", date(2026, 12, 3), "x" * 1900) for n in range(80)]
    text, posted = comment_batch(flood)
    assert len(text) <= COMMENT_LIMIT < 65536 and 20 < len(posted) < 80
    assert posted == flood[: len(posted)]  # the oldest first; the rest wait for the next window
    rest, more = comment_batch(flood[len(posted) :])
    assert more and len(rest) <= COMMENT_LIMIT
    short = [Report(f"s{n}", "a.md", "outdated", date(2026, 12, 3), "ok") for n in range(300)]
    assert len(comment_batch(short)[1]) == 100  # at most 100 quoted per comment
