"""The repository mirror against real git repositories built in tmp_path."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest

from review_bot.mirror import Change, Mirror, MirrorError, parse_name_status

DATE = "2026-01-15T10:00:00+00:00"


def git(repo: Path, *args: str, stdin: bytes | None = None) -> str:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
        "GIT_AUTHOR_NAME": "Alice",
        "GIT_AUTHOR_EMAIL": "alice@example.com",
        "GIT_COMMITTER_NAME": "Alice",
        "GIT_COMMITTER_EMAIL": "alice@example.com",
        "GIT_AUTHOR_DATE": DATE,
        "GIT_COMMITTER_DATE": DATE,
    }
    out = subprocess.run(
        ["git", "-C", str(repo), *args], input=stdin, env=env, capture_output=True, check=True
    )
    return out.stdout.decode().strip()


def make_source(tmp_path: Path, files: dict[str, bytes]) -> Path:
    src = tmp_path / "source"
    git(tmp_path, "init", "-q", "-b", "main", str(src))
    git(src, "config", "uploadpack.allowFilter", "true")
    git(src, "config", "uploadpack.allowAnySHA1InWant", "true")
    commit_files(src, files, "initial")
    return src


def commit_files(src: Path, files: Mapping[str, bytes | None], message: str) -> str:
    for name, content in files.items():
        path = src / name
        if content is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    git(src, "add", "-A")
    git(src, "commit", "-q", "-m", message)
    return git(src, "rev-parse", "HEAD")


REMOTES = {
    "local-path": lambda src: str(src),
    "file-url": lambda src: src.as_uri(),
}


@pytest.fixture(params=sorted(REMOTES), ids=sorted(REMOTES))
def remote_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_clone_and_read_files_from_path_and_file_url(tmp_path: Path, remote_kind: str) -> None:
    src = make_source(
        tmp_path,
        {
            "content/kitchen/close.md": b"---\nowner: '@alice'\n---\n# Close\n",
            "content/a b/ünïcode.md": b"spaces and unicode\n",
            "content/bin.dat": b"\x00\x01\n\n\xff",
        },
    )
    mirror = Mirror.for_repository(tmp_path / "mirrors", "acme/kb", REMOTES[remote_kind](src))
    mirror.fetch()
    assert mirror.path == tmp_path / "mirrors" / "acme" / "kb.git"
    assert mirror.read_file("main", "content/kitchen/close.md") == (
        b"---\nowner: '@alice'\n---\n# Close\n"
    )
    got = mirror.read_files(
        "main", ["content/a b/ünïcode.md", "content/bin.dat", "nope.md", "content"]
    )
    assert got == {
        "content/a b/ünïcode.md": b"spaces and unicode\n",
        "content/bin.dat": b"\x00\x01\n\n\xff",
        "nope.md": None,
        "content": None,  # a directory is not a file
    }
    assert mirror.ls_tree("main", "content/kitchen") == ["content/kitchen/close.md"]
    assert "--filter" not in (mirror.path / "config").read_text()


def test_fetch_picks_up_new_commits_pull_refs_and_shas(tmp_path: Path, remote_kind: str) -> None:
    src = make_source(tmp_path, {"content/a.md": b"v1\n"})
    mirror = Mirror.for_repository(tmp_path / "m", "acme/kb", REMOTES[remote_kind](src))
    mirror.fetch("main")
    first = mirror.rev_parse("main")
    second = commit_files(src, {"content/a.md": b"v2\n"}, "second")
    assert first is not None and first != second
    assert mirror.read_file("main", "content/a.md") == b"v1\n"
    mirror.fetch("main")
    assert mirror.rev_parse("main") == second
    assert mirror.read_file("main", "content/a.md") == b"v2\n"

    git(src, "checkout", "-q", "-b", "feature")
    pr_head = commit_files(src, {"content/b.md": b"new page\n"}, "pr")
    git(src, "update-ref", "refs/pull/7/head", pr_head)
    git(src, "checkout", "-q", "main")
    mirror.fetch("refs/pull/7/head")
    assert mirror.rev_parse("refs/pull/7/head") == pr_head
    assert mirror.diff_name_status("main", "refs/pull/7/head") == [
        Change("A", "content/b.md", "content/b.md"),
    ]

    git(src, "checkout", "-q", "feature")
    loose = commit_files(src, {"content/c.md": b"c\n"}, "unreferenced")
    git(src, "checkout", "-q", "main")
    git(src, "branch", "-D", "feature")
    mirror.fetch(loose)
    assert mirror.read_file(loose, "content/c.md") == b"c\n"


def fast_import_big_repo(src: Path, count: int) -> tuple[str, str]:
    """Base commit with *count* pages; head renames most, edits some, deletes and adds a few."""
    stamp = "1768471200 +0000"
    lines = [
        f"commit refs/heads/main\ncommitter Alice <alice@example.com> {stamp}\n"
        "data 4\nbase\nM 644 inline README.md\ndata 3\nhi\n"
    ]
    for i in range(count):
        body = f"---\ntitle: Page {i}\nowner: '@user{i % 50}'\n---\nUnique body {i} " * 3
        data = body.encode()
        lines.append(f"M 644 inline content/old/page-{i:05d}.md\ndata {len(data)}\n{body}\n")
    lines.append(
        f"commit refs/heads/pr\ncommitter Alice <alice@example.com> {stamp}\n"
        "data 5\nhead\nfrom refs/heads/main\n"
    )
    for i in range(count):
        old = f"content/old/page-{i:05d}.md"
        if i % 10 == 0:
            lines.append(f"D {old}\n")
        elif i % 10 == 1:
            body = f"---\ntitle: Page {i} edited\n---\nNew text {i}\n"
            lines.append(f"M 644 inline {old}\ndata {len(body)}\n{body}\n")
        else:
            lines.append(f"R {old} content/new/page-{i:05d}.md\n")
    lines.append("M 644 inline content/new/added.md\ndata 6\nadded\n")
    git(src.parent, "init", "-q", "--bare", str(src))
    git(src, "fast-import", "--quiet", stdin="".join(lines).encode())
    return "main", "pr"


def test_diff_follows_renames_beyond_the_api_file_cap(tmp_path: Path) -> None:
    src = tmp_path / "big.git"
    count = 3500
    base, head = fast_import_big_repo(src, count)
    mirror = Mirror.for_repository(tmp_path / "m", "acme/big", src.as_uri())
    mirror.fetch()
    changes = mirror.diff_name_status(base, head)  # timed by benchmarks/bench_mirror.py
    by_status: dict[str, list[Change]] = {}
    for change in changes:
        by_status.setdefault(change.status, []).append(change)
    assert len(by_status["R"]) == count - 2 * (count // 10)
    assert len(by_status["D"]) == count // 10
    assert len(by_status["M"]) == count // 10
    assert by_status["A"] == [Change("A", "content/new/added.md", "content/new/added.md")]
    renamed = {c.old_path: c.new_path for c in by_status["R"]}
    assert renamed["content/old/page-00002.md"] == "content/new/page-00002.md"
    assert len(changes) > 3000, "more files than the REST API would list"

    pages = [c.new_path for c in by_status["R"]][:1000]
    contents = mirror.read_files(head, pages)
    first = contents[pages[0]]
    assert first is not None and first.startswith(b"---\ntitle: Page 2\n")
    assert all(contents[p] for p in pages)


def test_blobless_mirror_fetches_missing_blobs_in_one_batch(tmp_path: Path) -> None:
    files: dict[str, bytes] = {f"content/p{i}.md": f"page {i}\n".encode() for i in range(40)}
    src = make_source(tmp_path, files)
    mirror = Mirror.for_repository(tmp_path / "m", "acme/kb", src.as_uri())
    mirror.fetch()
    config = (mirror.path / "config").read_text()
    assert "promisor = true" in config and "blob:none" in config
    walk = git(mirror.path, "rev-list", "--objects", "--no-walk", "--missing=print", "main")
    assert walk.count("\n?") == 40, "blobs stay on the server until needed"
    got = mirror.read_files("main", [f"content/p{i}.md" for i in range(10)])
    assert got["content/p3.md"] == b"page 3\n"
    walk = git(mirror.path, "rev-list", "--objects", "--no-walk", "--missing=print", "main")
    assert walk.count("\n?") == 30, "only the ten requested blobs were fetched"


def test_token_never_reaches_disk_or_error_messages(tmp_path: Path) -> None:
    token = "ghs_TopSecretInstallationToken123"
    mirror = Mirror.for_repository(
        tmp_path / "m", "acme/kb", "https://127.0.0.1:9/acme/kb.git", lambda: token
    )
    with pytest.raises(MirrorError) as failure:
        mirror.fetch()
    assert token not in str(failure.value)
    assert "git clone failed" in str(failure.value)
    leftovers = [p for p in (tmp_path / "m").rglob("*") if p.is_file()]
    assert all(token not in p.read_text(errors="replace") for p in leftovers)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"M\0a.md\0", [Change("M", "a.md", "a.md")]),
        (
            b"R087\0old.md\0new.md\0D\0gone.md\0",
            [Change("R", "old.md", "new.md", 87), Change("D", "gone.md", "gone.md")],
        ),
        (b"C100\0a.md\0b.md\0", [Change("C", "a.md", "b.md", 100)]),
        (b"", []),
    ],
    ids=["modified", "rename-then-delete", "copy", "empty"],
)
def test_parse_name_status(raw: bytes, expected: list[Change]) -> None:
    assert parse_name_status(raw) == expected


@pytest.mark.parametrize(
    "name",
    ["../etc", "acme/..", "acme", "acme/kb/extra", "a b/c"],
    ids=["dotdot-owner", "dotdot-repo", "no-slash", "nested", "space"],
)
def test_repository_names_cannot_escape_the_mirror_root(tmp_path: Path, name: str) -> None:
    with pytest.raises(MirrorError):
        Mirror.for_repository(tmp_path, name, "file:///nowhere")
