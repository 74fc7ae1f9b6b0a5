"""Load small YAML documents safely, with line/column positions and author-friendly errors.

We parse with PyYAML's libyaml-backed loader: the same YAML dialect MkDocs and Material's meta
plugin use (so ``kennis check`` agrees with the site), and ~17× faster than ruamel's round-trip
loader, which matters at thousands of pages. ruamel.yaml is used where formatting must survive
(``kennis verify``). Aliases are rejected outright: front matter has no use for them, and they are
how "billion laughs" documents explode.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import Problem
from .texts import N_

try:  # libyaml is bundled with PyYAML wheels; fall back to the pure-Python parser if absent.
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

Key = tuple[object, ...]
_STR = "tag:yaml.org,2002:str"
MAX_YAML_BYTES = 64 * 1024


@dataclass
class Located:
    """A loaded document plus where each value (and mapping key) starts, 1-based."""

    value: Any
    values: dict[Key, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Key, tuple[int, int]] = field(default_factory=dict)

    def where(self, *key: object) -> tuple[int, int]:
        """Position of the value at ``key`` (falling back to its key, then its parents)."""
        while key:
            if key in self.values:
                return self.values[key]
            key = key[:-1]
        return self.values.get((), (1, 1))

    def where_key(self, *key: object) -> tuple[int, int]:
        return self.keys.get(key) or self.where(*key)


class _Builder:
    """Turns libyaml nodes into plain Python values, recording positions and refusing aliases."""

    def __init__(self, loader: Any, path: str, line_offset: int) -> None:
        self.loader = loader
        self.path = path
        self.offset = line_offset
        self.seen: set[int] = set()
        self.located = Located(None)

    def pos(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1 + self.offset, node.start_mark.column + 1

    def fail(self, node: yaml.Node, message: str) -> Problem:
        line, col = self.pos(node)
        return Problem(self.path, line, col, message)

    def build(self, node: yaml.Node, key: Key) -> Any:
        if id(node) in self.seen:
            raise _Refused(
                self.fail(node, N_("YAML anchors and aliases (&name, *name) are not allowed"))
            )
        self.seen.add(id(node))
        self.located.values[key] = self.pos(node)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, key)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*key, i)) for i, item in enumerate(node.value)]
        if node.tag == _STR:
            return node.value  # what the constructor returns for a string, without its calls
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError) as exc:  # 2026-13-45: a date shape, not a calendar day
            raise _Refused(self.fail(node, _impossible(node, exc))) from None

    def mapping(self, node: yaml.MappingNode, key: Key) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _Refused(
                    self.fail(key_node, N_("YAML merge keys (<<) and aliases are not allowed"))
                )
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Refused(self.fail(key_node, N_("keys must be plain words like `owner:`")))
            name = (
                key_node.value if key_node.tag == _STR else self.loader.construct_object(key_node)
            )
            if not isinstance(name, str | int | float | bool) and name is not None:
                raise _Refused(self.fail(key_node, N_("keys must be plain words like `owner:`")))
            if name in result:
                raise _Refused(self.fail(key_node, f'duplicate key "{name}" (it appears twice)'))
            self.located.keys[(*key, name)] = self.pos(key_node)
            result[name] = self.build(value_node, (*key, name))
        return result


class _Refused(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def load_yaml(text: str, path: str, line_offset: int = 0) -> tuple[Located | None, Problem | None]:
    """Parse one YAML document; return (located value, None) or (None, the problem to report).

    ``line_offset`` shifts reported lines, for documents embedded in a file (front matter).
    """
    if len(text.encode("utf-8", "surrogatepass")) > MAX_YAML_BYTES:
        return None, Problem(
            path,
            1 + line_offset,
            1,
            N_("YAML is too long (over {size} KB)", size=MAX_YAML_BYTES // 1024),
        )
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        builder = _Builder(loader, path, line_offset)
        builder.located.value = None if node is None else builder.build(node, ())
        return builder.located, None
    except _Refused as refused:
        return None, refused.problem
    except yaml.MarkedYAMLError as exc:
        return None, syntax_problem(exc, text, path, line_offset)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        # libyaml reports some errors (e.g. control characters) without a mark; the constructor
        # raises ValueError for impossible dates like 2026-02-30.
        return None, Problem(path, 1 + line_offset, 1, N_("invalid YAML: {error}", error=exc))
    except RecursionError:
        return None, Problem(path, 1 + line_offset, 1, N_("YAML is nested too deeply"))
    finally:
        loader.dispose()


def _impossible(node: yaml.Node, exc: Exception) -> str:
    return N_(
        "{value} is not a date on the calendar ({error}); write a real day as YYYY-MM-DD,"
        " e.g. 2026-03-01",
        value=getattr(node, "value", ""),
        error=exc,
    )


_HANDLE = re.compile(r"@[^\s,\]}#]+")
_HANDLE_LINE = re.compile(r"^(?P<lead>\s*(?:-\s+)?)(?:(?P<key>[\w-]+):\s*)?(?P<handle>@[^\s,\]#]+)")


def syntax_problem(exc: yaml.MarkedYAMLError, text: str, path: str, offset: int) -> Problem:
    """A YAML syntax error in plain words, at the place the author must look."""
    problem = (exc.problem or exc.context or "invalid YAML").strip()
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1 + offset, mark.column + 1) if mark else (1 + offset, 1)
    lines = text.splitlines()
    source = lines[mark.line] if mark and mark.line < len(lines) else ""
    opened = _open_quote(lines[: mark.line] if mark else [])
    if opened is not None:
        return Problem(
            path,
            opened[0] + 1 + offset,
            opened[1] + 1,
            _unclosed_quote(line, col),
        )
    if mark is not None and source[mark.column : mark.column + 1] == "@":
        found = _HANDLE_LINE.match(source)
        handle = _HANDLE.match(source, mark.column)
        key = f"{found.group('key')}: " if found and found.group("key") else ""
        if found is None or found.group("handle") != (handle.group(0) if handle else None):
            key = ""  # inside a list: only the handle itself needs quotes
        return Problem(
            path,
            line,
            col,
            N_(
                "a handle starting with @ must be in quotes: write {fix}",
                fix=f'{key}"{handle.group(0) if handle else "@login"}"',
            ),
        )
    context = (exc.context or "").strip()
    if context.startswith("while scanning a quoted scalar") and exc.context_mark is not None:
        opened = exc.context_mark
        return Problem(
            path,
            opened.line + 1 + offset,
            opened.column + 1,
            _unclosed_quote(line, col),
        )
    context_mark = exc.context_mark
    flow = context in ("while parsing a flow sequence", "while parsing a flow mapping")
    if flow and context_mark is not None:
        if "sequence" in context:
            message = N_("the list opened with [ is never closed: end it with ] on the same line")
        else:
            message = N_(
                "the group opened with {open} is never closed: end it with {close} on the same line",
                open="{",
                close="}",
            )
        return Problem(path, context_mark.line + 1 + offset, context_mark.column + 1, message)
    return Problem(path, line, col, _plain(problem, source, mark.column if mark else 0))


_QUOTE_EXAMPLE = 'title: "Closing: the kitchen"'


def _plain(problem: str, source: str, column: int) -> str:
    """The parser's words for the common mistakes, said the way an author can act on them."""
    char = source[column : column + 1]
    if "mapping values are not allowed" in problem:
        if source[:1] in " \t":
            return N_("this line is indented: start every setting at the beginning of the line")
        return N_(
            "a value with a colon in it must be in quotes, e.g. {example}", example=_QUOTE_EXAMPLE
        )
    if "cannot start any token" in problem or "undefined alias" in problem:
        if char == "\t":
            return N_("a tab: indent with spaces, not tabs")
        if not char:
            return N_("a value cannot start with this character: put the value in quotes")
        return N_("a value cannot start with {char}: put the value in quotes", char=char)
    if "expected key" in problem:
        return N_(
            "this line does not read as `key: value`; a value with quotes or a colon in it must"
            " be in the other kind of quotes, e.g. {example} or {other}",
            example=_QUOTE_EXAMPLE,
            other='title: "It\'s here"',
        )
    return N_("YAML syntax error: {problem}", problem=problem)


def _unclosed_quote(line: int, col: int) -> str:
    return N_(
        "this quote is never closed (reading stopped at line {line}, column {col}):"
        " end the value with the same quote mark on this line",
        line=line,
        col=col,
    )


def _open_quote(lines: list[str]) -> tuple[int, int] | None:
    """Where a quote opened in ``lines`` is still open after the last of them (0-based), if any.

    A quote left open runs on over the next lines, so YAML stops at some later character; the
    author needs the line where the quote began.
    """
    quote: tuple[int, int, str] | None = None
    for number, text in enumerate(lines):
        column = 0
        while column < len(text):
            char = text[column]
            if quote is None:
                if char == "#" and (column == 0 or text[column - 1] in " \t"):
                    break  # a comment
                if char in "\"'" and (column == 0 or text[column - 1] in " \t:[{,-"):
                    quote = (number, column, char)
            elif char == "\\" and quote[2] == '"':
                column += 1
            elif char == quote[2]:
                if char == "'" and text[column + 1 : column + 2] == "'":
                    column += 1  # '' is a quote inside single quotes
                else:
                    quote = None
            column += 1
    return (quote[0], quote[1]) if quote else None
