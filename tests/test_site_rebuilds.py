"""Rebuilds in one process (``mkdocs serve``) read the git history again only when HEAD moves."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from kennis_mkdocs.context import STATS
from tests.sitekit import AS_OF, make_kb, page


def rebuild(root: Path) -> None:
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root.parent / "site"))
    build(config)


def test_a_rebuild_reuses_the_history_until_a_new_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KENNIS_AS_OF", AS_OF)
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "repo"
    repo = make_kb(root)
    before = dict(STATS)
    rebuild(root)
    rebuild(root)  # an edit in the work tree: the same HEAD
    assert STATS["history_reads"] - before["history_reads"] == 1
    assert STATS["kb_loads"] - before["kb_loads"] == 2  # the content is read again every time
    repo.write("content/kitchen/new.md", page("New")).commit("a new page")
    rebuild(root)
    assert STATS["history_reads"] - before["history_reads"] == 2
    assert "kitchen/new/index.html" in {
        p.relative_to(tmp_path / "site").as_posix() for p in (tmp_path / "site").rglob("*.html")
    }
