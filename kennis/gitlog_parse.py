"""The parser of ``git log --name-status -M -z`` (`kennis.gitlog.LOG_FORMAT`): bytes to commits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple, Protocol

_CHUNK = 1 << 16  # small reads keep git and the parser running side by side
_RS = 0x1E  # the byte that opens a commit's record
_NL = ord("\n")
_TWO_PATHS = frozenset(b"RC")
_HEADER = 6  # fields before a commit's file entries: sha, name, e-mail, date, two trailer lists
#: A named tuple made from a tuple in C: its own ``__new__`` is Python, one call per file and
#: commit of the whole history.
_new = tuple.__new__


class Readable(Protocol):
    """Anything with ``read(n)``: a pipe, a file, BytesIO."""

    def read(self, size: int, /) -> bytes | None: ...


class CommitFile(NamedTuple):
    """One file a commit touched; bytes throughout, decoded only for the pages we keep."""

    status: int  # the status letter's byte: ord("A"), ord("M"), ord("D"), ord("R"), ...
    path: bytes
    old_path: bytes | None  # set for renames and copies


class LogCommit(NamedTuple):
    """A commit as git log printed it, undecoded: most commits touch no page we keep."""

    sha: bytes
    name: bytes
    email: bytes
    date: bytes  # strict ISO 8601 with the author's UTC offset
    trailers: bytes  # Co-authored-by values joined by 0x1f
    changes: list[CommitFile]
    credits: bytes = b""  # "Confirmed-by: Name <email>" and the like, joined by 0x1f


def _commits(
    tokens: list[bytes], at: int, changes: list[CommitFile], eof: bool
) -> tuple[list[LogCommit], int, int, list[CommitFile]]:
    """Every whole commit in ``tokens``; the first one's file entries are read from ``at`` on.

    Also where the first commit not yet whole starts, where to resume reading it and its file
    entries so far (a commit is whole once the next one starts, or at the end of the stream).
    """
    found: list[LogCommit] = []
    start, end = 0, len(tokens)
    while start < end:
        if end - start < _HEADER:
            if eof:
                raise ValueError(f"git log output ends inside a commit header: {tokens[start:]!r}")
            break
        head = tokens[start]
        if head[:1] != b"\x1e":
            raise ValueError(f"unexpected git log output near {head[:60]!r}")
        whole = False
        while at < end:
            token = tokens[at]
            if not token:
                raise ValueError(f"empty file status in git log output after {head[:41]!r}")
            status = token[0]
            if status == _RS:
                whole = True
                break
            if status == _NL:  # the first status follows a newline
                status = token[1]
            if status in _TWO_PATHS:
                if at + 2 >= end:
                    break
                changes.append(_new(CommitFile, (status, tokens[at + 2], tokens[at + 1])))
                at += 3
            else:
                if at + 1 >= end:
                    break
                changes.append(_new(CommitFile, (status, tokens[at + 1], None)))
                at += 2
        if not whole:
            if not eof:
                break  # more of this commit may be in the next chunk
            if at != end:
                raise ValueError(f"git log output ends inside a file entry: {tokens[at:]!r}")
        _, name, email, date, trailers, credits = tokens[start : start + _HEADER]
        found.append(_new(LogCommit, (head[1:], name, email, date, trailers, changes, credits)))
        start, at, changes = at, at + _HEADER, []
    return found, start, at, changes


def parse_log(stream: Readable) -> Iterator[LogCommit]:
    """Parse the ``LOG_FORMAT`` stream chunk by chunk; memory is about one chunk plus one commit.

    ``stream.read`` may return fewer bytes than asked (a raw pipe does); a commit spanning
    chunks is resumed where it stopped, never rescanned, so huge commits stay linear. The
    commits of a chunk are parsed in one call, then handed out.
    """
    tokens: list[bytes] = []
    changes: list[CommitFile] = []
    tail, eof, at = b"", False, _HEADER
    while not eof:
        chunk = stream.read(_CHUNK) or b""
        if chunk:
            parts = (tail + chunk).split(b"\0")
            tail = parts.pop()
        elif tail:  # with -z every token ends in NUL, so a leftover means git was cut off
            raise ValueError(f"git log output ends inside a field: {tail[:60]!r}")
        else:
            parts, eof = [], True
        tokens += parts
        found, start, at, changes = _commits(tokens, at, changes, eof)
        yield from found
        del tokens[:start]
        at -= start
