"""Readers' feedback on a page: the tally, the "reported outdated" rule and the texts that show them.

Pure code: the App stores reports and writes the one feedback issue per page, the site shows the
banner; both decide with these functions. Reader text reaches GitHub only through
`quote_reader`, which makes every line inert (no HTML, image, mention or reference).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote, unquote

from .bot_text import bot_date
from .i18n import SOURCE_LANGUAGE, Translator, translator
from .markdown import escape_inline, inline_code

KINDS = ("helpful", "not_helpful", "outdated", "unclear", "missing", "wrong", "thanks")
LABEL = "kennis:feedback"
LABEL_COLOR = "c5def5"
LABEL_DESCRIPTION = "Readers' feedback on one page (kennis)"
OUTDATED_LABEL = "kennis:outdated"
OUTDATED_COLOR = "d93f0b"
OUTDATED_DESCRIPTION = "Readers reported this page as out of date (kennis)"
MAX_COMMENT = 2000
COMMENT_LIMIT = 60_000  # characters per issue comment (GitHub refuses over 65,536)
COMMENT_REPORTS = 100  # reports quoted per comment at most (one comment per page and window)
_MARKER = re.compile(r"<!-- kennis:feedback page=(\S+) -->")


def shown(kind: str, tr: Translator | None = None) -> str:
    """A report's kind as the issue shows it ("👍 helpful", "verouderd")."""
    tr = tr or translator(SOURCE_LANGUAGE)
    names = {
        "helpful": tr._("👍 helpful"),
        "not_helpful": tr._("👎 not helpful"),
        "outdated": tr._("outdated"),
        "unclear": tr._("unclear"),
        "missing": tr._("something missing"),
        "wrong": tr._("wrong"),
        "thanks": tr._("thanks"),
    }
    return names.get(kind, kind)


@dataclass(frozen=True)
class Report:
    """One reader's report on one page."""

    id: str
    page: str  # repository-relative path of the page
    kind: str
    on: date
    comment: str = ""
    identity: str | None = None  # from the SSO header or the GitHub login of an issue form
    by_owner: bool = False  # the owner or a co-author reported it (one is enough)


def marker(page: str) -> str:
    """The hidden line that ties an issue to its page (percent-encoded: no ``-->`` inside)."""
    return f"<!-- kennis:feedback page={quote(page, safe='/')} -->"


def page_of(body: str | None) -> str | None:
    """The page a feedback issue is about, from its marker."""
    found = _MARKER.search(body or "")
    return unquote(found.group(1)) if found else None


def outdated_reports(reports: Iterable[Report]) -> list[Report]:
    """The distinct ``outdated`` reports: one per named reader, every anonymous one counts."""
    seen: set[str] = set()
    kept = []
    for report in reports:
        if report.kind != "outdated":
            continue
        if report.identity:
            if report.identity.lower() in seen:
                continue
            seen.add(report.identity.lower())
        kept.append(report)
    return kept


def is_reported_outdated(reports: Sequence[Report], threshold: int) -> bool:
    """``threshold`` distinct outdated reports, or one from the owner or a co-author."""
    found = outdated_reports(reports)
    return len(found) >= threshold or any(r.by_owner for r in found)


NOT_HELPFUL = ("not_helpful", "outdated", "unclear", "missing", "wrong")  # a 👎 and its reasons


def helpful_share(reports: Iterable[Report]) -> tuple[int, int]:
    """(helpful votes, all votes): a vote is 👍, or 👎 with or without a reason."""
    counts = Counter(r.kind for r in reports)
    return counts["helpful"], counts["helpful"] + sum(counts[k] for k in NOT_HELPFUL)


def needs_attention(reports: Sequence[Report], threshold: int) -> bool:
    """Reported outdated, or at least five votes of which fewer than half helpful."""
    helpful, votes = helpful_share(reports)
    return is_reported_outdated(reports, threshold) or (votes >= 5 and helpful * 2 < votes)


def issue_title(page: str, tr: Translator | None = None) -> str:
    tr = tr or translator(SOURCE_LANGUAGE)
    return tr._("Reader feedback: {page}", page=page)


def tally_lines(reports: Sequence[Report], tr: Translator | None = None) -> list[str]:
    """One table row per kind: how many, first and last date."""
    tr = tr or translator(SOURCE_LANGUAGE)
    rows = [tr._("| feedback | reports | first | last |"), "|---|---:|---|---|"]
    for kind in KINDS:
        days = sorted(r.on for r in reports if r.kind == kind)
        if days:
            first, last = bot_date(tr, days[0]), bot_date(tr, days[-1])
            rows.append(f"| {shown(kind, tr)} | {tr.number(len(days))} | {first} | {last} |")
    return rows


def issue_body(
    page: str,
    owner: str | None,
    reports: Sequence[Report],
    threshold: int,
    page_url: str | None,
    tr: Translator | None = None,
) -> str:
    """The feedback issue's body: whose page, the running tally, the reported-outdated state."""
    tr = tr or translator(SOURCE_LANGUAGE)
    where = f"[{inline_code(page)}]({page_url})" if page_url else inline_code(page)
    who = owner or tr._("the knowledge team")
    lines = [
        marker(page),
        tr._("Readers' feedback on {page}, for its owner {who}.", page=where, who=who),
        "",
        *tally_lines(reports, tr),
        "",
    ]
    if is_reported_outdated(reports, threshold):
        lines.append(
            tr.ngettext(
                "**Reported outdated** by a colleague: the site shows a banner until the page is "
                "confirmed (`/verify` or the review-due issue's box) or edited.",
                "**Reported outdated** by {n} colleagues: the site shows a banner until the page "
                "is confirmed (`/verify` or the review-due issue's box) or edited.",
                len(outdated_reports(reports)),
            )
        )
    lines.append(tr._("Comments from readers follow below; they are quoted as plain text."))
    return "\n".join(lines) + "\n"


def quote_reader(report: Report, tr: Translator | None = None) -> str:
    """A reader's comment as an inert quote: every line escaped, no mention, image or HTML."""
    tr = tr or translator(SOURCE_LANGUAGE)
    kind, on = shown(report.kind, tr), bot_date(tr, report.on)
    if report.identity:
        head = tr._("{who} ({kind}, {on}):", who=escape_inline(report.identity), kind=kind, on=on)
    else:
        head = tr._("A reader ({kind}, {on}):", kind=kind, on=on)
    quoted = [
        f"> {escape_inline(line)}" if line.strip() else ">" for line in report.comment.split("\n")
    ]
    return "\n".join([head, *quoted])


def comments_text(reports: Sequence[Report], tr: Translator | None = None) -> str:
    """Several readers' comments in one issue comment (writes are coalesced per page)."""
    return comment_batch(reports, tr, limit=None)[0]


def comment_batch(
    reports: Sequence[Report],
    tr: Translator | None = None,
    limit: int | None = COMMENT_LIMIT,
    most: int = COMMENT_REPORTS,
) -> tuple[str, list[Report]]:
    """The next issue comment: the oldest reports that fit GitHub's size limit (at least one).

    A flood of comments in one window becomes several comments, one per window, instead of one
    GitHub refuses ("body is too long") and would refuse again on every retry.
    """
    end = "\n<!-- kennis:feedback-comments -->\n"
    quotes: list[str] = []
    size = len(end)
    for report in reports[:most] if limit is not None else reports:
        quote = quote_reader(report, tr)
        if quotes and limit is not None and size + 2 + len(quote) > limit:
            break
        quotes.append(quote)
        size += 2 + len(quote)
    return "\n\n".join(quotes) + end, list(reports[: len(quotes)])


def thanks_text(reports: Sequence[Report], tr: Translator | None = None) -> str:
    """Closing comment: the page was confirmed or edited; thanks to the readers."""
    tr = tr or translator(SOURCE_LANGUAGE)
    n = len(outdated_reports(reports)) or len(reports)
    text = tr.ngettext(
        "Thank you, a colleague — the page was confirmed or edited, so the reported-outdated "
        "banner is gone. New feedback opens this issue again.",
        "Thank you, {n} colleagues — the page was confirmed or edited, so the reported-outdated "
        "banner is gone. New feedback opens this issue again.",
        n,
    )
    return text + "\n<!-- kennis:feedback-closed -->\n"


def banner_text(count: int, since: date, owner: str | None) -> str:
    """The site's banner: "2 colleagues reported on 3 December that this page may be out of date"."""
    who = f"{owner} has been asked" if owner else "the knowledge team has been asked"
    return (
        f"{_colleagues(count)[0].upper()}{_colleagues(count)[1:]} reported on "
        f"{since.day} {since:%B} that this page may be out of date; {who}."
    )


def _colleagues(n: int) -> str:
    return "a colleague" if n == 1 else f"{n} colleagues"


def reports_summary(reports: Sequence[Report]) -> dict[str, object]:
    """One page's open reports for the site build: counts, first outdated day, owner's own."""
    outdated = outdated_reports(reports)
    helpful, votes = helpful_share(reports)
    return {
        "outdated": len(outdated),
        "since": min(r.on for r in outdated).isoformat() if outdated else None,
        "by_owner": any(r.by_owner for r in outdated),
        "helpful": helpful,
        "votes": votes,
    }
