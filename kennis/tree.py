"""Read-only views of a repository's files: the working tree here, a git revision in the App."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from .paths import join, normalize


class Tree(Protocol):
    """What the core needs to read a knowledge base: file bytes and a listing."""

    def read(self, path: str) -> bytes | None:
        """The bytes of ``path`` (repo-relative), or None when it does not exist."""

    def files(self, folder: str) -> Iterable[str]:
        """Every file below ``folder`` (repo-relative POSIX paths, any order)."""


class WorkTree:
    """The files of a checkout on disk."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def read(self, path: str) -> bytes | None:
        file = self.root / path
        try:
            return file.read_bytes() if file.is_file() else None
        except OSError:
            return None

    def files(self, folder: str) -> Iterable[str]:
        base = self.root / folder
        for current, dirs, names in os.walk(base):
            dirs[:] = sorted(d for d in dirs if d != ".git")
            rel = normalize(Path(current).relative_to(self.root))
            for name in sorted(names):
                yield join(rel, name)


class MemoryTree:
    """Files held in a dict: for tests and for content read in one batch from git."""

    def __init__(self, files: dict[str, bytes], listing: Iterable[str] | None = None) -> None:
        self._files = files
        # The listing may name files whose bytes were not read (pages nobody asked for).
        self._listing = sorted(set(listing) if listing is not None else set(files))

    def read(self, path: str) -> bytes | None:
        return self._files.get(path)

    def files(self, folder: str) -> Iterable[str]:
        prefix = f"{folder}/" if folder else ""
        return [p for p in self._listing if p.startswith(prefix)]
