"""Re-confirm a page: bump ``reviewed``/``reviewed_by`` and leave every other byte untouched.

ruamel.yaml's round-trip loader locates the two keys (line and column of key and value); we then
rewrite only those lines, keeping their quoting, spacing and trailing comments, and reload the
result with ruamel to prove that nothing else changed. A full ruamel dump would re-indent lists
and re-space values, which is not acceptable for a file an expert wrote by hand.
"""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from .errors import KennisError, Problem
from .frontmatter import _FRONT_MATTER, parse_page
from .handles import Handle

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
    try:
        data = _roundtrip(yaml_text)
    except YAMLError as exc:  # PyYAML accepted it but ruamel did not: refuse rather than guess.
        raise KennisError(
            Problem(path, 1, 1, f"cannot safely edit this front matter: {exc}")
        ) from exc
    if data is not None and data.fa.flow_style():
        raise KennisError(
            Problem(path, 2, 1, "cannot edit front matter written as one {…} mapping")
        )
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
