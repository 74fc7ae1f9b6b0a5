"""The release store: atomic switches, keeping the last N releases, rollback, leftovers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from review_bot.site.releases import SiteError, SiteStore


def release(store: SiteStore, n: int, when: float) -> str:
    sha = f"{n:040x}"
    partial = store.partial_dir(sha)
    partial.mkdir(parents=True)
    (partial / "index.html").write_text(f"release {n}")
    store.commit_partial(sha)
    os.utime(store.release_dir(sha), (when, when))
    return sha


def test_keeps_the_newest_releases_and_always_the_live_one(tmp_path: Path) -> None:
    store = SiteStore(tmp_path, keep=2)
    shas = [release(store, n, 1000 + n) for n in range(1, 5)]
    store.activate(shas[0])  # an old release made live again stays
    os.utime(store.release_dir(shas[0]), (1001, 1001))
    store.prune()
    assert sorted(r.sha for r in store.releases()) == sorted([shas[0], shas[3], shas[2]])
    assert (store.live / "index.html").read_text() == "release 1"


def test_rollback_goes_to_the_previous_live_release_and_back(tmp_path: Path) -> None:
    store = SiteStore(tmp_path)
    first, second = release(store, 1, 1001), release(store, 2, 1002)
    store.activate(first)
    store.activate(second)
    assert store.rollback() == first and store.current() == first
    assert store.rollback(second) == second
    with pytest.raises(SiteError, match="is ambiguous"):
        store.rollback(second[:39])
    with pytest.raises(SiteError, match="matches no release"):
        store.rollback("ffff")


def test_a_failed_build_never_touches_live_and_leftovers_are_cleaned(tmp_path: Path) -> None:
    store = SiteStore(tmp_path)
    good = release(store, 1, 1001)
    store.activate(good)
    store.partial_dir(f"{2:040x}").mkdir()
    (store.work_dir / "abc").mkdir(parents=True)
    removed = store.clean_leftovers()
    assert len(removed) == 2 and store.current() == good
    assert [r.sha for r in store.releases()] == [good]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".live")] == []  # no temp link
