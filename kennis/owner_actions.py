"""Owners decide: ``/archive``, ``/handover``, ``/snooze`` and "confirm all", as front-matter edits.

Parsing a comment gives ``OwnerCommand`` values; ``plan_edit`` turns one into the surgical edit of
the page (``kennis.frontmatter_edit``) or a reason it cannot be done. Pure: the App decides who
may and lands the edits on the owner's one pull request of the day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .bot_text import interval_text
from .frontmatter_edit import FrontMatterEdit
from .handles import Handle, parse_handle
from .i18n import SOURCE_LANGUAGE, Translator, translator
from .intervals import Interval, parse_interval
from .page import Page

ACTIONS = ("archive", "handover", "snooze")
_COMMAND = re.compile(r"^\s*/(?P<action>archive|handover|snooze)\b(?P<args>[^\n]*)$", re.M)
USAGE = {
    "archive": "`/archive <page>`",
    "handover": "`/handover <page> @new-owner [--drop]`",
    "snooze": "`/snooze <page> <interval>` (e.g. `/snooze content/a.md 2 weeks`)",
}
#: Trailer keys the App writes on its commits, read back by the history index as credit.
TRAILERS = {
    "confirm": "Confirmed-by",
    "archive": "Archived-by",
    "handover": "Handed-over-by",
    "snooze": "Snoozed-by",
}


@dataclass(frozen=True)
class OwnerCommand:
    """One command line: which action, on which page, with its arguments (or why it is bad)."""

    action: str
    path: str
    new_owner: Handle | None = None
    drop: bool = False
    interval: Interval | None = None
    error: str | None = None  # in English, for logs; `explain` gives it in a reply's language
    missing: str = ""  # what the command lacks: "page", "owner" or "interval"


def parse_commands(body: str | None) -> list[OwnerCommand]:
    """Every ``/archive``, ``/handover`` and ``/snooze`` line of a comment, in order."""
    return [_parse(m["action"], m["args"].split()) for m in _COMMAND.finditer(body or "")]


def _parse(action: str, args: list[str]) -> OwnerCommand:
    words = [a.strip("`") for a in args]
    path = words[0] if words else ""
    if not path:
        return OwnerCommand(action, "", error=f"name the page: {USAGE[action]}", missing="page")
    if action == "archive":
        return OwnerCommand(action, path)
    if action == "handover":
        handles = [w for w in words[1:] if w.startswith("@")]
        try:
            new = parse_handle(handles[0]) if len(handles) == 1 else None
        except ValueError:
            new = None
        if new is None:
            return OwnerCommand(
                action, path, error=f"name one new owner: {USAGE[action]}", missing="owner"
            )
        return OwnerCommand(action, path, new_owner=new, drop="--drop" in words[1:])
    try:
        interval = parse_interval(" ".join(words[1:]))
    except ValueError:
        return OwnerCommand(
            action, path, error=f"say for how long: {USAGE[action]}", missing="interval"
        )
    return OwnerCommand(action, path, interval=interval)


def plan_edit(command: OwnerCommand, page: Page, on: date) -> FrontMatterEdit | str:
    """The front-matter edit ``command`` makes to ``page`` as of ``on``, or why it cannot."""
    if command.action == "archive":
        values = {"status": ("archived", False), "archived": (on.isoformat(), False)}
        return FrontMatterEdit(values)
    if command.action == "snooze":
        assert command.interval is not None
        every = page.review_every
        if every.never:
            return "this page never falls due, so there is nothing to snooze"
        if command.interval.never or command.interval.after(on) > every.after(on):
            return f"a page can be snoozed for at most its review interval ({every})"
        return FrontMatterEdit({"snoozed_until": (command.interval.after(on).isoformat(), False)})
    assert command.new_owner is not None
    new = command.new_owner
    old = page.owner.handle if page.owner else None
    if old is not None and old.key == new.key:
        return f"{new.text} already owns this page"
    add = [old.text] if old is not None and not command.drop else []
    return FrontMatterEdit({"owner": (new.text, True)}, add_coauthors=add, drop_coauthors=[new.key])


def summary(command: OwnerCommand, tr: Translator | None = None) -> str:
    """One line for the pull request body and commit message."""
    tr = tr or translator(SOURCE_LANGUAGE)
    if command.action == "archive":
        return tr._("archived (kept for history)")
    if command.action == "snooze":
        assert command.interval is not None
        return tr._("snoozed for {interval}", interval=interval_text(command.interval, tr))
    new = command.new_owner.text if command.new_owner else "?"
    if command.drop:
        return tr._("handed over to {owner}, previous owner dropped", owner=new)
    return tr._("handed over to {owner}", owner=new)


def explain(command: OwnerCommand, tr: Translator | None = None) -> str:
    """Why *command* could not be read, with its usage, in *tr*'s language."""
    tr = tr or translator(SOURCE_LANGUAGE)
    usage = {
        "archive": tr._("`/archive <page>`"),
        "handover": tr._("`/handover <page> @new-owner [--drop]`"),
        "snooze": tr._("`/snooze <page> <interval>` (e.g. `/snooze content/a.md 2 weeks`)"),
    }[command.action]
    if command.missing == "page":
        return tr._("name the page: {usage}", usage=usage)
    if command.missing == "owner":
        return tr._("name one new owner: {usage}", usage=usage)
    if command.missing == "interval":
        return tr._("say for how long: {usage}", usage=usage)
    return command.error or ""


def noreply(login: str) -> str:
    """``Name <login@users.noreply.github.com>``: how a trailer names a GitHub user."""
    return f"{login} <{login}@users.noreply.github.com>"
