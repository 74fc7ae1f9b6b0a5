"""A full pass hands each page over as the walk reaches its creation; the output is the same."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from kennis import history_store
from kennis.config import Config
from kennis.history import (
    Contribution,
    Credit,
    HistoryIndex,
    PageHistory,
    Person,
    write_manifest,
)
from kennis.history_build import build_index, index_for
from kennis.history_cache import default_path, forget
from kennis.history_finish import Finisher
from kennis.history_lines import ManifestLines
from kennis.repository import open_repository
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
    # Not in path order: the first page, naming no co-author, as soon as the walk reaches it;
    # the others when .mailmap has answered for them (the first batch, asked while the walk went
    # on, before the last pages, asked after it).
    assert order[0] == "content/zz-first.md"
    assert order.index(f"content/p{PAGES - 1}.md") < order.index("content/p00.md")
    assert sorted(order) == sorted(index.pages) and len(order) == len(set(order))
    assert all(index.pages[page.path] is page for page in seen)


def test_every_coauthor_goes_through_mailmap_in_batches(tmp_path: Path) -> None:
    repo = many_coauthored(tmp_path)
    index = build_index(repo.root, on_page=lambda page: None)
    for n in range(PAGES):
        page = index.pages[f"content/p{n:02d}.md"]
        assert page.coauthors == (Person(f"Helper {n}", f"helper{n}@example.com"),)


def test_a_coauthor_named_with_a_line_separator_is_one_answer_of_mailmap(tmp_path: Path) -> None:
    """git answers one line per ident; U+2028 or a form feed inside a name is not a line end."""
    repo = GitRepo(tmp_path / "kb")
    repo.mailmap("Helper <helper@example.com> <h@old.example>\n")
    repo.write("content/a.md", "# A\n")
    odd = ["Co-authored-by: Foo\u2028Bar <foo@example.com>", "Co-authored-by: Baz\x0cQux <b@x.org>"]
    repo.commit("a", author=ANN, date=_day(1), trailers=[*odd, "Co-authored-by: H <h@old.example>"])
    for index in (build_index(repo.root), build_index(repo.root, on_page=lambda page: None)):
        names = {person.name for person in index.pages["content/a.md"].coauthors}
        assert names == {"Foo\u2028Bar", "Baz\x0cQux", "Helper"}


@pytest.mark.parametrize("with_rows", [False, True])
def test_manifest_and_cache_from_lines_made_early_are_the_same(
    tmp_path: Path, with_rows: bool
) -> None:
    repo = many_coauthored(tmp_path)
    lines = ManifestLines()
    forget()
    # ManifestLines itself as on_page: its lines are made with the cache rows (kennis index)
    index = index_for(repo.root, Config(), on_page=lines if with_rows else lines.add)
    assert lines.ready.keys() == index.pages.keys()
    write_manifest(index, tmp_path / "early.json", lines)
    write_manifest(index, tmp_path / "late.json")
    assert (tmp_path / "early.json").read_bytes() == (tmp_path / "late.json").read_bytes()
    cache = default_path(repo.root / ".git", "content")
    _key, cached = history_store.read(cache.read_bytes())
    assert dict(cached.pages) == dict(index.pages) and cached.head == index.head
    # The rows written early decode to the pages a pass without any cache builds.
    assert HistoryIndex(index.head, dict(cached.pages)) == build_index(repo.root)


def test_rows_and_lines_made_together_are_what_the_encoders_write() -> None:
    ann, bob = Person('Ann "A" Ünal', "ann@example.com"), Person("Bob\\", "")
    day = datetime.fromisoformat("2025-01-01T10:00:00+01:00")
    later = datetime.fromisoformat("2025-02-01T10:00:00-05:30")
    same = datetime.fromisoformat("2025-01-01T10:00:00+01:00")  # equal to day, another object
    pages = [
        PageHistory(
            "content/a.md",
            day,
            later,
            bob,
            (ann, bob),
            (bob,),
            3,
            ("content/ä.md", 'content/"q".md'),
            (Contribution(ann, 2, day), Contribution(bob, 1, later)),
            (Credit("confirmed", bob, later), Credit("snoozed", ann, same)),
        ),
        PageHistory("content/b.md", same, same, ann, (ann,), (), 1),
        PageHistory("content/ö.md", later, later, Person("Cé", "c@example.com"), (), (), 0),
    ]
    together = history_store.NewRows(ManifestLines())
    alone = history_store.NewRows()
    table = history_store.Table()
    for page in pages:
        together.add(page)
        alone.add(page)
        row = history_store.encode_row(table, page)  # as `write` encodes a row
        assert together.rows[page.path][1] == alone.rows[page.path][1] == row
        assert together.lines is not None
        text = together.lines.ready[page.path][1]
        assert text == ManifestLines().page(page) == json.dumps(page.to_json(), ensure_ascii=False)
    assert together.table.people == alone.table.people == table.people
    assert together.table.dates == alone.table.dates == table.dates


def test_a_date_keeps_gits_text_only_where_it_is_what_isoformat_writes(tmp_path: Path) -> None:
    texts: dict[int, str] = {}
    finisher = Finisher(open_repository(many_coauthored(tmp_path).root), texts=texts)
    written = [
        "2024-03-01T09:30:00+01:00",
        "2024-03-01T09:30:00-05:30",
        "2024-03-01T09:30:00+00:00",
        "2024-03-01T09:30:00-00:00",  # comes back as +00:00
        "2024-W09-5T09:30:00+01:00",  # a week date: another day's text comes back
        "2024-03-01T09:30:00.5+01:00",
    ]
    moments = [finisher.moment(text.encode()) for text in written]
    assert [texts.get(id(m)) for m in moments] == [*written[:3], None, None, None]
    assert all(texts[id(m)] == m.isoformat() for m in moments if id(m) in texts)
