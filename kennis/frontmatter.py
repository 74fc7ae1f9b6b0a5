"""Split a Markdown page into its YAML front matter and body, the way MkDocs does."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import Problem
from .texts import N_
from .yamlload import Located, load_yaml

# The same delimiters MkDocs accepts (mkdocs.utils.meta): `---` opens, `---` or `...` closes.
_FRONT_MATTER = re.compile(
    r"\A-{3}[ \t]*\r?\n((?:.*?\r?\n)??)(?:-{3}|\.{3})[ \t]*(?:\r?\n|\Z)", re.S
)


@dataclass
class FrontMatter:
    """The parsed front matter of a page (``located`` is None when it has none)."""

    located: Located | None
    text: str  # the page text, decoded
    body_line: int  # first line of the body, 1-based
    yaml: str = ""  # the front matter's text, between its delimiters

    @property
    def data(self) -> dict[object, object]:
        value = self.located.value if self.located else None
        return value if isinstance(value, dict) else {}


def decode(raw: bytes, path: str) -> tuple[str | None, Problem | None]:
    """Decode page bytes as UTF-8 text, or explain why they are not a text page."""
    if b"\x00" in raw[:8192]:
        return None, Problem(path, 1, 1, N_("this is a binary file, not a Markdown text page"))
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, Problem(path, line, col, N_("the file is not UTF-8 text; save it as UTF-8"))


def parse_page(raw: bytes, path: str) -> tuple[FrontMatter | None, list[Problem]]:
    """Parse a page's front matter; problems carry the page's own line numbers."""
    text, problem = decode(raw, path)
    if text is None:
        return None, [problem] if problem else []
    match = _FRONT_MATTER.match(text)
    if not match:
        if text.startswith("---") and text[3:4] in ("", "\n", "\r", " ", "\t"):
            return None, [
                Problem(path, 1, 1, N_("front matter is not closed: add a line with --- after it"))
            ]
        return FrontMatter(None, text, 1), []
    body_line = text.count("\n", 0, match.end()) + 1
    placeholders = find_placeholders(match.group(1) or "", path)
    if placeholders:
        return None, placeholders
    located, problem = load_yaml(match.group(1) or "", path, line_offset=1)
    if problem:
        return None, [problem]
    assert located is not None
    if located.value is not None and not isinstance(located.value, dict):
        kind = N_("a list") if isinstance(located.value, list) else N_("a single value")
        line, col = located.where()
        return None, [
            Problem(
                path,
                line,
                col,
                N_(
                    'front matter must be keys and values (like `owner: "@alice"`), not {kind}',
                    kind=kind,
                ),
            )
        ]
    return FrontMatter(located, text, body_line, match.group(1) or ""), []


_PLACEHOLDER = re.compile(r"\{\{\s*([\w-]*)\s*\}\}")
_FILL = {
    "title": N_("write the page's title here"),
    "reviewed": N_("remove this line (the first commit counts) or write a date as YYYY-MM-DD"),
    "owner": N_(
        'write the owner\'s handle in quotes, like "@alice", or remove the line to inherit'
    ),
}


def find_placeholders(yaml_text: str, path: str) -> list[Problem]:
    """Template placeholders such as ``{{title}}`` left in the front matter, one problem each."""
    problems = []
    for number, line in enumerate(yaml_text.splitlines(), start=2):
        for found in _PLACEHOLDER.finditer(line):
            name = found.group(1)
            fill = _FILL.get(name, N_("replace it with the real value"))
            problems.append(
                Problem(
                    path,
                    number,
                    found.start() + 1,
                    N_(
                        "{placeholder} is a placeholder left from the template: {fill}",
                        placeholder=found.group(0),
                        fill=fill,
                    ),
                )
            )
    return problems
