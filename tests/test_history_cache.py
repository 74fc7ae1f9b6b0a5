"""The cached history index: updating it with the new commits gives exactly a full pass's answer."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kennis import history_store
from kennis.config import Config
from kennis.history import HistoryIndex
from kennis.history_build import index_for
from kennis.history_cache import default_path, forget
from kennis.history_update import REWRITE_AFTER
from tests.gitrepo import GitRepo

CONFIG = Config()
PEOPLE = ["Ann <ann@example.com>", "Bo <bo@example.com>", "Cy <cy@example.com>"]
IDENT = {"GIT_COMMITTER_NAME": "Ed", "GIT_COMMITTER_EMAIL": "ed@example.com"}
LATER = "2025-01-02T09:00:00+00:00"
LATEST = "2025-01-03T09:00:00+00:00"
START = datetime(2025, 1, 1, 9, tzinfo=UTC)


class World:
    """A repository that grows by random steps with fixed, increasing dates."""

    def __init__(self, root: Path, seed: int) -> None:
        self.repo = GitRepo(root)
        self.rng = random.Random(seed)
        self.tick = 0
        self.serial = 0
        self.branch: str | None = None

    def when(self) -> str:
        self.tick += 1
        return (START + timedelta(hours=self.tick)).isoformat()

    def pages(self) -> list[str]:
        out = self.repo.git("ls-files", "content")
        return [p for p in out.splitlines() if p.endswith(".md")]

    def step(self) -> None:
        rng, repo, pages = self.rng, self.repo, self.pages()
        action = (
            rng.choice(["add", "edit", "edit", "rename", "delete", "merge"]) if pages else "add"
        )
        if action == "merge":
            return self.merge()
        if action == "add" or not pages:
            self.serial += 1
            path = f"content/{rng.choice(['a', 'b'])}/p{self.serial}.md"
            repo.write(path, f"# Page {self.serial}\n\n" + "body line\n" * 8)
        elif action == "edit":
            repo.append(rng.choice(pages), f"more {self.tick}\n")
        elif action == "rename":
            self.serial += 1
            repo.mv(rng.choice(pages), f"content/{rng.choice(['a', 'c'])}/moved{self.serial}.md")
        else:
            repo.rm(rng.choice(pages))
        trailers = [f"Co-authored-by: {rng.choice(PEOPLE)}"] if rng.random() < 0.3 else []
        repo.commit(f"{action}", author=rng.choice(PEOPLE), date=self.when(), trailers=trailers)

    def merge(self) -> None:
        """Fork a side branch with one new page, or merge the open one back (a merge commit).

        A branch can stay open across cached builds, so some merges bring in commits older
        than the cached one (the full-pass fallback) and some do not (the update).
        """
        repo = self.repo
        if self.branch is None:
            self.branch = f"side{self.tick}"
            repo.git("checkout", "-q", "-b", self.branch)
            self.serial += 1
            repo.write(f"content/b/side{self.serial}.md", "# Side\n" + "text\n" * 8)
            repo.commit("side work", author=self.rng.choice(PEOPLE), date=self.when())
            repo.git("checkout", "-q", "main")
            if self.rng.random() < 0.5:
                return
        when = self.when()
        dates = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
        for role in ("AUTHOR", "COMMITTER"):
            dates |= {f"GIT_{role}_NAME": "Merger", f"GIT_{role}_EMAIL": "merge@example.com"}
        repo.git("merge", "-q", "--no-ff", "-m", "merge", self.branch, env=dates)
        self.branch = None


def full(repo: GitRepo) -> HistoryIndex:
    return index_for(repo.root, CONFIG, cache=False)


@pytest.mark.parametrize("seed", range(8), ids=lambda s: f"seed{s}")
def test_cached_updates_equal_a_full_pass(tmp_path: Path, seed: int) -> None:
    world = World(tmp_path / "kb", seed)
    cache = tmp_path / "cache.json"
    for _ in range(3):
        world.step()
    for round_ in range(6):
        for _ in range(world.rng.randint(1, 3)):
            world.step()
        restart = round_ % 2 == 1  # as a new process: the update starts from the file
        if restart:
            forget()
        updated = index_for(world.repo.root, CONFIG, cache=cache)
        assert updated == full(world.repo), f"round {round_}"
        if round_ == 0:
            assert cached_head(cache) == world.repo.head


def seeded(tmp_path: Path) -> tuple[GitRepo, Path]:
    repo = GitRepo(tmp_path / "kb")
    for n in range(3):
        repo.write(f"content/p{n}.md", f"# P{n}\n" + "text\n" * 8)
    repo.commit("start", author=PEOPLE[0], date="2025-01-01T09:00:00+00:00")
    return repo, tmp_path / "cache.json"


def cached_head(cache: Path) -> str:
    return history_store.read(cache.read_bytes())[1].head


def poison(cache: Path, path: str) -> None:
    """Mark one cached page: only a build that reuses the cache can still show the mark."""
    key, index = history_store.read(cache.read_bytes())
    pages = dict(index.pages)
    pages[path] = pages[path]._replace(commits=99)
    cache.write_bytes(history_store.write(replace(index, pages=pages), key))
    forget()  # as a new process: read the file


def test_a_new_commit_reads_only_the_commits_since_the_cached_one(tmp_path: Path) -> None:
    repo, cache = seeded(tmp_path)
    index_for(repo.root, CONFIG, cache=cache)
    poison(cache, "content/p0.md")
    repo.append("content/p1.md", "edit\n").commit(
        "edit", author=PEOPLE[1], date="2025-01-02T09:00:00+00:00"
    )
    index = index_for(repo.root, CONFIG, cache=cache)
    assert index.pages["content/p0.md"].commits == 99  # untouched: taken from the cache
    assert index.pages["content/p1.md"].commits == 2
    assert index.pages["content/p1.md"].authors == full(repo).pages["content/p1.md"].authors


@pytest.mark.parametrize(
    "change",
    ["mailmap", "ignore_revs", "rewritten"],
    ids=["a .mailmap change", "an ignore-revs change", "cached commit not an ancestor"],
)
def test_what_invalidates_the_cache(tmp_path: Path, change: str) -> None:
    repo, cache = seeded(tmp_path)
    index_for(repo.root, CONFIG, cache=cache)
    poison(cache, "content/p0.md")
    if change == "mailmap":
        repo.mailmap("Ann Canon <ann@example.com> <ann@example.com>\n")
        repo.commit("mailmap", author=PEOPLE[1], date="2025-01-02T09:00:00+00:00")
    elif change == "ignore_revs":
        repo.write(".git-blame-ignore-revs", repo.head + "\n")
        repo.commit("ignore the start", author=PEOPLE[1], date="2025-01-02T09:00:00+00:00")
    else:
        repo.append("content/p1.md", "x\n")
        repo.git("add", "-A")
        repo.git(
            "commit",
            "-q",
            "--amend",
            "-m",
            "rewritten",
            env={**IDENT, "GIT_COMMITTER_DATE": "2025-01-03T09:00:00+00:00"},
        )
    index = index_for(repo.root, CONFIG, cache=cache)
    assert index.pages["content/p0.md"].commits != 99
    assert index == full(repo)


def test_an_older_revision_does_not_replace_a_newer_cache(tmp_path: Path) -> None:
    repo, cache = seeded(tmp_path)
    first = repo.head
    repo.append("content/p1.md", "edit\n").commit(
        "edit", author=PEOPLE[1], date="2025-01-02T09:00:00+00:00"
    )
    index_for(repo.root, CONFIG, cache=cache)
    forget()
    old = index_for(repo.root, CONFIG, rev=first, cache=cache)
    assert old == index_for(repo.root, CONFIG, rev=first, cache=False)
    assert cached_head(cache) == repo.head


def test_a_long_running_process_updates_the_index_in_memory(tmp_path: Path) -> None:
    repo, cache = seeded(tmp_path)
    index_for(repo.root, CONFIG, cache=cache)
    written = cache.read_bytes()
    repo.append("content/p1.md", "edit\n").commit(
        "edit", author=PEOPLE[1], date="2025-01-02T09:00:00+00:00"
    )
    assert index_for(repo.root, CONFIG, cache=cache) == full(repo)
    assert cache.read_bytes() == written  # not rewritten for one commit
    forget()  # a restart: the file is behind by one commit, the update walks it
    assert index_for(repo.root, CONFIG, cache=cache) == full(repo)
    assert cache.read_bytes() == written  # one commit behind is not worth rewriting 40k pages


def test_a_cache_file_far_behind_is_rewritten(tmp_path: Path) -> None:
    repo, cache = seeded(tmp_path)
    index_for(repo.root, CONFIG, cache=cache)
    for n in range(REWRITE_AFTER):
        repo.append("content/p1.md", f"edit {n}\n").commit(f"edit {n}", author=PEOPLE[n % 3])
    forget()  # a new process, REWRITE_AFTER commits later
    assert index_for(repo.root, CONFIG, cache=cache) == full(repo)
    assert cached_head(cache) == repo.head


def test_the_default_cache_lives_in_the_git_folder_and_a_damaged_one_is_rebuilt(
    tmp_path: Path,
) -> None:
    repo, _ = seeded(tmp_path)
    index_for(repo.root, CONFIG)
    where = default_path(repo.root / ".git", CONFIG.content_dir)
    assert where.is_file() and where.parent == repo.root / ".git" / "kennis"
    where.write_text("{not json")
    forget()
    assert index_for(repo.root, CONFIG) == full(repo)
    assert cached_head(where) == repo.head


def test_a_page_moved_in_from_outside_the_content_folder_gets_a_full_pass(tmp_path: Path) -> None:
    repo, cache = seeded(tmp_path)
    repo.write("drafts/new.md", "# New\n" + "text\n" * 8)
    repo.commit("draft", author=PEOPLE[2], date="2025-01-02T09:00:00+00:00")
    index_for(repo.root, CONFIG, cache=cache)
    repo.mv("drafts/new.md", "content/new.md")
    repo.commit("publish", author=PEOPLE[1], date="2025-01-03T09:00:00+00:00")
    index = index_for(repo.root, CONFIG, cache=cache)
    assert index == full(repo)
    assert index.pages["content/new.md"].previous_paths == ("drafts/new.md",)
    assert index.pages["content/new.md"].created.day == 2


def test_a_bare_mirror_keeps_its_own_cache(tmp_path: Path) -> None:
    """The App's mirrors are bare: the cache lives in the mirror, .mailmap is read from HEAD."""
    from kennis.gitrev import GitReader

    repo, _ = seeded(tmp_path)
    repo.mailmap("Ann Canon <ann@example.com> <ann@example.com>\n").commit("mailmap", date=LATER)
    mirror = repo.clone(tmp_path / "mirror.git", bare=True)
    reader = GitReader(mirror.root)
    first = index_for(reader, CONFIG)
    assert default_path(mirror.root, CONFIG.content_dir).is_file()
    assert first.pages["content/p0.md"].authors[0].name == "Ann Canon"
    repo.append("content/p1.md", "edit\n").commit("edit", author=PEOPLE[1], date=LATEST)
    mirror.git("fetch", "-q", "origin", "+refs/heads/*:refs/heads/*")
    forget()
    assert index_for(reader, CONFIG) == index_for(reader, CONFIG, cache=False)
