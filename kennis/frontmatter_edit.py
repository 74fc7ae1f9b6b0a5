"""Surgical front-matter edits: set or add keys and co-authors, every other byte of the page kept.

The owner commands (``/archive``, ``/handover``, ``/snooze``) write through ``edit_front_matter``
the way ``kennis.confirm.bump_reviewed`` writes a confirmation: ruamel.yaml's round-trip loader
locates each key, only those lines change, and the result is reloaded to prove that no other key
or value moved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .confirm import _roundtrip, _set, load_for_edit
from .errors import KennisError, Problem
from .frontmatter import _FRONT_MATTER, parse_page


@dataclass(frozen=True)
class FrontMatterEdit:
    """Keys to set (value text, whether to quote it) and the co-author list's additions/removals."""

    values: Mapping[str, tuple[str, bool]] = field(default_factory=dict)
    add_coauthors: Sequence[str] = ()
    drop_coauthors: Sequence[str] = ()  # handle keys (``@login`` lower-case)


def edit_front_matter(raw: bytes, path: str, edit: FrontMatterEdit) -> bytes:
    """Return the page with ``edit`` applied; KennisError if the front matter cannot be kept."""
    front, problems = parse_page(raw, path)
    if front is None or problems:
        raise KennisError(problems or [Problem(path, 1, 1, "the page could not be read")])
    text = front.text
    bom = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
    match = _FRONT_MATTER.match(text)
    newline = "\r\n" if "\r\n" in text else "\n"
    if match is None:
        text = f"---{newline}---{newline}{text}"
        match = _FRONT_MATTER.match(text)
        assert match is not None
    yaml_text = match.group(1)
    lines = _edited(yaml_text.splitlines(keepends=True), path, edit, newline)
    new_yaml = "".join(lines)
    _prove(yaml_text, new_yaml, path, edit)
    return (bom + text[: match.start(1)] + new_yaml + text[match.end(1) :]).encode("utf-8")


def _edited(lines: list[str], path: str, edit: FrontMatterEdit, newline: str) -> list[str]:
    previous = None
    for key, (value, quote) in edit.values.items():
        data = load_for_edit("".join(lines), path)
        after = previous if previous is not None else ("owner" if key != "owner" else None)
        lines = _set(lines, data, key, value, quote, after=after)
        previous = key
    if edit.add_coauthors or edit.drop_coauthors:
        lines = _coauthors(lines, load_for_edit("".join(lines), path), path, edit, newline)
    return lines


def _coauthors(
    lines: list[str], data: Any, path: str, edit: FrontMatterEdit, newline: str
) -> list[str]:
    """Rewrite the co-author list: a one-line list in place, a block list item by item."""
    current = list(data.get("coauthors") or []) if data is not None else []
    keep = [c for c in current if str(c).strip().lower() not in edit.drop_coauthors]
    keys = {str(c).strip().lower() for c in keep}
    wanted = keep + [a for a in edit.add_coauthors if a.lower() not in keys]
    flow = "[" + ", ".join(f'"{h}"' for h in wanted) + "]"
    if data is None or "coauthors" not in data:
        return _set(lines, data, "coauthors", flow, False, after="owner") if wanted else lines
    seq = data["coauthors"]
    if seq is None or not hasattr(seq, "fa") or seq.fa.flow_style() or not current:
        return _set(lines, data, "coauthors", flow, False, after=None)
    dropped = {seq.lc.item(i)[0] for i, c in enumerate(current) if c not in keep}
    last_line, col = seq.lc.item(len(current) - 1)
    indent = lines[last_line][: col - 2] if col >= 2 else ""
    added = [f'{indent}- "{h}"{newline}' for h in wanted if h not in keep]
    result = []
    for number, line in enumerate(lines):
        if number not in dropped:
            result.append(line)
        if number == last_line:
            result += added
    if not wanted:
        raise KennisError(Problem(path, last_line + 1, 1, "cannot empty a block co-author list"))
    return result


def _prove(old_yaml: str, new_yaml: str, path: str, edit: FrontMatterEdit) -> None:
    """Same keys and values as before except those ``edit`` names."""
    touched = set(edit.values) | (
        {"coauthors"} if edit.add_coauthors or edit.drop_coauthors else set()
    )
    before, after = _roundtrip(old_yaml) or {}, _roundtrip(new_yaml) or {}
    kept_before = {k: v for k, v in dict(before).items() if k not in touched}
    kept_after = {k: v for k, v in dict(after).items() if k not in touched}
    wrong = [k for k, (v, _q) in edit.values.items() if str(after.get(k)) != v]
    if kept_before != kept_after or list(kept_before) != list(kept_after) or wrong:
        raise KennisError(
            Problem(
                path,
                1,
                1,
                f"could not update {', '.join(sorted(touched))} without changing other lines",
            )
        )
