"""The one normaliser for repository-relative POSIX paths used as keys everywhere."""

from __future__ import annotations

import posixpath
from pathlib import PurePath


def normalize(path: str | PurePath) -> str:
    """Return ``path`` as a canonical repo-relative POSIX path (no ``./``, no trailing slash).

    Raises ValueError for absolute paths and paths that climb out of the repository.
    """
    text = path.as_posix() if isinstance(path, PurePath) else str(path).replace("\\", "/")
    if text.startswith("/"):
        raise ValueError(f"{text}: expected a path relative to the repository root")
    norm = posixpath.normpath(text) if text else "."
    if norm == ".." or norm.startswith("../"):
        raise ValueError(f"{text}: path leaves the repository")
    return "" if norm == "." else norm


def parents(path: str) -> list[str]:
    """Folders containing ``path``, root first: ``a/b/c.md`` → ``["", "a", "a/b"]``."""
    parts = [part for part in path.split("/") if part and part != "."][:-1]  # "a//./b" is a/b
    return [""] + ["/".join(parts[: i + 1]) for i in range(len(parts))]


def is_under(path: str, folder: str) -> bool:
    """True when ``path`` is ``folder`` itself or inside it (``folder == ""`` is the root)."""
    return not folder or path == folder or path.startswith(folder + "/")


def join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name
