import json
import subprocess
import sys

import pytest

from kennis.gitrev import Change, GitReader
from kennis.handles import parse_handle
from kennis.kb import load_kb
from kennis.review import (
    PullRequest,
    approvable,
    approvals,
    approvals_by_page,
    plan_review,
    touched_pages,
)
from kennis.tree import MemoryTree
from tests.gitrepo import GitRepo
from tests.kbfiles import page

BASE = {
    ".github/kennis.yml": b"fallback_owner: '@acme/kb'\nmax_reviewers: 4\n",
    "content/kitchen/.meta.yml": b"owner: '@chef'\ncoauthors: ['@sous']\n",
    "content/kitchen/close.md": page(coauthors='["@night"]').encode(),
    "content/kitchen/open.md": page(owner='"@morning"').encode(),
    "content/solo.md": page(owner='"@solo"').encode(),
    "content/team.md": page(owner='"@acme/ops"', coauthors='["@ana"]').encode(),
    "content/old-name.md": page(owner='"@ren"', coauthors='["@ana"]').encode(),
}


def kbs(changed: dict[str, bytes | None]):
    head = {**BASE, **changed}
    head = {k: v for k, v in head.items() if v is not None}
    return load_kb(MemoryTree(BASE)), load_kb(MemoryTree(head))


def touched(changes, changed=None):
    base, head = kbs(changed or {})
    return touched_pages(base, head, changes)


M = lambda p: Change("M", p, p)  # noqa: E731


def summary(pages):
    return [
        (
            p.path,
            p.change,
            p.owner and p.owner.text,
            [c.text for c in p.coauthors],
            p.previous_owner and p.previous_owner.text,
        )
        for p in pages
    ]


def test_modified_page_takes_owners_from_folder_chain():
    assert summary(touched([M("content/kitchen/close.md")])) == [
        ("content/kitchen/close.md", "modified", "@chef", ["@sous", "@night"], None)
    ]


def test_moving_a_page_where_others_inherit_it_needs_its_owner():
    pages = touched(
        [Change("R", "content/old-name.md", "content/kitchen/new-name.md", 95)],
        {"content/old-name.md": None, "content/kitchen/new-name.md": BASE["content/old-name.md"]},
    )
    assert summary(pages) == [("content/kitchen/new-name.md", "renamed", "@ren", ["@ana"], "@ren")]


def test_renamed_page_is_looked_up_at_its_old_path():
    pages = touched(
        [Change("R", "content/old-name.md", "content/new-name.md", 95)],
        {"content/old-name.md": None, "content/new-name.md": BASE["content/old-name.md"]},
    )
    assert summary(pages) == [("content/new-name.md", "renamed", "@ren", ["@ana"], None)]
    assert pages[0].old_path == "content/old-name.md"


def test_added_page_is_owned_by_its_folder_not_its_claim():
    pages = touched(
        [Change("A", "content/kitchen/new.md", "content/kitchen/new.md")],
        {"content/kitchen/new.md": page(owner='"@friend"', title="New").encode()},
    )
    assert summary(pages) == [("content/kitchen/new.md", "added", "@chef", ["@sous"], "@chef")]
    assert pages[0].new_owner.text == "@friend" and pages[0].title == "New"


def test_deleted_page_asks_its_owner():
    assert summary(
        touched([Change("D", "content/solo.md", "content/solo.md")], {"content/solo.md": None})
    ) == [("content/solo.md", "deleted", "@solo", [], None)]


def test_editing_owner_requires_the_previous_owner():
    pages = touched(
        [M("content/kitchen/open.md")],
        {"content/kitchen/open.md": page(owner='"@mallory"').encode()},
    )
    assert summary(pages) == [
        ("content/kitchen/open.md", "modified", "@morning", ["@sous"], "@morning")
    ]


def test_editing_a_meta_file_touches_every_page_whose_owner_changes():
    pages = touched(
        [M("content/kitchen/.meta.yml")], {"content/kitchen/.meta.yml": b"owner: '@mallory'\n"}
    )
    assert summary(pages) == [
        ("content/kitchen/close.md", "ownership", "@chef", ["@sous", "@night"], "@chef"),
        ("content/kitchen/open.md", "ownership", "@morning", ["@sous"], "@morning"),
    ]


def test_non_page_files_are_ignored():
    assert touched([M("README.md"), M("content/img/logo.png")]) == []


def plan(changes, author="someone", max_reviewers=4, changed=None, **state):
    pr = PullRequest(author, **{k: frozenset(v) for k, v in state.items()})
    return plan_review(touched(changes, changed), pr, max_reviewers, parse_handle("@acme/kb"))


PLANS = [
    (
        "owner then co-authors",
        [M("content/kitchen/close.md")],
        {},
        ["@chef", "@sous", "@night"],
        [],
    ),
    (
        "author is never asked",
        [M("content/kitchen/close.md")],
        {"author": "Chef"},
        ["@sous", "@night"],
        [("@chef", "wrote this pull request")],
    ),
    (
        "sole owner as author falls back",
        [M("content/solo.md")],
        {"author": "solo"},
        ["@acme/kb"],
        [("@solo", "wrote this pull request")],
    ),
    ("teams stay teams", [M("content/team.md")], {}, ["@acme/ops", "@ana"], []),
    (
        "cap keeps one reviewer per page first",
        [M("content/kitchen/close.md"), M("content/kitchen/open.md"), M("content/solo.md")],
        {"max_reviewers": 3},
        ["@chef", "@morning", "@solo"],
        [("@sous", "over the limit of 3 reviewers"), ("@night", "over the limit of 3 reviewers")],
    ),
    (
        "already requested and reviewed are not asked again",
        [M("content/kitchen/close.md")],
        {"requested": {"@chef"}, "reviewed": {"@sous"}},
        ["@night"],
        [],
    ),
    (
        "removed people stay removed",
        [M("content/kitchen/close.md")],
        {"removed": {"@chef", "@sous"}},
        ["@night"],
        [
            ("@chef", "was removed from this pull request"),
            ("@sous", "was removed from this pull request"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("changes", "kwargs", "asked", "skipped"), [c[1:] for c in PLANS], ids=[c[0] for c in PLANS]
)
def test_plans(changes, kwargs, asked, skipped):
    result = plan(changes, **kwargs)
    assert [h.text for h in result.request] == asked
    assert [(s.handle.text, s.reason) for s in result.skipped] == skipped
    assert plan(changes, **kwargs) == result  # deterministic


def test_users_and_teams_are_split_for_the_api():
    result = plan([M("content/team.md")])
    assert (result.users, result.teams) == (["ana"], ["ops"])


def test_approvals():
    pages = touched(
        [M("content/kitchen/close.md"), M("content/kitchen/open.md"), M("content/team.md")],
        {"content/kitchen/open.md": page(owner='"@mallory"').encode()},
    )
    state = {
        a.page.path: (a.ok, a.approved_by, [h.text for h in a.waiting_for])
        for a in approvals(pages, ["night", "mallory", "opsmember"], {"@acme/ops": ["OpsMember"]})
    }
    assert state == {
        "content/kitchen/close.md": (True, ("@night",), []),
        "content/kitchen/open.md": (False, (), ["@morning", "@sous"]),
        "content/team.md": (True, ("@opsmember",), []),
    }


def test_reviewers_cli_reads_both_sides_from_git(tmp_path):
    repo = GitRepo(tmp_path / "kb")
    for path, data in BASE.items():
        repo.write(path, data.decode())
    base = repo.commit("Base", date="2026-01-01T10:00:00+00:00")
    repo.mv("content/old-name.md", "content/renamed.md")
    repo.write("content/kitchen/open.md", page(owner='"@mallory"'))
    repo.commit("Change", date="2026-01-02T10:00:00+00:00")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kennis",
            "reviewers",
            "--base",
            base,
            "--author",
            "ana",
            "--format",
            "json",
        ],
        cwd=repo.root,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [(p["path"], p["change"], p["owner"], p["previous_owner"]) for p in data["pages"]] == [
        ("content/kitchen/open.md", "modified", "@morning", "@morning"),
        ("content/renamed.md", "renamed", "@ren", None),
    ]
    assert data["request"] == {"users": ["morning", "ren", "sous"], "teams": []}
    assert data["skipped"] == [{"handle": "@ana", "reason": "wrote this pull request"}]


def test_a_page_only_its_author_owns_can_be_approved_by_the_fallback_owner():
    pages = touched(
        [M("content/solo.md"), M("content/kitchen/open.md")],
        {"content/kitchen/open.md": page(owner='"@solo"').encode()},
    )
    fallback = parse_handle("@acme/kb")
    for_solo = approvable(pages, "solo", fallback)
    assert [[h.text for h in p.approvers] for p in for_solo] == [
        ["@morning", "@sous"],
        ["@solo", "@acme/kb"],
    ]
    state = {
        a.page.path: a.ok for a in approvals(for_solo, ["kbmember"], {"@acme/kb": ["kbmember"]})
    }
    assert state == {
        "content/kitchen/open.md": False,
        "content/solo.md": True,
    }  # open.md still needs @morning


def test_an_author_handing_over_their_own_page_is_not_waited_for():
    pages = touched([M("content/solo.md")], {"content/solo.md": page(owner='"@newbie"').encode()})
    assert pages[0].previous_owner.text == "@solo"
    assert approvable(pages, "solo", None)[0].previous_owner is None
    assert approvable(pages, "someone", None)[0].previous_owner.text == "@solo"


def test_approvals_per_page_and_of_an_earlier_version():
    pages = touched([M("content/kitchen/close.md"), M("content/kitchen/open.md")])
    state = {
        a.page.path: (a.ok, a.approved_by, [h.text for h in a.waiting_for], a.earlier)
        for a in approvals(
            pages,
            {"content/kitchen/close.md": {"night"}, "content/kitchen/open.md": {"stranger"}},
            earlier={"content/kitchen/open.md": {"morning", "stranger2"}},
        )
    }
    assert state == {
        "content/kitchen/close.md": (True, ("@night",), [], ()),
        # @morning's approval was of an earlier version; a stranger never counts, stale or not
        "content/kitchen/open.md": (False, (), ["@morning", "@sous"], ("@morning",)),
    }


HEAD = "h" * 40
STALE = [
    # (id, approved commit, paths changed since it (None: commit unknown), which pages still count)
    ("approved-on-head", HEAD, None, ["close", "ownership", "renamed"]),
    ("nothing-changed", "a" * 40, [], ["close", "ownership", "renamed"]),
    (
        "other-page-changed",
        "a" * 40,
        ["content/solo.md", "README.md"],
        ["close", "ownership", "renamed"],
    ),
    ("the-page-changed", "a" * 40, ["content/kitchen/close.md"], ["ownership", "renamed"]),
    ("renamed-page-new-path", "a" * 40, ["content/renamed.md"], ["close", "ownership"]),
    ("renamed-page-old-path", "a" * 40, ["content/old-name.md"], ["close", "ownership"]),
    ("folder-default-changed", "a" * 40, ["content/kitchen/.meta.yml"], ["close", "renamed"]),
    ("commit-force-pushed-away", "a" * 40, None, []),
]


@pytest.mark.parametrize(
    ("commit", "changed", "counts"), [c[1:] for c in STALE], ids=[c[0] for c in STALE]
)
def test_an_approval_counts_only_for_pages_unchanged_since_it(commit, changed, counts):
    pages = touched(
        [
            M("content/kitchen/close.md"),
            Change("R", "content/old-name.md", "content/renamed.md", 90),
            M("content/kitchen/.meta.yml"),
        ],
        {
            "content/old-name.md": None,
            "content/renamed.md": BASE["content/old-name.md"],
            "content/kitchen/.meta.yml": b"owner: '@chef'\ncoauthors: ['@sous']\n",
            "content/kitchen/open.md": page(title="Opening").encode(),
        },  # now the folder's
    )
    names = {
        "content/kitchen/close.md": "close",
        "content/renamed.md": "renamed",
        "content/kitchen/open.md": "ownership",
    }
    assert sorted(names[p.path] for p in pages) == ["close", "ownership", "renamed"]
    current, earlier = approvals_by_page(pages, {"Chef": commit}, HEAD, {commit: changed})
    assert sorted(names[p] for p in current) == counts
    assert sorted(names[p] for p in earlier) == sorted(set(names.values()) - set(counts))
    assert all(who == {"@chef"} for who in (*current.values(), *earlier.values()))


def test_changed_paths_reads_one_diff_between_two_commits_with_renames_as_two_paths(tmp_path):
    repo = GitRepo(tmp_path / "kb")
    for path, data in BASE.items():
        repo.write(path, data.decode())
    approved = repo.commit("Approved", date="2026-01-01T10:00:00+00:00")
    repo.mv("content/old-name.md", "content/renamed.md")
    repo.append("content/kitchen/close.md", "\nMore.\n")
    head = repo.commit("Later", date="2026-01-02T10:00:00+00:00")
    changed = GitReader(repo.root).changed_paths(approved, head)
    assert changed == {"content/old-name.md", "content/renamed.md", "content/kitchen/close.md"}
    assert GitReader(repo.root).changed_paths(head, head) == set()
