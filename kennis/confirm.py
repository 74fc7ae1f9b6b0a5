"""Confirming pages: who may, ``/verify`` commands, the PR's "still accurate?" boxes, the bump.

The bump (``bump_reviewed``, also behind ``kennis verify``) sets ``reviewed``/``reviewed_by`` and
leaves every other byte of the page untouched.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date
from typing import Any
from urllib.parse import quote, unquote

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from .bot_text import bot_date
from .errors import KennisError, Problem
from .frontmatter import _FRONT_MATTER, parse_page
from .handles import Handle, handle_key
from .i18n import SOURCE_LANGUAGE, Translator, translator
from .markdown import inline_code
from .page import Page
from .status import PageStatus

SECTION_MARKER = "<!-- kennis:confirm -->"
ALL = "*"  # the "Confirm all" box's path
CONFIRM_ALL = f"<!-- kennis:confirm path={ALL} -->"
_COMMAND = re.compile(r"^\s*/verify\b(?P<args>[^\n]*)$", re.M)
_BOX = re.compile(
    r"^\s*[-*] \[(?P<mark>[ xX])\] .*<!-- kennis:confirm path=(?P<path>[^\s>]+) -->", re.M
)


def confirm_command(body: str | None) -> list[str] | None:
    """Paths named by ``/verify a.md b.md`` lines (``[]`` for a bare ``/verify``; None if none)."""
    found = list(_COMMAND.finditer(body or ""))
    if not found:
        return None
    paths = [p.strip("`") for m in found for p in m["args"].split()]
    return list(dict.fromkeys(p for p in paths if p))


def may_confirm(page: Page, login: str, teams_of: set[str]) -> bool:
    """True if ``login`` is the page's owner or a co-author, directly or through a team."""
    for handle in page.reviewers:
        if handle.is_team and handle.key in teams_of:
            return True
        if not handle.is_team and handle.key == handle_key(login):
            return True
    return False


def who_can_confirm(page: Page, tr: Translator | None = None) -> str:
    tr = tr or translator(SOURCE_LANGUAGE)
    return ", ".join(h.text for h in page.reviewers) or tr._("nobody (the page has no owner)")


def refusal(
    sender: str,
    pages: Sequence[Page],
    unknown: Sequence[str] = (),
    new: Sequence[str] = (),
    tr: Translator | None = None,
    *,
    decision: bool = False,
) -> str:
    """The polite reply about pages that were not confirmed: not theirs, not pages, or new.

    Paths may be whatever a ``/verify`` comment said, so they are shown as code that cannot
    break out (no mention, no reference, no HTML).
    """
    tr = tr or translator(SOURCE_LANGUAGE)
    lines = [f"- {inline_code(p.path)}: {who_can_confirm(p, tr)}" for p in pages]
    lines += [
        tr._("- {path}: not a page of this knowledge base", path=inline_code(path))
        for path in unknown
    ]
    lines += [
        tr._(
            "- {path}: new in this pull request; new pages need no confirmation (the owner's "
            "approval of this pull request is their review)",
            path=inline_code(path),
        )
        for path in new
    ]
    listed = "\n".join(lines)
    if not pages:
        return tr._(
            "@{sender}, there is nothing to confirm here:\n\n{lines}", sender=sender, lines=listed
        )
    if decision:  # /archive, /handover, /snooze or an action tick
        return tr._(
            "@{sender}, thanks for checking! Only a page's owner or a co-author can decide "
            "this, so this did not change anything:\n\n{lines}\n\n"
            "If you think the page needs changes, please edit it or open an issue.",
            sender=sender,
            lines=listed,
        )
    return tr._(
        "@{sender}, thanks for checking! Only a page's owner or a co-author can confirm that it "
        "is still accurate, so this did not change anything:\n\n{lines}\n\n"
        "If you think the page needs changes, please edit it or open an issue.",
        sender=sender,
        lines=listed,
    )


def render_confirm_section(touched: Sequence[PageStatus], tr: Translator | None = None) -> str:
    """The review comment's section for due/overdue pages a PR touches; "" when none are due.

    One checkbox per page with a hidden per-path marker, so an edit of the comment maps back.
    """
    tr = tr or translator(SOURCE_LANGUAGE)
    due = [s for s in touched if s.freshness.state in ("due", "overdue")]
    if not due:
        return ""
    intro = tr._(
        "**Still accurate?** This pull request touches pages that are due for review. Their "
        "owner or a co-author can tick a box to confirm a page in this pull request: kennis "
        "pushes the `reviewed:` bump to this branch."
    )
    lines = [SECTION_MARKER, intro, ""]
    for status in sorted(due, key=lambda s: (-s.freshness.days_overdue, s.page.path)):
        page, fresh = status.page, status.freshness
        assert fresh.due is not None
        text = tr._(
            "{path} — due {due} — confirm: {who}",
            path=inline_code(page.path),
            due=bot_date(tr, fresh.due),
            who=" ".join(h.text for h in page.reviewers),
        )
        # The path percent-encoded: no "-->" can end the hidden comment early.
        lines.append(f"- [ ] {text} <!-- kennis:confirm path={quote(page.path, safe='/')} -->")
    if len(due) > 1:
        all_pages = tr._("**Confirm all** the pages above")
        lines.append(f"* [ ] {all_pages} {CONFIRM_ALL}")
    return "\n".join(lines) + "\n"


def confirm_ticks(old_body: str | None, new_body: str | None) -> list[str]:
    """Paths whose confirm box went from ``[ ]`` to ``[x]`` in an edit of the review comment.

    A ticked "Confirm all" box stands for every page with a box in the comment.
    """
    before = {unquote(m["path"]): m["mark"] != " " for m in _BOX.finditer(old_body or "")}
    after = {unquote(m["path"]): m["mark"] != " " for m in _BOX.finditer(new_body or "")}
    ticked = [p for p, on in after.items() if on and not before.get(p, False)]
    if ALL in ticked:
        return [p for p in after if p != ALL]
    return ticked


def carry_ticks(old_body: str | None, new_body: str) -> str:
    """Keep ``[x]`` on confirm boxes that were already ticked when the comment is re-rendered.

    Otherwise a re-render would untick them and the next tick would look like a new one.
    """
    ticked = {m["path"] for m in _BOX.finditer(old_body or "") if m["mark"] != " "}
    if not ticked:
        return new_body
    return _BOX.sub(
        lambda m: m.group(0).replace("[ ]", "[x]", 1) if m["path"] in ticked else m.group(0),
        new_body,
    )


def branch_slug(handle: Handle | str) -> str:
    """``@acme/Ops`` → ``acme-ops``: safe in a branch name."""
    text = handle.text if isinstance(handle, Handle) else handle
    return re.sub(r"[^a-z0-9-]+", "-", text.lstrip("@").lower()).strip("-") or "owner"


# -- the bump: reviewed/reviewed_by rewritten, every other byte of the page kept -----------------
#
# ruamel.yaml's round-trip loader locates the two keys (line and column of key and value); we then
# rewrite only those lines, keeping their quoting, spacing and trailing comments, and reload the
# result with ruamel to prove that nothing else changed. A full ruamel dump would re-indent lists
# and re-space values, which is not acceptable for a file an expert wrote by hand.

_VALUE = re.compile(
    r"""(?P<value>"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#][^#]*?)(?P<rest>\s*(?:#.*)?)$"""
)


def _roundtrip(text: str) -> Any:
    return YAML(typ="rt").load(io.StringIO(text))


def _render(old: str | None, new: str, needs_quotes: bool) -> str:
    """Write ``new`` in the quoting style of the value it replaces."""
    if old and old[0] == "'":
        return f"'{new}'"
    if (old and old[0] == '"') or needs_quotes:
        return f'"{new}"'
    return new


def bump_reviewed(raw: bytes, path: str, by: Handle, on: date) -> bytes:
    """Return the page with ``reviewed: on`` and ``reviewed_by: by``; raise if it does not parse."""
    front, problems = parse_page(raw, path)
    if front is None or problems:
        raise KennisError(problems or [Problem(path, 1, 1, "the page could not be read")])
    text = front.text
    newline = "\r\n" if "\r\n" in text else "\n"
    bom = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
    match = _FRONT_MATTER.match(text)
    if match is None:
        header = f'---{newline}reviewed: {on.isoformat()}{newline}reviewed_by: "{by.text}"{newline}---{newline}'
        return (bom + header + text).encode("utf-8")
    yaml_text = match.group(1)
    data = load_for_edit(yaml_text, path)
    lines = yaml_text.splitlines(keepends=True)
    lines = _set(lines, data, "reviewed", on.isoformat(), False, after=None)
    data = _roundtrip("".join(lines))
    lines = _set(lines, data, "reviewed_by", by.text, True, after="reviewed")
    new_yaml = "".join(lines)
    _check(new_yaml, yaml_text, path, on, by)
    return (bom + text[: match.start(1)] + new_yaml + text[match.end(1) :]).encode("utf-8")


def _set(
    lines: list[str], data: Any, key: str, value: str, quote: bool, after: str | None
) -> list[str]:
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    if data is not None and key in data:
        line_no, col = data.lc.value(key)
        line = lines[line_no]
        head, tail = line[:col], line[col:].rstrip("\r\n")
        ending = line[len(line.rstrip("\r\n")) :]
        found = _VALUE.match(tail)
        old = found.group("value") if found else None
        rest = found.group("rest") if found else ""
        lines[line_no] = head + _render(old, value, quote) + rest + ending
        return lines
    new_line = f"{key}: {_render(None, value, quote)}{newline}"
    if after and data is not None and after in data:
        index = data.lc.key(after)[0] + 1
        return [*lines[:index], new_line, *lines[index:]]
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    return [*lines, new_line]


def _check(new_yaml: str, old_yaml: str, path: str, on: date, by: Handle) -> None:
    """Prove the edit: same keys and values as before except the two we set."""
    before, after = _roundtrip(old_yaml) or {}, _roundtrip(new_yaml)
    expected = {k: v for k, v in dict(before).items() if k not in ("reviewed", "reviewed_by")}
    actual = {k: v for k, v in dict(after).items() if k not in ("reviewed", "reviewed_by")}
    if (
        list(actual) != [k for k in after if k not in ("reviewed", "reviewed_by")]
        or actual != expected
        or str(after.get("reviewed")) != on.isoformat()
        or after.get("reviewed_by") != by.text
    ):
        raise KennisError(
            Problem(
                path, 1, 1, "could not update reviewed/reviewed_by without changing other lines"
            )
        )


def load_for_edit(text: str, path: str) -> Any:
    """Front matter as ruamel reads it, or an error when a surgical edit could not be proven."""
    try:
        data = _roundtrip(text)
    except YAMLError as exc:  # PyYAML accepted it but ruamel did not: refuse rather than guess.
        raise KennisError(
            Problem(path, 1, 1, f"cannot safely edit this front matter: {exc}")
        ) from exc
    if data is not None and data.fa.flow_style():
        raise KennisError(
            Problem(path, 2, 1, "cannot edit front matter written as one {…} mapping")
        )
    return data
