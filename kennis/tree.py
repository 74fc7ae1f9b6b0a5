"""Read-only views of a repository's files: the working tree here, a git revision in the App."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from .paths import is_under, join, normalize


class Tree(Protocol):
    """What the core needs to read a knowledge base: file bytes and a listing."""

    def read(self, path: str) -> bytes | None:
        """The bytes of ``path`` (repo-relative), or None when it does not exist."""

    def files(self, folder: str) -> Iterable[str]:
        """Every regular file below ``folder`` (repo-relative POSIX paths, any order)."""

    def special(self, folder: str) -> Iterable[tuple[str, str]]:
        """Entries below ``folder`` that are neither regular files nor folders, with their kind.

        That is ``(path, kind)`` for a symbolic link, device, FIFO, socket or (in git) submodule.
        """


class WorkTree:
    """The files of a checkout on disk; symbolic links and special files are listed, never read."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def read(self, path: str) -> bytes | None:
        # O_NOFOLLOW and O_NONBLOCK: a link to /etc/passwd is not read, a FIFO does not hang us.
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        try:
            fd = os.open(os.path.join(self.root, path), flags)  # no Path per read: 10,000 pages
        except OSError:
            return None
        with os.fdopen(fd, "rb") as file:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return None
            try:
                return file.read()
            except OSError:
                return None

    def files(self, folder: str) -> Iterable[str]:
        return (path for path, kind in self._walk(folder) if kind == "")

    def special(self, folder: str) -> Iterable[tuple[str, str]]:
        return ((path, kind) for path, kind in self._walk(folder) if kind)

    def _walk(self, folder: str) -> Iterable[tuple[str, str]]:
        """Every entry below ``folder`` with its kind ("" for a regular file); links not followed."""
        top = _kind(os.path.join(self.root, folder)) if folder else "folder"
        if top in _SPECIAL_KINDS:
            yield folder, top  # the content folder itself is a link or a device: read nothing
            return
        for current, dirs, names in os.walk(os.path.join(self.root, folder)):
            rel = normalize(Path(current).relative_to(self.root))
            kept = []
            for name in sorted([*dirs, *names]):
                if name == ".git":
                    continue
                kind = _kind(os.path.join(current, name))  # strings: a Path each cost more
                if kind == "folder":
                    kept.append(name)
                else:
                    yield join(rel, name), kind
            dirs[:] = kept


_SPECIAL_KINDS = frozenset(
    {"symbolic link", "named pipe (FIFO)", "socket", "device", "special file"}
)


def _kind(path: str) -> str:
    """The kind of entry: empty for a regular file, "folder", or what special thing it is."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return "file that cannot be read"
    if stat.S_ISREG(mode):
        return ""
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISLNK(mode):
        return "symbolic link"
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"


class MemoryTree:
    """Files held in a dict: for tests and for content read in one batch from git."""

    def __init__(
        self,
        files: dict[str, bytes],
        listing: Iterable[str] | None = None,
        special: dict[str, str] | None = None,
    ) -> None:
        self._files = files
        # The listing may name files whose bytes were not read (pages nobody asked for).
        self._listing = sorted(set(listing) if listing is not None else set(files))
        self._special = dict(special or {})  # path → kind, e.g. a symlink in a git tree

    def read(self, path: str) -> bytes | None:
        return self._files.get(path)

    def files(self, folder: str) -> Iterable[str]:
        prefix = f"{folder}/" if folder else ""
        return [p for p in self._listing if p.startswith(prefix)]

    def special(self, folder: str) -> Iterable[tuple[str, str]]:
        return sorted((p, k) for p, k in self._special.items() if is_under(p, folder))
