"""Fixes for common front-matter mistakes, planned line by line so a review can offer them.

Pure planning: ``plan_fixes(path, text)`` reads a page's front matter as lines (not as YAML, so a
line YAML cannot parse, such as ``owner: @bob``, does not hide the lines after it) and returns one
``Fix`` per line it can mend: the line's new text, or a question when the intent is unclear.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date

from .i18n import SOURCE_LANGUAGE, Translator, translator
from .intervals import parse_interval
from .markdown import inline_code
from .page import LIST_KEYS, SCALAR_KEYS, STATUSES, TYPES

#: Keys a near-miss may be corrected to (Material and other plugins' keys are left alone).
KNOWN_KEYS = tuple(dict.fromkeys((*SCALAR_KEYS, *LIST_KEYS, "archived", "snoozed_until")))
DATE_KEYS = ("reviewed", "archived", "snoozed_until")
HANDLE_KEYS = ("owner", "reviewed_by")
CHOICES = {"type": TYPES, "status": STATUSES}

_LINE = re.compile(
    r"^(?P<key>[A-Za-z_][\w-]*)(?P<sep>[ \t]*:[ \t]*)(?P<value>.*?)(?P<trail>[ \t]+#.*)?$"
)
_CLOSE = re.compile(r"\A-{3}[ \t]*$|\A\.{3}[ \t]*$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YMD = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})$")
_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "een": 1,
    "two": 2,
    "twee": 2,
    "three": 3,
    "drie": 3,
    "four": 4,
    "vier": 4,
    "five": 5,
    "vijf": 5,
    "six": 6,
    "zes": 6,
    "seven": 7,
    "zeven": 7,
    "eight": 8,
    "acht": 8,
    "nine": 9,
    "negen": 9,
    "ten": 10,
    "tien": 10,
    "twelve": 12,
    "twaalf": 12,
}
_UNITS = {
    "d": "day",
    "day": "day",
    "days": "day",
    "dag": "day",
    "dagen": "day",
    "w": "week",
    "wk": "week",
    "wks": "week",
    "week": "week",
    "weeks": "week",
    "weken": "week",
    "m": "month",
    "mo": "month",
    "mos": "month",
    "mnd": "month",
    "month": "month",
    "months": "month",
    "maand": "month",
    "maanden": "month",
    "y": "year",
    "yr": "year",
    "yrs": "year",
    "year": "year",
    "years": "year",
    "jaar": "year",
    "jaren": "year",
}
_SINGLE = {
    "half a year": "6 months",
    "half year": "6 months",
    "halfjaar": "6 months",
    "half jaar": "6 months",
    "een half jaar": "6 months",
    "halfjaarlijks": "6 months",
    "yearly": "1 year",
    "annually": "1 year",
    "jaarlijks": "1 year",
    "quarterly": "3 months",
    "a quarter": "3 months",
    "kwartaal": "3 months",
    "monthly": "1 month",
    "maandelijks": "1 month",
    "weekly": "1 week",
    "wekelijks": "1 week",
    "nooit": "never",
    "evergreen": "never",
}


MARKER = "<!-- kennis:suggestion -->"


@dataclass(frozen=True)
class Fix:
    """One line to mend: its 1-based number, new text (None: a question) and why."""

    path: str
    line: int
    old: str
    new: str | None
    message: str

    @property
    def key(self) -> str:
        """What makes this fix the same one again: file, line and the offered text."""
        return f"{self.path}:{self.line}:{self.new if self.new is not None else '?' + self.old}"

    def comment(self, tr: Translator | None = None) -> str:
        """The review comment: why, then GitHub's suggestion block (or just the question)."""
        if self.new is None:
            return f"{MARKER}\n{self.message}"
        tr = tr or translator(SOURCE_LANGUAGE)
        why = tr._("{why}. Click *Commit suggestion* to fix it:", why=self.message)
        return f"{MARKER}\n{why}\n\n```suggestion\n{self.new}\n```"


def front_matter_lines(text: str) -> list[tuple[int, str]]:
    """(1-based line number, text) of each front-matter line; empty without front matter."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip("\r").rstrip() != "---":
        return []
    found: list[tuple[int, str]] = []
    for number, raw in enumerate(lines[1:], start=2):
        line = raw.rstrip("\r")
        if _CLOSE.match(line):
            return found
        found.append((number, line))
    return []  # never closed: not front matter


def plan_fixes(path: str, text: str, tr: Translator | None = None) -> list[Fix]:
    """Every fixable mistake in the page's front matter, one per line, in line order.

    The messages are in *tr*'s language; a fix's ``key`` (what is offered) is the same in every.
    """
    tr, fixes = tr or translator(SOURCE_LANGUAGE), []
    for number, line in front_matter_lines(text):
        fix = _fix_line(path, number, line, tr)
        if fix is not None and "`" * 3 not in (fix.new or ""):  # the block must stay closed
            fixes.append(fix)
    return fixes


def _fix_line(path: str, number: int, line: str, tr: Translator) -> Fix | None:
    match = _LINE.match(line)
    if match is None:
        return None
    key, value = match.group("key"), match.group("value")
    reasons = []
    if key not in KNOWN_KEYS:
        near = difflib.get_close_matches(key.lower(), KNOWN_KEYS, n=1, cutoff=0.8)
        if not near:
            return None
        reasons.append(
            tr._(
                "{key} looks like a misspelling of {near}",
                key=inline_code(key),
                near="`" + near[0] + "`",
            )
        )
        key = near[0]
    new_value, why, question = _fix_value(key, value, tr)
    if question is not None:
        return Fix(path, number, line, None, question)
    if why:
        reasons.append(why)
    if not reasons:
        return None
    new = f"{key}{match.group('sep')}{new_value}{match.group('trail') or ''}"
    return Fix(path, number, line, new, "; ".join(reasons)) if new != line else None


def _unquoted(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _fix_value(key: str, value: str, tr: Translator) -> tuple[str, str, str | None]:
    """(new value, why, question): the value as it should be written."""
    plain = _unquoted(value.strip())
    if key in HANDLE_KEYS and value.startswith("@"):
        return f'"{value}"', tr._("a handle starting with @ must be in quotes"), None
    if key == "coauthors" and re.search(r"(^|[\[,]\s*)@", value):
        quoted = re.sub(r"(?<![\"'\w])(@[\w./-]+)", r'"\1"', value)
        return quoted, tr._("handles starting with @ must be in quotes"), None
    if key in DATE_KEYS and plain:
        return _fix_date(value, plain, tr)
    if key == "review_every" and plain:
        return _fix_interval(value, plain, tr)
    if key in CHOICES and plain and plain.lower() not in CHOICES[key]:
        near = difflib.get_close_matches(plain.lower(), CHOICES[key], n=1, cutoff=0.75)
        if near:
            why = tr._(
                "{value} is not a {key}; the nearest is {near}",
                value=inline_code(plain),
                key=key,
                near="`" + near[0] + "`",
            )
            return near[0], why, None
    return value, "", None


def _fix_date(value: str, plain: str, tr: Translator) -> tuple[str, str, str | None]:
    try:
        date.fromisoformat(plain)
        return value, "", None
    except ValueError:
        pass
    ymd = _YMD.match(plain)
    if ymd:
        year, month, day = (int(g) for g in ymd.groups())
        found = _day(year, month, day)
        iso = tr._("dates are written YYYY-MM-DD")
        return (found, iso, None) if found else (value, "", None)
    dmy = _DMY.match(plain)
    if not dmy:
        return value, "", None
    a, b, year = (int(g) for g in dmy.groups())
    day_first, month_first = _day(year, b, a), _day(year, a, b)
    if day_first and month_first and day_first != month_first:
        question = tr._(
            "Which day is {value}: {one} or {other}? Please write it as YYYY-MM-DD ({iso_one} or "
            "{iso_other}).",
            value=inline_code(plain),
            one=tr.date(date.fromisoformat(day_first)),
            other=tr.date(date.fromisoformat(month_first)),
            iso_one="`" + day_first + "`",
            iso_other="`" + month_first + "`",
        )
        return value, "", question
    found = day_first or month_first
    if found is None:
        return value, "", None
    return found, tr._("dates are written YYYY-MM-DD"), None


def _day(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def canonical_interval(text: str) -> str | None:
    """``6 maanden``, ``half a year``, ``6 month`` → ``6 months``; None when not understood."""
    words = re.sub(r"\s+", " ", text.strip().lower())
    words = re.sub(r"^(every|each|elke|iedere|om de) ", "", words)
    if words in _SINGLE:
        return _SINGLE[words]
    match = re.fullmatch(r"(\d{1,4}|[a-z]+) ?([a-z]+)", words)
    if match is None:
        return None
    count = int(match.group(1)) if match.group(1).isdigit() else _WORDS.get(match.group(1))
    unit = _UNITS.get(match.group(2))
    if not count or unit is None:
        return None
    try:
        return str(parse_interval(f"{count} {unit}s"))
    except ValueError:
        return None


def _fix_interval(value: str, plain: str, tr: Translator) -> tuple[str, str, str | None]:
    canonical = canonical_interval(plain)
    if canonical is None or canonical == plain:
        return value, "", None
    return (
        canonical,
        tr._('review intervals are written like "{canonical}"', canonical=canonical),
        None,
    )


_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.M)


def lines_in_diff(patch: str) -> set[int]:
    """New-side line numbers inside the hunks of a unified diff (where a review may comment)."""
    lines: set[int] = set()
    for match in _HUNK.finditer(patch):
        start, count = int(match.group(1)), int(match.group(2) or "1")
        lines.update(range(start, start + count))
    return lines


def review_body(fixes: list[Fix], tr: Translator | None = None) -> str:
    """The review's own text: what the comments are and how to take them."""
    tr = tr or translator(SOURCE_LANGUAGE)
    text = tr.ngettext(
        "kennis found one fix for the page settings at the top of the page. Each comment below "
        "sits on the line to change: click *Commit suggestion* to take it (or answer the "
        "question). Nothing else needs to change.",
        "kennis found {n} fixes for the page settings at the top of the page. Each comment below "
        "sits on the line to change: click *Commit suggestion* to take it (or answer the "
        "question). Nothing else needs to change.",
        len(fixes),
    )
    return f"{REVIEW_MARKER}\n{text}"


REVIEW_MARKER = "<!-- kennis:suggestions -->"
