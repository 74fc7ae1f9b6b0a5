"""Problem and error texts: a real location or none, never ``:0:0:``."""

from __future__ import annotations

from pathlib import Path

import pytest

from kennis.errors import KennisError, Problem
from kennis.gitrev import GitError, GitReader

PROBLEMS = [
    ("full", Problem("content/a.md", 3, 8, "bad"), "content/a.md:3:8: bad"),
    ("line only", Problem("content/a.md", 3, 0, "bad"), "content/a.md:3: bad"),
    ("file only", Problem("content/a.md", 0, 0, "bad"), "content/a.md: bad"),
    ("no place", Problem("", 0, 0, "git failed"), "git failed"),
    ("warning", Problem("a.md", 1, 1, "odd", "warning"), "a.md:1:1: warning: odd"),
    ("bare warning", Problem("", 0, 0, "odd", "warning"), "warning: odd"),
]


@pytest.mark.parametrize(
    ("problem", "text"), [c[1:] for c in PROBLEMS], ids=[c[0] for c in PROBLEMS]
)
def test_a_problem_shows_the_location_it_has(problem: Problem, text: str) -> None:
    assert str(problem) == text


def test_an_error_rewrapped_twice_reads_as_its_message() -> None:
    inner = KennisError("git fetch failed (128): no such remote")
    outer = KennisError(str(KennisError(str(inner))))
    assert str(outer) == "git fetch failed (128): no such remote"


def test_a_real_git_failure_carries_no_empty_location(tmp_path: Path) -> None:
    with pytest.raises(GitError) as failure:
        GitReader(tmp_path / "missing").git("rev-parse", "HEAD")
    assert str(failure.value).startswith("git rev-parse failed (")
    assert ":0:0" not in str(failure.value)


def test_a_path_with_control_characters_is_shown_not_obeyed() -> None:
    problem = Problem("content/a\nb\x1b[31m.md", 0, 0, "bad name")
    assert str(problem) == "content/a\\nb\\x1b[31m.md: bad name"
