"""Problems found in content, and the one exception type the core raises for bad input."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from .i18n import Translator

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a file, pointing at the line and column (1-based) to fix."""

    path: str
    line: int
    col: int
    message: str
    severity: Severity = "error"

    @property
    def location(self) -> str:
        """``path:line:col`` as far as it is known: ``path:line``, ``path``, or "" for none."""
        if not self.path:
            return ""
        # A file name may hold a newline or an escape sequence: show it, never let it act.
        path = "".join(c if c.isprintable() else repr(c)[1:-1] for c in self.path)
        if self.line < 1:
            return path
        return f"{path}:{self.line}:{self.col}" if self.col >= 1 else f"{path}:{self.line}"

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else "warning: "
        where = self.location
        return f"{where}: {prefix}{self.message}" if where else f"{prefix}{self.message}"

    def said(self, tr: Translator) -> str:
        """``str(self)`` in *tr*'s language, as far as its message was made with ``texts.N_``."""
        from .texts import say

        message = say(self.message, tr)
        if self.severity != "error":
            message = tr._("warning: {message}", message=message)
        where = self.location
        return f"{where}: {message}" if where else message

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "severity": self.severity,
            "message": self.message,
        }


class KennisError(Exception):
    """Bad input the user can fix; carries every problem found, never a traceback for content."""

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            # A message without a place: formatted bare, never as ":0:0: …".
            problems = [Problem("", 0, 0, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
