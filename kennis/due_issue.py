"""The review-due issue's text (written by the scan) and reading an existing one back.

Each body carries a marker, one checkbox line per page and a data block::

    <!-- kennis:review-due owner=@alice -->            (whose issue this is)
    - [ ] [Title](url) — `content/a.md` — due 2026-01-01 (45 days overdue)
    <!-- kennis:review-due-data
    {"as_of": "...", "owner": "@alice", "pages": [{"path": ..., "seen": [...], ...}]}
    -->

The visible checkbox lines say which pages the owner ticked; the data block says which pages
the bot listed and what it remembers about them (``seen``: scan dates on which the page was
listed overdue, at most two; ``from``/``why``: whose page it was before escalation). The same
inputs give byte-identical bodies.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote, unquote

from .bot_text import bot_date, reason
from .handles import Handle, handle_key
from .i18n import SOURCE_LANGUAGE, Translator, translator
from .intervals import parse_interval
from .markdown import escape_inline, inline_code
from .owner_actions import OwnerCommand

LABEL = "kennis:review-due"
LABEL_COLOR = "d4c5f9"
LABEL_DESCRIPTION = "Pages whose owner should confirm they are still accurate (kennis)"
MARKER = "<!-- kennis:review-due owner={owner} -->"
DATA_OPEN = "<!-- kennis:review-due-data"
DATA_CLOSE = "-->"
ACTION_ROW = "  - [ ] {label} <!-- kennis:act {action} path={path} -->"
ACTIONS = ("archive", "snooze")
SNOOZE_TICK = "1 month"
MAX_LISTED = 100  # GitHub caps issue bodies at 65,536 characters; the rest follow later

_MARKER = re.compile(r"<!-- kennis:review-due owner=(?P<owner>@[^\s>]+) -->")
_DATA = re.compile(re.escape(DATA_OPEN) + r"\s*(?P<json>\{.*?\})\s*" + DATA_CLOSE, re.S)
# The path is a code span whose fence outlasts its backticks (`markdown.inline_code`). The words
# after it ("due", "te beoordelen op") are not read: an issue parses in any language.
_LINE = re.compile(
    r"^\s*[-*] \[(?P<mark>[ xX])\] .*?— (?P<fence>`+) ?(?P<path>[^\n]+?) ?(?P=fence) — \S", re.M
)


@dataclass(frozen=True)
class Listed:
    """What an existing issue says about one page."""

    path: str
    checked: bool = False
    seen: tuple[str, ...] = ()
    escalated_from: str | None = None
    reason: str | None = None
    semantic: tuple[object, ...] = ()


@dataclass(frozen=True)
class ExistingIssue:
    """An open review-due issue, parsed; ``owner`` is the handle text from its marker."""

    number: int
    owner: str
    title: str
    body: str
    assignees: tuple[str, ...] = ()
    pages: tuple[Listed, ...] = ()

    @property
    def owner_key(self) -> str:
        return handle_key(self.owner)


@dataclass(frozen=True)
class DueEntry:
    """One page in an owner's issue."""

    path: str
    title: str
    url: str | None
    due: date
    days_overdue: int
    state: str
    checked: bool = False
    seen: tuple[str, ...] = ()
    escalated_from: str | None = None
    reason: str | None = None
    reported: bool = False  # readers reported it outdated: listed first, whatever its due date
    original_changed: date | None = None  # a translation behind: when its original changed

    def semantic(self) -> tuple[object, ...]:
        """Everything a reader would notice changing, except day counts (they move daily)."""
        due = self.due.isoformat()
        return (
            (
                self.path,
                self.title,
                self.url,
                due,
                self.state,
                self.checked,
                self.seen,
                self.escalated_from,
                self.reason,
            )
            + ((True,) if self.reported else ())
            + _changed(self.original_changed)
        )


def _changed_json(day: date | None) -> dict[str, str]:
    return {"original_changed": day.isoformat()} if day else {}


def _changed(day: date | str | None) -> tuple[object, ...]:
    text = day.isoformat() if isinstance(day, date) else day
    return (("original_changed", text),) if isinstance(text, str) else ()


def has_marker(body: str) -> bool:
    """True if ``body`` still carries the marker that makes it a review-due issue."""
    return _MARKER.search(body) is not None


def title(owner: Handle, tr: Translator | None = None) -> str:
    """The issue's title (matched when deciding whether to edit: a new language rewrites it)."""
    tr = tr or translator(SOURCE_LANGUAGE)
    return tr._("Review due: pages owned by {owner}", owner=owner.text)


def label_description(tr: Translator | None = None) -> str:
    tr = tr or translator(SOURCE_LANGUAGE)
    return tr._("Pages whose owner should confirm they are still accurate (kennis)")


def thanks_body(owner: str, tr: Translator | None = None) -> str:
    """The closing body: every page on the owner's list was confirmed or updated."""
    tr = tr or translator(SOURCE_LANGUAGE)
    thanks = tr._(
        "{mention}, thank you! Every page on this list has been confirmed or updated, so nothing "
        "is due for review any more. kennis opens a new issue when a page falls due again.",
        mention=owner,
    )
    return MARKER.format(owner=owner) + "\n" + thanks + "\n"


def parse_issue(
    number: int, title: str, body: str | None, assignees: Iterable[str] = ()
) -> ExistingIssue | None:
    """Read an issue's marker, data block and checkboxes; None if it is not a review-due issue."""
    body = body or ""
    marker = _MARKER.search(body)
    if marker is None:
        return None
    checked = {m["path"]: m["mark"] != " " for m in _LINE.finditer(body)}
    pages: list[Listed] = []
    found = _DATA.search(body)
    data: dict[str, object] = {}
    if found:
        try:
            loaded = json.loads(found["json"])
            data = loaded if isinstance(loaded, dict) else {}
        except ValueError:
            data = {}
    raw_pages = data.get("pages")
    for item in raw_pages if isinstance(raw_pages, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("path"), str):
            continue
        seen = tuple(s for s in item.get("seen") or () if isinstance(s, str))
        tick = checked.get(item["path"], False)
        semantic = (
            (
                item["path"],
                item.get("title"),
                item.get("url"),
                item.get("due"),
                item.get("state"),
                tick,
                seen,
                item.get("from"),
                item.get("why"),
            )
            + ((True,) if item.get("reported") is True else ())
            + _changed(item.get("original_changed"))
        )
        pages.append(Listed(item["path"], tick, seen, item.get("from"), item.get("why"), semantic))
    return ExistingIssue(number, marker["owner"], title, body, tuple(assignees), tuple(pages))


def ticked(old_body: str | None, new_body: str | None) -> list[str]:
    """Paths whose box went from ``[ ]`` to ``[x]`` between two versions of an issue body."""
    before = {m["path"]: m["mark"] != " " for m in _LINE.finditer(old_body or "")}
    after = {m["path"]: m["mark"] != " " for m in _LINE.finditer(new_body or "")}
    listed = parse_issue(0, "", new_body)
    known = {p.path for p in listed.pages} if listed else set()
    return [p for p, on in after.items() if on and not before.get(p, False) and p in known]


_ACT = re.compile(
    r"^\s*[-*] \[(?P<mark>[ xX])\] .*<!-- kennis:act (?P<action>[a-z]+)(?: path=(?P<path>[^\s>]+))? -->",
    re.M,
)


def action_rows(path: str, tr: Translator | None = None) -> list[str]:
    """The tick rows under one page line: archive, snooze (the path percent-encoded)."""
    tr = tr or translator(SOURCE_LANGUAGE)
    where = quote(path, safe="/")  # no "-->" can end the hidden comment early
    labels = {"archive": tr._("archive (kept for history)"), "snooze": tr._("snooze for 1 month")}
    return [ACTION_ROW.format(label=labels[a], action=a, path=where) for a in ACTIONS]


def action_ticks(old_body: str | None, new_body: str | None) -> list[OwnerCommand]:
    """Action rows ticked between two versions of an issue body, as owner commands.

    "Confirm all" comes back as a command with action ``confirm`` and no path.
    """

    def marks(body: str | None) -> dict[tuple[str, str], bool]:
        found = _ACT.finditer(body or "")
        return {(m["action"], unquote(m["path"] or "")): m["mark"] != " " for m in found}

    before, after = marks(old_body), marks(new_body)
    result = []
    for (action, path), on in after.items():
        if not on or before.get((action, path), False):
            continue
        if action == "confirm":
            result.append(OwnerCommand("confirm", ""))
        elif action in ACTIONS and path:
            every = parse_interval(SNOOZE_TICK) if action == "snooze" else None
            result.append(OwnerCommand(action, path, interval=every))
    return result


def _days(entry: DueEntry, tr: Translator) -> str:
    if entry.state == "due_soon":
        return tr._("due soon")
    if entry.days_overdue == 0:
        return tr._("due today")
    return tr.ngettext("{n} day overdue", "{n} days overdue", entry.days_overdue)


def render_line(entry: DueEntry, tr: Translator | None = None) -> str:
    tr = tr or translator(SOURCE_LANGUAGE)
    mark = "x" if entry.checked else " "
    title = escape_inline(entry.title)
    link = f"[{title}]({entry.url})" if entry.url else title
    path = inline_code(entry.path)
    due = tr._("due {due} ({days})", due=bot_date(tr, entry.due), days=_days(entry, tr))
    line = f"- [{mark}] {link} — {path} — {due}"
    if entry.escalated_from:
        why = reason(entry.reason or "", tr)
        line += " — " + tr._("escalated from {owner} ({why})", owner=entry.escalated_from, why=why)
    if entry.reported:
        line += " — " + tr._("**reported outdated by readers**")
    if entry.original_changed:
        day = bot_date(tr, entry.original_changed)
        line += " — " + tr._("a translation: its original changed on {day}", day=day)
    return line


def render_issue(
    owner: Handle,
    entries: Sequence[DueEntry],
    as_of: date,
    more: int = 0,
    tr: Translator | None = None,
) -> str:
    """The issue body: marker, intro, one line per page (most overdue first), data block.

    Only the words follow *tr*'s language; the marker, data block and hidden action markers do
    not, so an issue written in one language is read back after a switch to another.
    """
    tr = tr or translator(SOURCE_LANGUAGE)
    data = {
        "as_of": as_of.isoformat(),
        "owner": owner.text,
        "pages": [
            {
                "path": e.path,
                "title": e.title,
                "url": e.url,
                "due": e.due.isoformat(),
                "state": e.state,
                "seen": list(e.seen),
                "from": e.escalated_from,
                "why": e.reason,
                **({"reported": True} if e.reported else {}),
                **_changed_json(e.original_changed),
            }
            for e in entries
        ],
    }
    lines = [
        MARKER.format(owner=owner.text),
        _intro(owner, tr),
        "",
        *(line for e in entries for line in (render_line(e, tr), *action_rows(e.path, tr))),
        *([_more(more, tr)] if more > 0 else []),
        "",
        tr._(
            "Or decide with a tick: archive a page nobody should follow any more, snooze it for "
            "a month, or confirm them all. To hand a page over, comment "
            "`/handover <path> @new-owner`."
        ),
        "",
        "* [ ] " + tr._("**Confirm all** pages listed here") + " <!-- kennis:act confirm -->",
        "",
        tr._("_Status as of {as_of}._", as_of=bot_date(tr, as_of)),
        "",
        DATA_OPEN,
        json.dumps(data, ensure_ascii=False, sort_keys=True).replace("--", "\\u002d-"),
        DATA_CLOSE,
    ]
    return "\n".join(lines) + "\n"


def _intro(owner: Handle, tr: Translator) -> str:
    return tr._(
        "{mention}, these pages are due for review. If a page is still accurate, tick its box "
        "(or comment `/verify <path>`) and kennis opens a pull request recording who confirmed "
        "it and when. If it needs changes, edit the page; the list updates on the next scan.",
        mention=owner.text,
    )


def _more(count: int, tr: Translator) -> str:
    return tr.ngettext(
        "…and {n} more page, listed here as these are done.",
        "…and {n} more pages, listed here as these are done.",
        count,
    )
