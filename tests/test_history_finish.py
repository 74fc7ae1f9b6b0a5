"""A full pass hands each page over as the walk reaches its creation; the output is the same."""

from __future__ import annotations

from pathlib import Path

from kennis import history_store
from kennis.config import Config
from kennis.history import HistoryIndex, ManifestLines, PageHistory, Person, write_manifest
from kennis.history_build import build_index, index_for
from kennis.history_cache import default_path, forget
from tests.gitrepo import GitRepo

ANN = "Ann <ann@example.com>"
PAGES = 70  # more than a batch of pages waiting for one `git check-mailmap`


def many_coauthored(tmp_path: Path) -> GitRepo:
    """Pages created one commit each, newest last, each naming a co-author .mailmap renames."""
    repo = GitRepo(tmp_path / "kb")
    repo.mailmap(
        "".join(f"Helper {n} <helper{n}@example.com> <h{n}@old.example>\n" for n in range(PAGES))
    )
    repo.write("content/zz-first.md", "# First\n").commit("first", author=ANN, date=_day(0))
    for n in range(PAGES):
        repo.write(f"content/p{n:02d}.md", f"# P{n}\n")
        trailer = f"Co-authored-by: H {n} <h{n}@old.example>"
        repo.commit(f"page {n}", author=ANN, date=_day(n + 1), trailers=[trailer])
    return repo


def _day(n: int) -> str:
    return f"2025-01-01T{n // 60:02d}:{n % 60:02d}:00+00:00"


def test_pages_come_as_the_walk_reaches_them_newest_first(tmp_path: Path) -> None:
    repo = many_coauthored(tmp_path)
    seen: list[PageHistory] = []
    index = build_index(repo.root, on_page=seen.append)
    order = [page.path for page in seen]
    # Not in path order: the page created last is reached first (in the first batch of pages
    # waiting for .mailmap); the first page, naming no co-author, before the last batch.
    assert order[0] == f"content/p{PAGES - 1}.md"
    assert order.index("content/zz-first.md") < order.index("content/p00.md")
    assert sorted(order) == sorted(index.pages) and len(order) == len(set(order))
    assert all(index.pages[page.path] is page for page in seen)


def test_every_coauthor_goes_through_mailmap_in_batches(tmp_path: Path) -> None:
    repo = many_coauthored(tmp_path)
    index = build_index(repo.root, on_page=lambda page: None)
    for n in range(PAGES):
        page = index.pages[f"content/p{n:02d}.md"]
        assert page.coauthors == (Person(f"Helper {n}", f"helper{n}@example.com"),)


def test_manifest_and_cache_from_lines_made_early_are_the_same(tmp_path: Path) -> None:
    repo = many_coauthored(tmp_path)
    lines = ManifestLines()
    forget()
    index = index_for(repo.root, Config(), on_page=lines.add)
    write_manifest(index, tmp_path / "early.json", lines)
    write_manifest(index, tmp_path / "late.json")
    assert (tmp_path / "early.json").read_bytes() == (tmp_path / "late.json").read_bytes()
    cache = default_path(repo.root / ".git", "content")
    _key, cached = history_store.read(cache.read_bytes())
    assert dict(cached.pages) == dict(index.pages) and cached.head == index.head
    # The rows written early decode to the pages a pass without any cache builds.
    assert HistoryIndex(index.head, dict(cached.pages)) == build_index(repo.root)
