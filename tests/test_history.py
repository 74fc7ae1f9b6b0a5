"""History index on real git repositories built with fixed dates."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest

from kennis.errors import KennisError
from kennis.gitlog import read_ignore_revs
from kennis.history import (
    Contribution,
    Credit,
    HistoryIndex,
    PageHistory,
    Person,
    load_manifest,
    manifest_chunks,
    write_manifest,
)
from kennis.history_build import ShallowCloneError, build_index
from tests.gitrepo import GitRepo

ALICE_OLD = "Alice Old <alice@old.example>"
ALICE = Person("Alice Example", "alice@example.com")
BOB = Person("Bob", "bob@example.com")
CAROL = Person("Carol Canonical", "carol@example.com")
DAN = Person("Dan", "dan@example.com")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def kb(tmp_path: Path) -> GitRepo:
    """A small knowledge base whose history exercises renames, trailers, mailmap and deletes."""
    repo = GitRepo(tmp_path / "kb")
    repo.write("README.md", "readme\n").commit("start", date="2023-12-01T08:00:00+00:00")
    repo.write("content/kitchen/closing.md", "# Closing\n\n1. lights\n2. gas\n3. doors\n")
    repo.write("content/.meta.yml", "owner: '@alice'\n")
    repo.commit("add closing", author=ALICE_OLD, date="2024-01-10T09:00:00+01:00")
    repo.append("content/kitchen/closing.md", "4. alarm\n")
    repo.commit(
        "add alarm step",
        author="Bob <bob@example.com>",
        date="2024-03-05T14:30:00+00:00",
        trailers=["Co-authored-by: Carol <carol@old.example>"],
    )
    repo.mv("content/kitchen/closing.md", "content/kitchen/close.md")
    repo.commit("rename", author="Dan <dan@example.com>", date="2024-06-01T10:00:00+00:00")
    repo.write("content/gone.md", "bye\n").commit("temp page", date="2024-06-02T10:00:00+00:00")
    repo.rm("content/gone.md").commit("drop temp page", date="2024-06-03T10:00:00+00:00")
    repo.mailmap(
        "Alice Example <alice@example.com> <alice@old.example>\n"
        "Carol Canonical <carol@example.com> <carol@old.example>\n"
    ).commit("mailmap", date="2024-07-01T10:00:00+00:00")
    return repo


def test_renamed_page_keeps_creation_date_and_credits_authors_from_both_paths(kb: GitRepo) -> None:
    page = build_index(kb.root).pages["content/kitchen/close.md"]
    assert page.created == at("2024-01-10T09:00:00+01:00")
    assert page.last_modified == at("2024-06-01T10:00:00+00:00")
    assert page.last_author == DAN
    assert page.authors == (ALICE, BOB, DAN)
    assert page.previous_paths == ("content/kitchen/closing.md",)
    assert page.commits == 3


def test_coauthor_trailer_is_credited_under_mailmap_name(kb: GitRepo) -> None:
    page = build_index(kb.root).pages["content/kitchen/close.md"]
    assert page.coauthors == (CAROL,)
    assert CAROL in page.contributors


def test_unusual_trailers_are_read_as_github_writes_them(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.write("content/a.md", "a\n").write("content/b.md", "b\n").commit("pages")
    repo.append("content/a.md", "more\n").commit(
        "edit a",
        trailers=[
            "co-authored-by: Erin <erin@example.com>",
            "Co-authored-by: Frank Folded\n  <frank@example.com>",
            "Co-authored-by: Gus",
            "Signed-off-by: Not A Coauthor <nope@example.com>",
        ],
    )
    index = build_index(repo.root)
    assert index.pages["content/a.md"].coauthors == (
        Person("Erin", "erin@example.com"),
        Person("Frank Folded", "frank@example.com"),
        Person("Gus", ""),
    )
    assert index.pages["content/b.md"].coauthors == ()


def test_mailmapped_old_email_is_credited_under_canonical_name(kb: GitRepo) -> None:
    page = build_index(kb.root).pages["content/kitchen/close.md"]
    assert ALICE in page.authors
    assert all(p.email != "alice@old.example" for p in page.authors)


def test_only_markdown_pages_under_content_dir_at_head(kb: GitRepo) -> None:
    index = build_index(kb.root)
    assert sorted(index.pages) == ["content/kitchen/close.md"]
    assert index.get("content/gone.md") is None
    assert index.get("README.md") is None
    assert index.head == kb.head


def test_ignored_revision_is_not_the_last_edit(kb: GitRepo, tmp_path: Path) -> None:
    kb.append("content/kitchen/close.md", "\n").commit(
        "reformat everything", author="Bot <bot@example.com>", date="2024-08-01T10:00:00+00:00"
    )
    ignore = tmp_path / ".git-blame-ignore-revs"
    ignore.write_text(f"# bulk reformat\n{kb.head}  # whitespace only\n")
    page = build_index(kb.root, ignore_revs=ignore).pages["content/kitchen/close.md"]
    assert page.last_modified == at("2024-06-01T10:00:00+00:00")
    assert page.last_author == DAN
    assert Person("Bot", "bot@example.com") not in page.authors
    assert page.commits == 3
    unignored = build_index(kb.root).pages["content/kitchen/close.md"]
    assert unignored.last_author == Person("Bot", "bot@example.com")


def test_page_whose_only_commit_is_ignored_falls_back_to_its_creation(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    sha = repo.write("content/a.md", "a\n").commit("import", date="2024-02-02T00:00:00+00:00")
    ignore = tmp_path / "ignore"
    ignore.write_text(sha + "\n")
    page = build_index(repo.root, ignore_revs=ignore).pages["content/a.md"]
    assert (page.created, page.last_modified, page.commits, page.authors) == (
        at("2024-02-02T00:00:00+00:00"),
        at("2024-02-02T00:00:00+00:00"),
        0,
        (),
    )


def test_path_reused_after_delete_is_a_new_page(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.write("content/faq.md", "old\n").commit("old faq", date="2020-01-01T00:00:00+00:00")
    repo.rm("content/faq.md").commit("drop", date="2021-01-01T00:00:00+00:00")
    repo.write("content/faq.md", "brand new\n").commit(
        "new faq", author="Bob <bob@example.com>", date="2022-01-01T00:00:00+00:00"
    )
    page = build_index(repo.root).pages["content/faq.md"]
    assert page.created == at("2022-01-01T00:00:00+00:00")
    assert page.authors == (BOB,)
    assert page.commits == 1


def test_rename_chain_and_path_swap_followed_to_the_first_path(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    body = "# Guide\n" + "".join(f"step {i}\n" for i in range(20))
    repo.write("content/a.md", body).commit("a", date="2020-01-01T00:00:00+00:00")
    repo.mv("content/a.md", "content/b.md").commit("a->b", date="2020-02-01T00:00:00+00:00")
    repo.write("content/a.md", "unrelated new page\n").commit("new a")
    repo.mv("content/b.md", "content/deep/c.md").commit("b->c")
    index = build_index(repo.root)
    assert index.pages["content/deep/c.md"].previous_paths == ("content/b.md", "content/a.md")
    assert index.pages["content/deep/c.md"].created == at("2020-01-01T00:00:00+00:00")
    assert index.pages["content/a.md"].previous_paths == ()
    assert index.pages["content/a.md"].commits == 1


def test_merged_branch_edits_are_credited(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.write("content/a.md", "a\n").commit("a", date="2024-01-01T00:00:00+00:00")
    repo.git("checkout", "-q", "-b", "topic")
    repo.append("content/a.md", "topic\n").commit(
        "topic edit", author="Bob <bob@example.com>", date="2024-01-02T00:00:00+00:00"
    )
    repo.git("checkout", "-q", "main")
    repo.write("content/b.md", "b\n").commit("b", date="2024-01-03T00:00:00+00:00")
    repo.git(
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "merge topic",
        "topic",
        env={
            "GIT_AUTHOR_DATE": "2024-01-04T00:00:00+00:00",
            "GIT_COMMITTER_DATE": "2024-01-04T00:00:00+00:00",
            "GIT_AUTHOR_NAME": "M",
            "GIT_AUTHOR_EMAIL": "m@x",
            "GIT_COMMITTER_NAME": "M",
            "GIT_COMMITTER_EMAIL": "m@x",
        },
    )
    page = build_index(repo.root).pages["content/a.md"]
    assert page.last_author == BOB
    assert page.commits == 2


def test_unicode_paths_and_names_survive(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    repo.write("content/keuken/sluiten ’s avonds.md", "x\n").commit(
        "add", author="Zoë Ångström <zoe@example.com>"
    )
    page = build_index(repo.root).pages["content/keuken/sluiten ’s avonds.md"]
    assert page.last_author == Person("Zoë Ångström", "zoe@example.com")


def test_custom_content_dir_and_bare_clone(kb: GitRepo, tmp_path: Path) -> None:
    kb.write("docs/other.md", "x\n").commit("docs page")
    bare = kb.clone(tmp_path / "mirror.git", bare=True)
    index = build_index(bare.root, content_dir="docs/")
    assert list(index.pages) == ["docs/other.md"]
    assert index.content_dir == "docs"
    # A bare mirror reads .mailmap from HEAD.
    assert build_index(bare.root).pages["content/kitchen/close.md"].authors[0] == ALICE


def test_shallow_clone_is_refused_with_the_fix(kb: GitRepo, tmp_path: Path) -> None:
    shallow = kb.clone(tmp_path / "shallow", depth=1)
    with pytest.raises(ShallowCloneError) as caught:
        build_index(shallow.root)
    assert "shallow clone" in str(caught.value)
    assert "fetch-depth: 0" in str(caught.value)
    assert "git fetch --unshallow" in str(caught.value)


def test_repository_without_commits_gives_empty_index(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "r")
    assert build_index(repo.root) == HistoryIndex(head="", pages={}, content_dir="content")


def test_not_a_repository_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(KennisError, match="not a git repository"):
        build_index(tmp_path)


def test_manifest_round_trip(kb: GitRepo, tmp_path: Path) -> None:
    index = build_index(kb.root)
    out = tmp_path / "out" / "history.json"
    write_manifest(index, out)
    assert load_manifest(out) == index
    data = json.loads(out.read_text())
    assert data["version"] == 1
    assert data["pages"]["content/kitchen/close.md"]["created"] == "2024-01-10T09:00:00+01:00"
    assert data == index.to_json()  # the streamed writer's pages are to_json's, key for key
    assert HistoryIndex.from_json(index.to_json()) == index


def test_each_manifest_page_is_json_dumps_of_to_json() -> None:
    """The writer assembles a page's text from pieces; it is what json.dumps writes, byte for byte."""
    jose = Person('José "Pepe" Ñúñez', "jose@ex\u00e4mple.org")
    ann = Person("Ann\\Lee", "")
    summer = datetime.fromisoformat("2024-06-01T10:00:00+02:00")
    winter = datetime.fromisoformat("2024-01-01T10:00:00-05:00")
    page = PageHistory(
        path="content/ü/ö.md",
        created=winter,
        last_modified=summer,
        last_author=jose,
        authors=(jose, ann),
        coauthors=(ann,),
        commits=3,
        previous_paths=('content/old "x".md', "content/a\tb.md"),
        contributions=(Contribution(ann, 1, winter), Contribution(jose, 2, summer)),
        credits=(Credit("confirmed", ann, summer),),
    )
    bare = PageHistory("content/b.md", summer, summer, ann, (), (), 0)
    index = HistoryIndex("abc", {page.path: page, bare.path: bare})
    text = "".join(manifest_chunks(index))
    for entry in (page, bare):
        expected = json.dumps(entry.to_json(), ensure_ascii=False)
        assert f"{json.dumps(entry.path, ensure_ascii=False)}: {expected}" in text
    assert json.loads(text) == index.to_json()


def _manifest(**changes: object) -> str:
    page = {
        "created": "2024-01-01T00:00:00+00:00",
        "last_modified": "2024-02-01T00:00:00+00:00",
        "last_author": {"name": "A", "email": "a@x"},
        "authors": [{"name": "A", "email": "a@x"}],
        "coauthors": [],
        "commits": 1,
        "previous_paths": [],
    }
    page.update(changes.pop("page", {}))  # type: ignore[call-overload]
    data = {"version": 1, "head": "abc", "content_dir": "content", "pages": {"content/a.md": page}}
    data.update(changes)
    return json.dumps(data, indent=2)


BAD_MANIFESTS = [
    ("not-json", '{"version": 1,\n  "head": }', ":2:11: not valid JSON"),
    ("wrong-version", _manifest(version=2), "unsupported version 2"),
    ("pages-not-object", _manifest(pages=[]), '"pages" must be a JSON object'),
    (
        "bad-date",
        _manifest(page={"created": "yesterday"}),
        'pages["content/a.md"].created must be an ISO 8601 date-time',
    ),
    ("naive-date", _manifest(page={"created": "2024-01-01T00:00:00"}), "must carry a UTC offset"),
    ("bad-commits", _manifest(page={"commits": -1}), "commits must be a whole number"),
    ("bad-author", _manifest(page={"authors": [{"name": "A"}]}), "authors[0].email must be"),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in BAD_MANIFESTS], ids=[c[0] for c in BAD_MANIFESTS]
)
def test_bad_manifest_names_file_and_problem(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "history.json"
    path.write_text(text)
    with pytest.raises(KennisError) as caught:
        load_manifest(path)
    assert str(caught.value).startswith(str(path))
    assert expected in str(caught.value)


def test_missing_manifest_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(KennisError, match="kennis index --out"):
        load_manifest(tmp_path / "nope.json")


def test_bad_ignore_revs_line_is_reported_with_position(tmp_path: Path) -> None:
    path = tmp_path / ".git-blame-ignore-revs"
    path.write_text("# fine\n" + "a" * 40 + "\n  abc123  # short sha\n")
    with pytest.raises(KennisError) as caught:
        read_ignore_revs(path)
    assert str(caught.value) == (
        f'{path}:3:3: "abc123" is not a full commit SHA (40 hex digits, unabbreviated)'
    )


def test_git_environment_reaches_every_git_call(kb: GitRepo, tmp_path: Path) -> None:
    """The App passes its mirror's environment (credentials); prove both git calls receive it."""
    extra = tmp_path / "extra.mailmap"
    extra.write_text(
        "Bobby Tables <bob@example.com>\nCarol Env <carol@example.com> <carol@old.example>\n"
    )
    env = {
        **os.environ,
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "mailmap.file",
        "GIT_CONFIG_VALUE_0": str(extra),
    }
    page = build_index(kb.root, env=env).pages["content/kitchen/close.md"]
    assert Person("Bobby Tables", "bob@example.com") in page.authors  # git log honoured it
    assert page.coauthors == (Person("Carol Env", "carol@example.com"),)  # check-mailmap too


def test_contributions_count_each_persons_commits_and_first_date(kb: GitRepo) -> None:
    page = build_index(kb.root).pages["content/kitchen/close.md"]
    assert [(c.person, c.commits, c.first) for c in page.contributions] == [
        (ALICE, 1, at("2024-01-10T09:00:00+01:00")),
        (BOB, 1, at("2024-03-05T14:30:00+00:00")),
        (CAROL, 1, at("2024-03-05T14:30:00+00:00")),  # credited through the trailer
        (DAN, 1, at("2024-06-01T10:00:00+00:00")),
    ]


def test_manifest_without_contributions_still_loads(kb: GitRepo) -> None:
    data = build_index(kb.root).to_json()
    for entry in data["pages"].values():
        del entry["contributions"]  # a manifest written before they were recorded
    page = HistoryIndex.from_json(data).pages["content/kitchen/close.md"]
    assert page.contributions == () and page.authors == (ALICE, BOB, DAN)


def test_index_at_an_older_revision(kb: GitRepo) -> None:
    before_rename = kb.git("rev-list", "-1", "--before=2024-05-01", "HEAD")
    index = build_index(kb.root, rev=before_rename)
    assert index.head == before_rename
    assert set(index.pages) == {"content/kitchen/closing.md"}  # not yet renamed
    assert index.pages["content/kitchen/closing.md"].last_author == BOB


def test_unknown_revision_is_a_clear_error(kb: GitRepo) -> None:
    with pytest.raises(KennisError, match="no commit 'nope'"):
        build_index(kb.root, rev="nope")
