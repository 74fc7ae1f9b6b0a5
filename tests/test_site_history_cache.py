"""The history cache of a site build: beside site_dir by default, configurable, or off."""

from __future__ import annotations

from pathlib import Path

import pytest

from kennis import history_store
from tests.sitekit import build, make_kb, mkdocs_yml

CACHE = ".kennis-history-cache.json"


def cached_head(path: Path) -> str:
    return history_store.read(path.read_bytes())[1].head


def test_the_cache_sits_beside_site_dir_and_follows_new_commits(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    repo = make_kb(root)
    assert build(root).returncode == 0
    cache = tmp_path / CACHE  # site_dir is tmp_path/repo-site: its sibling, not in the repo
    first = repo.head
    assert cached_head(cache) == first
    assert not (root / CACHE).exists()
    repo.append("content/kitchen/soon.md", "\nRotate the flour too.\n")
    repo.commit("Stock: flour", author="Eve <eve@example.com>", date="2026-05-25T08:00:00+00:00")
    built = build(root)
    assert built.returncode == 0, built.output
    # Built from the cache plus the commits since; the file itself is rewritten only once it
    # lags many commits (kennis.history_update), so it may still name the first commit.
    assert cached_head(cache) in (first, repo.head)
    box = built.html("kitchen/soon/")
    assert '<time datetime="2026-05-25">25 May 2026</time>' in box and "Eve" in box


@pytest.mark.parametrize(
    ("option", "where"),
    [
        ("history_cache: cache/history.json", "repo/cache/history.json"),
        ("history_cache: false", None),
    ],
    ids=["configured-path", "off"],
)
def test_history_cache_option(tmp_path: Path, option: str, where: str | None) -> None:
    root = tmp_path / "repo"
    repo = make_kb(root)
    text = mkdocs_yml().replace("  - kennis/pageinfo: {}", f"  - kennis/pageinfo:\n      {option}")
    assert text != mkdocs_yml()
    repo.write("mkdocs.yml", text).commit("Cache option", date="2026-05-21T08:00:00+00:00")
    built = build(root)
    assert built.returncode == 0, built.output
    assert not (tmp_path / CACHE).exists()
    if where is not None:
        assert cached_head(tmp_path / where) == repo.head
