"""The feedback endpoint's page catalogue: known pages answer at once, a new page is found."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from review_bot import feedback_intake
from review_bot.feedback_intake import PageCatalog
from tests.gitrepo import GitRepo

PAGE = '---\ntitle: {title}\nowner: "@sam"\n---\n# {title}\n'


T = TypeVar("T")


def wait_for(check: Callable[[], T | bool | None], timeout: float = 10.0) -> T:
    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
    return found  # type: ignore[return-value]


def test_known_pages_are_served_while_the_branch_is_reread_in_the_background(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feedback_intake, "RECHECK", 0.0)  # every answer is "stale"
    monkeypatch.setattr(feedback_intake, "FRESH", 0.0)
    origin = GitRepo(tmp_path / "origin")
    origin.write("content/a.md", PAGE.format(title="A")).commit("A")
    catalog = PageCatalog(tmp_path / "mirrors", "acme/kb")
    mirror = origin.clone(catalog.mirror.path, bare=True)
    first = catalog.current()
    assert first is not None and "content/a.md" in first.owners

    origin.write("content/b.md", PAGE.format(title="B")).commit("B")
    mirror.git("fetch", "-q", str(origin.root), "+refs/heads/*:refs/heads/*")
    assert catalog.current() is first  # no git on the answer's path: the known pages, now
    newer = wait_for(lambda: (p := catalog.current()) is not first and p)
    assert "content/b.md" in newer.owners  # ... while the background read caught up


def test_an_unknown_page_rereads_the_branch_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feedback_intake, "FRESH", 0.0)
    origin = GitRepo(tmp_path / "origin")
    origin.write("content/a.md", PAGE.format(title="A")).commit("A")
    catalog = PageCatalog(tmp_path / "mirrors", "acme/kb")
    mirror = origin.clone(catalog.mirror.path, bare=True)
    assert catalog.current() is not None
    origin.write("content/b.md", PAGE.format(title="B")).commit("B")
    mirror.git("fetch", "-q", str(origin.root), "+refs/heads/*:refs/heads/*")
    assert (
        "content/b.md"
        not in (catalog.current() or feedback_intake.SitePages("", "", {}, {})).owners
    )
    fresh = catalog.current(fresh=True)
    assert fresh is not None and "content/b.md" in fresh.owners


def test_the_pages_are_read_before_the_first_report(tmp_path: Path) -> None:
    origin = GitRepo(tmp_path / "origin")
    origin.write("content/a.md", PAGE.format(title="A")).commit("A")
    catalog = PageCatalog(tmp_path / "mirrors", "acme/kb")
    origin.clone(catalog.mirror.path, bare=True)
    catalog.warm()  # what the endpoint does when the server starts
    wait_for(lambda: catalog._pages is not None)
    PageCatalog(tmp_path / "mirrors", "acme/none").warm()  # no mirror yet: nothing, no error
