"""The GitHub stand-in behaves like GitHub: PyGithub scenarios, pull requests, issues and people.

Auth and faults, schema contracts and webhooks have their own modules (test_github_standin_*).
"""

from __future__ import annotations

from typing import Any

import pytest
from github import Auth, Github, GithubException

from tests.github_standin.clients import FAST, installation_client, seed_acme_kb
from tests.github_standin.fixtures import AppKey
from tests.github_standin.server import GitHubStandIn
from tests.gitrepo import GitRepo


@pytest.fixture
def world(github: GitHubStandIn) -> GitHubStandIn:
    return seed_acme_kb(github)


# -- acceptance ------------------------------------------------------------------------------
def test_pygithub_app_scenario(world: GitHubStandIn, app_key: AppKey) -> None:
    gh = installation_client(world, app_key, per_page=100)
    repo = gh.get_repo("acme/kb")
    pr = repo.get_pull(1)

    files = [f.filename for f in pr.get_files()]
    assert len(files) == 250 and files[0] == "content/page-000.md"
    assert len(world.requests_to("GET", r"/repos/acme/kb/pulls/1/files")) == 3  # 100 + 100 + 50

    with pytest.raises(GithubException) as refused:
        pr.create_review_request(reviewers=["bob", "alice"])
    assert refused.value.status == 422
    assert refused.value.data["message"] == "Review cannot be requested from pull request author."
    assert world.pull("acme/kb", 1).requested_users == []  # all or nothing

    sha = pr.head.sha
    annotations: list[dict[str, Any]] = [
        {
            "path": f"content/page-{i:03}.md",
            "start_line": 1,
            "end_line": 1,
            "annotation_level": "warning",
            "message": f"owner missing ({i})",
        }
        for i in range(120)
    ]
    run = repo.create_check_run(
        "kennis",
        sha,
        status="in_progress",
        output={"title": "kennis", "summary": "checking", "annotations": annotations[:50]},
    )
    for start in (50, 100):
        run.edit(
            output={
                "title": "kennis",
                "summary": "checking",
                "annotations": annotations[start : start + 50],
            }
        )
    run.edit(conclusion="failure", output={"title": "kennis", "summary": "120 problems"})
    assert run.output.annotations_count == 120
    assert len(list(run.get_annotations())) == 120
    lazy_commit = gh.withLazy(True).get_repo("acme/kb").get_commit(sha)  # no GET commit needed
    assert [r.conclusion for r in lazy_commit.get_check_runs()] == ["failure"]

    issue = repo.create_issue("Page due: Closing the kitchen", labels=["kennis:due"])
    found = repo.get_issues(labels=[repo.get_label("kennis:due")])
    assert [i.number for i in found] == [issue.number]
    assert {r.auth for r in world.requests} == {"jwt", "token"}


def test_check_run_rejects_more_than_50_annotations(world: GitHubStandIn, app_key: AppKey) -> None:
    repo = installation_client(world, app_key).get_repo("acme/kb")
    many: list[dict[str, Any]] = [
        {
            "path": "a.md",
            "start_line": 1,
            "end_line": 1,
            "annotation_level": "notice",
            "message": "m",
        }
    ] * 51
    with pytest.raises(GithubException) as refused:
        repo.create_check_run(
            "kennis",
            world.pull("acme/kb", 1).head_sha,
            output={"title": "t", "summary": "s", "annotations": many},
        )
    assert refused.value.status == 422 and "50" in refused.value.data["message"]
    assert world.repo("acme/kb").check_runs == {}


# -- pull requests, issues, people ------------------------------------------------------------
def test_pr_files_stop_at_githubs_cap_of_3000(github: GitHubStandIn, app_key: AppKey) -> None:
    github.add_repo("acme/kb")
    github.add_pr("acme/kb", files=[f"content/{i}.md" for i in range(3500)])
    pr = installation_client(github, app_key, per_page=100).get_repo("acme/kb").get_pull(1)
    assert pr.changed_files == 3500
    assert len(list(pr.get_files())) == 3000
    last_page = github.requests_to("GET", r"/repos/acme/kb/pulls/1/files")[-1]
    assert last_page.query["page"] == "30"


@pytest.mark.parametrize(
    ("reviewers", "teams", "message"),
    [
        (
            ["mallory"],
            [],
            "Reviews may only be requested from collaborators. One or more of the users "
            "or teams you specified is not a collaborator of the acme/kb repository.",
        ),
        (["bob", "mallory"], [], "Reviews may only be requested from collaborators."),
        ([], ["ghosts"], "Reviews may only be requested from collaborators."),
        (["alice"], ["kitchen-leads"], "Review cannot be requested from pull request author."),
    ],
    ids=["stranger", "one-bad-of-two", "unknown-team", "author"],
)
def test_review_requests_are_all_or_nothing(
    world: GitHubStandIn, app_key: AppKey, reviewers: list[str], teams: list[str], message: str
) -> None:
    pr = installation_client(world, app_key).get_repo("acme/kb").get_pull(1)
    with pytest.raises(GithubException) as refused:
        pr.create_review_request(reviewers=reviewers, team_reviewers=teams)
    assert refused.value.status == 422 and refused.value.data["message"].startswith(message)
    users, team_list = pr.get_review_requests()
    assert (list(users), list(team_list)) == ([], [])


def test_review_requests_for_users_and_teams_then_removal(
    world: GitHubStandIn, app_key: AppKey
) -> None:
    pr = installation_client(world, app_key).get_repo("acme/kb").get_pull(1)
    pr.create_review_request(reviewers=["bob", "dave"], team_reviewers=["kitchen-leads"])
    users, teams = pr.get_review_requests()
    assert ([u.login for u in users], [t.slug for t in teams]) == (
        ["bob", "dave"],
        ["kitchen-leads"],
    )
    pr.delete_review_request(reviewers=["bob"])
    assert [u.login for u in pr.get_review_requests()[0]] == ["dave"]


def test_owner_approves_with_a_user_token(world: GitHubStandIn) -> None:
    bob = Github(auth=Auth.Token(world.user_token("bob")), base_url=world.base_url, **FAST)
    pr = bob.get_repo("acme/kb").get_pull(1)
    pr.create_review_request(reviewers=["carol"])
    pr.create_review(body="Still accurate.", event="APPROVE")
    assert [(r.user.login, r.state) for r in pr.get_reviews()] == [("bob", "APPROVED")]
    alice = Github(auth=Auth.Token(world.user_token("alice")), base_url=world.base_url, **FAST)
    with pytest.raises(GithubException) as refused:
        alice.get_repo("acme/kb").get_pull(1).create_review(event="APPROVE")
    assert refused.value.data["errors"] == ["Can not approve your own pull request"]


def test_issue_list_includes_pull_requests_and_filters(
    world: GitHubStandIn, app_key: AppKey
) -> None:
    repo = installation_client(world, app_key).get_repo("acme/kb")
    repo.create_issue("Stale: kitchen", labels=["kennis:stale", "kitchen"], assignees=["bob"])
    repo.create_issue("Stale: bar", labels=["kennis:stale"])
    listed = list(repo.get_issues())
    assert [(i.number, i.pull_request is not None) for i in listed] == [
        (3, False),
        (2, False),
        (1, True),
    ]
    assert [i.number for i in repo.get_issues(labels=["kennis:stale", "kitchen"])] == [2]
    assert [i.number for i in repo.get_issues(assignee="bob")] == [2]
    repo.get_issue(3).edit(state="closed")
    assert [i.number for i in repo.get_issues(state="closed")] == [3]


def test_unassignable_users_are_422_on_create_and_dropped_on_add(
    world: GitHubStandIn, app_key: AppKey
) -> None:
    repo = installation_client(world, app_key).get_repo("acme/kb")
    with pytest.raises(GithubException) as refused:
        repo.create_issue("Due", assignees=["mallory"])
    assert refused.value.status == 422
    assert refused.value.data["errors"] == [
        {"resource": "Issue", "field": "assignees", "code": "invalid", "value": "mallory"}
    ]
    issue = repo.create_issue("Due")
    issue.add_to_assignees("bob", "mallory")
    assert [a.login for a in repo.get_issue(issue.number).assignees] == ["bob"]


def test_comments_are_edited_in_place(world: GitHubStandIn, app_key: AppKey) -> None:
    issue = installation_client(world, app_key).get_repo("acme/kb").get_issue(1)
    comment = issue.create_comment("<!-- kennis:reviewers -->\nAsked bob")
    comment.edit("<!-- kennis:reviewers -->\nAsked bob and carol")
    assert [c.body for c in issue.get_comments()] == [
        "<!-- kennis:reviewers -->\nAsked bob and carol"
    ]
    assert comment.user.login == "kennis-bot[bot]"


@pytest.mark.parametrize(
    ("login", "permission"),
    [
        ("carol", "admin"),
        ("bob", "write"),
        ("dave", "write"),
        ("mallory", "none"),
        ("acme", "admin"),
    ],
    ids=["admin", "collaborator", "via-team", "stranger", "owner"],
)
def test_collaborator_permission(
    world: GitHubStandIn, app_key: AppKey, login: str, permission: str
) -> None:
    repo = installation_client(world, app_key).get_repo("acme/kb")
    assert repo.get_collaborator_permission(login) == permission
    assert repo.has_in_collaborators(login) is (permission != "none")


def test_pr_seeded_from_a_real_git_repository(
    github: GitHubStandIn, app_key: AppKey, tmp_path: Any
) -> None:
    git = GitRepo(tmp_path / "kb")
    git.write("content/a.md", "# A\n").write("content/b.md", "# B\n").commit("start")
    git.git("checkout", "-q", "-b", "edit")
    git.mv("content/a.md", "content/renamed.md").append("content/b.md", "more\n").commit("edit")
    github.add_repo("acme/kb", clone_url=f"file://{git.root}")
    github.add_pr("acme/kb", head_ref="edit", base_ref="main")
    pr = installation_client(github, app_key).get_repo("acme/kb").get_pull(1)
    assert pr.head.sha == git.git("rev-parse", "edit").strip()
    assert sorted((f.filename, f.status, f.previous_filename) for f in pr.get_files()) == [
        ("content/b.md", "modified", None),
        ("content/renamed.md", "renamed", "content/a.md"),
    ]
    with pytest.raises(GithubException) as refused:
        pr.base.repo.create_check_run("kennis", "f" * 40)
    assert refused.value.data["message"] == f"No commit found for SHA: {'f' * 40}"
