"""CODEOWNERS with GitHub's semantics: which file counts, how patterns match, last match wins."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import Problem
from .frontmatter import decode
from .handles import Handle, parse_handle
from .page import Source
from .texts import N_, error_text

if TYPE_CHECKING:
    from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern

# GitHub reads the first of these that exists, in this order.
LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Rule:
    """One CODEOWNERS line: a pattern and its owners (may be empty: "nobody owns this")."""

    pattern: str
    owners: tuple[Handle, ...]
    source: Source
    _compiled: GitIgnoreSpecPattern
    _files_only: bool

    def matches(self, path: str) -> bool:
        if not self._compiled.match_file(path):
            return False
        if self._files_only and "/" in path:
            # GitHub: `docs/*` owns docs/a.md but not docs/sub/b.md (unlike .gitignore).
            return not self._compiled.match_file(path.rsplit("/", 1)[0])
        return True


@dataclass(frozen=True)
class CodeOwners:
    """The rules of the one CODEOWNERS file GitHub uses (empty when there is none)."""

    rules: tuple[Rule, ...] = ()

    def match(self, path: str) -> Rule | None:
        """The last rule matching ``path``, as on GitHub."""
        for rule in reversed(self.rules):
            if rule.matches(path):
                return rule
        return None


def _split(line: str) -> list[str]:
    """Split on whitespace, honouring backslash-escaped spaces and `#` in patterns."""
    parts, current, escaped = [], "", False
    for char in line:
        if escaped:
            current += char
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "#" and not current:
            break
        elif char.isspace():
            if current:
                parts.append(current)
            current = ""
        else:
            current += char
    if current:
        parts.append(current)
    return parts


def parse_codeowners(raw: bytes, path: str) -> tuple[CodeOwners, list[Problem]]:
    """Parse a CODEOWNERS file; unsupported syntax is reported, never silently skipped."""
    text, problem = decode(raw, path)
    if text is None:
        return CodeOwners(), [problem] if problem else []
    rules: list[Rule] = []
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = _split(line)
        if not parts:
            continue
        pattern, owners_text = parts[0], parts[1:]
        if pattern.startswith("!") or "[" in pattern:
            problems.append(
                Problem(
                    path,
                    number,
                    1,
                    N_(
                        '"{pattern}": GitHub CODEOWNERS does not support "!" or "[ ]" patterns',
                        pattern=pattern,
                    ),
                )
            )
            continue
        owners: list[Handle] = []
        for owner in owners_text:
            if owner[:1] == "#":
                break
            col = line.find(owner) + 1
            if _EMAIL.match(owner):
                problems.append(
                    Problem(
                        path,
                        number,
                        col,
                        N_(
                            "{owner}: e-mail owners cannot be asked to review by kennis; use @login",
                            owner=owner,
                        ),
                        "warning",
                    )
                )
                continue
            try:
                owners.append(parse_handle(owner))
            except ValueError as exc:
                problems.append(Problem(path, number, col, error_text(exc)))
        last = pattern.rstrip("/").rsplit("/", 1)[-1]
        files_only = (
            "/" in pattern.strip("/") and "*" in last and last != "**" and not pattern.endswith("/")
        )
        from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern  # ~20 ms: when used

        compiled = GitIgnoreSpecPattern(pattern)
        rules.append(Rule(pattern, tuple(owners), Source(path, number), compiled, files_only))
    return CodeOwners(tuple(rules)), problems
