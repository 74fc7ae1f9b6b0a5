"""The history cache file: a new process decodes only what it needs; a bad file is a full pass."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kennis import history_store
from kennis.config import Config
from kennis.history import HistoryIndex
from kennis.history_build import index_for
from kennis.history_cache import forget
from kennis.history_store import CachedPages
from tests.gitrepo import GitRepo

CONFIG = Config()
ANN, BO = "Ann <ann@example.com>", "Bo <bo@example.com>"


def seeded(tmp_path: Path) -> tuple[GitRepo, Path]:
    repo = GitRepo(tmp_path / "kb")
    for n in range(4):
        repo.write(f"content/p{n}.md", f"# P{n}\n" + "text\n" * 8)
    repo.commit("start", author=ANN, date="2025-01-01T09:00:00+00:00")
    repo.append("content/p2.md", "more\n").commit(
        "edit", author=BO, date="2025-01-01T10:00:00+00:00", trailers=[f"Co-authored-by: {ANN}"]
    )
    cache = tmp_path / "cache"
    index_for(repo.root, CONFIG, cache=cache)
    return repo, cache


def one_more_commit(repo: GitRepo) -> None:
    repo.append("content/p1.md", "edit\n").commit(
        "edit", author=BO, date="2025-01-02T09:00:00+00:00"
    )
    repo.mv("content/p3.md", "content/moved.md")
    repo.commit("move", author=ANN, date="2025-01-02T10:00:00+00:00")


def full(repo: GitRepo) -> HistoryIndex:
    return index_for(repo.root, CONFIG, cache=False)


def test_a_new_process_decodes_only_the_pages_the_new_commits_touched(tmp_path: Path) -> None:
    repo, cache = seeded(tmp_path)
    one_more_commit(repo)
    forget()  # a new process: the update starts from the file
    index = index_for(repo.root, CONFIG, cache=cache)  # the index every caller gets
    assert isinstance(index.pages, CachedPages)
    assert sorted(index.pages.pages) == ["content/moved.md", "content/p1.md"]
    assert sorted(index.pages) == [
        "content/moved.md",
        "content/p0.md",
        "content/p1.md",
        "content/p2.md",
    ]
    assert index == full(repo)  # every page decoded now, each the full pass's


def test_a_rewritten_file_keeps_the_rows_it_did_not_decode(tmp_path: Path) -> None:
    _repo, cache = seeded(tmp_path)
    first = cache.read_bytes().split(b"\n")
    forget()
    key, index = history_store.read(cache.read_bytes())
    again = history_store.write(index, key).split(b"\n")  # nothing decoded: the same rows
    assert again[2:] == first[2:]
    assert json.loads(again[1])["digest"] == json.loads(first[1])["digest"]


def digest_fixed(lines: list[bytes]) -> bytes:
    """The file with its digest recomputed: damage the digest check cannot see."""
    header = json.loads(lines[1])
    body = b"\n".join(lines[2:])
    header["digest"] = hashlib.blake2b(body, digest_size=16).hexdigest()
    return b"\n".join([lines[0], json.dumps(header).encode(), body])


PACKED_DAMAGE = (
    "contributions as plain lists",
    "a contribution cut short",
    "a person past the end of the table",
    "contributions that are not base64",
)


def damage(cache: Path, how: str) -> None:
    data = cache.read_bytes()
    lines = data.split(b"\n")
    if how == "truncated":
        cache.write_bytes(data[: len(data) * 2 // 3])
    elif how == "a flipped byte":
        cache.write_bytes(data[:-10] + bytes([data[-10] ^ 1]) + data[-9:])
    elif how == "empty":
        cache.write_bytes(b"")
    elif how == "the old JSON cache":
        cache.write_text(json.dumps({"cache_version": 2, "fingerprint": "x", "index": {}}))
    elif how == "a row that is not one":
        for n in range(3, len(lines) - 1):
            lines[n] = b'["not", "a", "row"]'  # every cached row but the first page's
        cache.write_bytes(digest_fixed(lines))
    elif how == "the edited page's row is not one":
        at = json.loads(lines[2]).index("content/p1.md")  # its older history is needed
        lines[3 + at] = b"[1, 2]"
        cache.write_bytes(digest_fixed(lines))
    elif how in PACKED_DAMAGE:
        for n in range(3, len(lines) - 1):  # every page's contributions
            row = json.loads(lines[n])
            numbers = list(history_store.unpack(row[7]))
            if how == "contributions as plain lists":
                row[7] = [numbers[:3]]  # the shape of version 4
            elif how == "a contribution cut short":
                row[7] = history_store.pack(numbers[:4])
            elif how == "a person past the end of the table":
                row[7] = history_store.pack([2**32 - 1, *numbers[1:]])
            else:
                row[7] = row[7][:-2] + "!="  # not base64
            lines[n] = json.dumps(row).encode()
        cache.write_bytes(digest_fixed(lines))
    elif how == "a date without its offset":  # the header is not under the digest
        header = json.loads(lines[1])
        header["dates"] = [text[:19] for text in header["dates"]]
        cache.write_bytes(b"\n".join([lines[0], json.dumps(header).encode(), *lines[2:]]))
    elif how == "a head that is a git option":  # fed to `git log`, it would write a file
        header = json.loads(lines[1])
        header["head"] = f"--output={cache.parent / 'planted'}"
        cache.write_bytes(b"\n".join([lines[0], json.dumps(header).encode(), *lines[2:]]))
    else:  # "a missing row"
        cache.write_bytes(digest_fixed([*lines[:3], *lines[4:]]))


@pytest.mark.parametrize(
    "how",
    [
        "truncated",
        "a flipped byte",
        "empty",
        "the old JSON cache",
        "a row that is not one",
        "the edited page's row is not one",
        "a missing row",
        *PACKED_DAMAGE,
        "a date without its offset",
        "a head that is a git option",
    ],
)
def test_a_damaged_file_gives_the_full_pass(tmp_path: Path, how: str) -> None:
    repo, cache = seeded(tmp_path)
    damage(cache, how)
    one_more_commit(repo)
    forget()  # a new process reads the damaged file
    index = index_for(repo.root, CONFIG, cache=cache)
    assert dict(index.pages) == dict(full(repo).pages)  # never a traceback, never a wrong page
    assert index == full(repo)
    assert not list(cache.parent.glob("planted*"))


def test_dates_added_since_a_read_are_parsed_by_the_next_one() -> None:
    """An updated index appends dates; a reader's list stays whole, the next read has them all."""
    table = history_store.Table(dates=["2025-01-01T09:00:00+00:00"])
    held = table.parsed()
    at = table.date_at("2025-01-02T09:00:00+01:00")
    assert table.parsed()[at] == datetime(2025, 1, 2, 8, tzinfo=UTC)
    assert held == [datetime(2025, 1, 1, 9, tzinfo=UTC)]  # not grown under its reader
    table.date_at("2025-01-03T09:00:00")  # no offset: git never writes one so
    with pytest.raises(ValueError, match="without its offset"):
        table.parsed()
