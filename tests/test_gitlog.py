"""The git log stream parser: chunk boundaries, renames, trailers, and early stop."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest

from kennis import gitlog
from kennis.gitlog import LOG_FLAGS, LOG_FORMAT, LogCommit, parse_log, started_early
from kennis.history_build import build_index
from kennis.repository import commit_command, commit_of, git_program, open_command, open_repository
from tests.gitrepo import GitRepo, git_env, two_pages


class Trickle(io.RawIOBase):
    """A pipe that hands out at most ``size`` bytes per read, like a slow git."""

    def __init__(self, data: bytes, size: int) -> None:
        self.data, self.size, self.pos = data, size, 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        piece = self.data[self.pos : self.pos + min(n, self.size)]
        self.pos += len(piece)
        return piece


@pytest.fixture(scope="module")
def stream(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    repo = GitRepo(tmp_path_factory.mktemp("log") / "r")
    repo.write("content/a.md", "# A\n" + "line\n" * 30).write("content/b c.md", "b\n")
    repo.commit("two pages", author="Ann <ann@example.com>", date="2024-01-01T10:00:00+02:00")
    repo.commit("empty", allow_empty=True)
    repo.mv("content/a.md", "content/x/a.md").commit(
        "move", trailers=["Co-authored-by: Bo <bo@example.com>", "co-authored-by: Cy <cy@x.org>"]
    )
    repo.rm("content/b c.md").commit("drop b")
    result = subprocess.run(
        ["git", "log", *LOG_FLAGS, f"--format={LOG_FORMAT}"],
        cwd=repo.root,
        env=git_env(),
        capture_output=True,
        check=True,
    )
    return result.stdout


def summary(commits: list[LogCommit]) -> list[tuple[object, ...]]:
    return [
        (c.name, c.date, c.trailers, [(chr(s), p, o) for s, p, o in c.changes]) for c in commits
    ]


def test_stream_reads_as_git_wrote_it(stream: bytes) -> None:
    assert summary(list(parse_log(io.BytesIO(stream)))) == [
        (b"Alice Example", b"2025-01-01T12:00:00+00:00", b"", [("D", b"content/b c.md", None)]),
        (
            b"Alice Example",
            b"2025-01-01T11:00:00+00:00",
            b"Bo <bo@example.com>\x1fCy <cy@x.org>",
            [("R", b"content/x/a.md", b"content/a.md")],
        ),
        (b"Alice Example", b"2025-01-01T10:00:00+00:00", b"", []),
        (
            b"Ann",
            b"2024-01-01T10:00:00+02:00",
            b"",
            [("A", b"content/a.md", None), ("A", b"content/b c.md", None)],
        ),
    ]


@pytest.mark.parametrize("size", [1, 2, 3, 5, 41, 64, 4096], ids=lambda n: f"{n}-byte-reads")
def test_any_chunking_gives_the_same_commits(stream: bytes, size: int) -> None:
    whole = list(parse_log(io.BytesIO(stream)))
    assert list(parse_log(Trickle(stream, size))) == whole


@pytest.mark.parametrize("cut", [-1, -5, -60], ids=["last-byte", "inside-path", "inside-header"])
def test_truncated_stream_is_an_error_not_a_wrong_answer(stream: bytes, cut: int) -> None:
    with pytest.raises(ValueError, match="ends inside"):
        list(parse_log(io.BytesIO(stream[:cut])))


def test_huge_commit_in_small_reads_stays_linear(tmp_path: Path) -> None:
    record = (
        b"\x1e" + b"f" * 40 + b"\0N\0e@x\x002024-01-01T00:00:00+00:00\0\0\0\n"
    )  # six header fields
    body = b"".join(b"A\0content/p%d.md\0" % i for i in range(50_000))
    commits = list(parse_log(Trickle(record + body, 65536)))
    assert len(commits) == 1
    assert len(commits[0].changes) == 50_000


# -- a stream started before its reader (kennis index) -------------------------------------------


def history(tmp_path: Path) -> GitRepo:
    return two_pages(tmp_path / "kb", year=2024)


def test_a_stream_started_early_is_the_one_the_pass_reads(tmp_path: Path) -> None:
    repo = history(tmp_path)
    expected = build_index(repo.root)
    with started_early(repo.root):
        [early] = gitlog._EARLY
        assert build_index(repo.root) == expected
        assert gitlog._EARLY == []  # taken, not started again
    assert early.proc.returncode == 0  # read to its end, not stopped


def test_a_stream_nobody_takes_is_stopped(tmp_path: Path) -> None:
    repo = history(tmp_path)
    with started_early(repo.root):
        [early] = gitlog._EARLY
        repo.write("content/c.md", "# C\n").commit("c")  # the pass reads another commit
        assert sorted(build_index(repo.root).pages) == [f"content/{n}.md" for n in "abc"]
    assert gitlog._EARLY == []
    assert early.proc.returncode is not None and early.proc.stdout is not None
    assert early.proc.stdout.closed


def test_nothing_starts_early_without_a_commit(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "empty")
    with started_early(repo.root):
        assert gitlog._EARLY == []


def test_the_tree_listed_early_gives_every_folder_the_same_pages(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "kb")
    for path in ["content/a.md", "content/sub/b.md", "content2/c.md", "content.md", "d.md"]:
        repo.write(path, "# x\n")
    repo.write("content/x.txt", "x").commit("all", date="2024-01-01T10:00:00+00:00")
    found = open_repository(repo.root)
    sha = commit_of(found, "HEAD")
    assert sha is not None
    folders = ["content", ".", "content/sub", "content2", "content.md", "nope", "./content", "c*"]
    expected = {folder: gitlog.head_markdown(found, folder, sha) for folder in folders}
    assert expected["content"] == [b"content/a.md", b"content/sub/b.md"]
    with started_early(repo.root, git_program()):
        assert gitlog.early_output(gitlog._listing(found.git, found.run_dir, sha)) is not None
        assert {folder: gitlog.head_markdown(found, folder, sha) for folder in folders} == expected
    assert gitlog._RUNS == {}  # each run early is waited for and its file closed on leaving


def test_what_the_repository_is_and_its_head_are_asked_early(tmp_path: Path) -> None:
    repo = history(tmp_path)
    git = git_program()
    first = [open_command(repo.root, git), commit_command(git, repo.root.resolve(), "HEAD")]
    expected = build_index(repo.root)
    with started_early(repo.root, git, also=first):
        assert all(gitlog.early_output(command) is not None for command in first)
        head = commit_of(open_repository(repo.root), "HEAD")
        repo.write("content/c.md", "# C\n").commit("c")
        # kennis index indexes HEAD as it was when it started, as the early stream has it
        assert commit_of(open_repository(repo.root), "HEAD") == head
        assert build_index(repo.root) == expected
    assert commit_of(open_repository(repo.root), "HEAD") != head
