"""The GitHub stand-in behaves like GitHub: PyGithub scenarios, contracts, faults, webhooks."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import urlsplit

import jwt
import pytest
import requests
from github import Auth, Github, GithubException, GithubIntegration, GithubRetry
from githubkit.webhooks import parse_obj
from githubkit_schemas.latest import models
from pydantic import TypeAdapter

from tests.github_standin.fixtures import AppKey, make_app_key
from tests.github_standin.server import GitHubStandIn
from tests.github_standin.webhooks import EXAMPLES_DIR, WebhookSender, load_example, sign
from tests.gitrepo import GitRepo

FAST: dict[str, Any] = {"seconds_between_requests": None, "seconds_between_writes": None}


def integration(github: GitHubStandIn, app_key: AppKey, **kw: Any) -> GithubIntegration:
    auth = Auth.AppAuth(app_key.app_id, app_key.private_key_pem)
    return GithubIntegration(auth=auth, base_url=github.base_url, **FAST, **kw)


def installation_client(
    github: GitHubStandIn, app_key: AppKey, repo: str = "acme/kb", **kw: Any
) -> Github:
    gi = integration(github, app_key, **kw)
    owner, name = repo.split("/")
    return gi.get_github_for_installation(gi.get_repo_installation(owner, name).id)


@pytest.fixture
def world(github: GitHubStandIn) -> GitHubStandIn:
    github.add_repo("acme/kb")
    github.add_collaborator("acme/kb", "bob")
    github.add_collaborator("acme/kb", "carol", "admin")
    github.add_team("acme", "kitchen-leads", ["dave"])
    files = [f"content/page-{i:03}.md" for i in range(250)]
    github.add_pr("acme/kb", author="alice", head_ref="kitchen", files=files)
    return github


def token_for(github: GitHubStandIn, app_key: AppKey) -> str:
    now = int(time.time())
    claims = {"iat": now - 60, "exp": now + 300, "iss": str(app_key.app_id)}
    app_jwt = jwt.encode(claims, app_key.private_key_pem, algorithm="RS256")
    inst = next(iter(github.store.installations))
    answer = requests.post(
        f"{github.base_url}/app/installations/{inst}/access_tokens",
        headers={"Authorization": f"Bearer {app_jwt}"},
        timeout=10,
    )
    assert answer.status_code == 201
    return str(answer.json()["token"])


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


# -- auth ------------------------------------------------------------------------------------
def _jwt(key: AppKey, iat: int, exp: int, iss: object = None) -> str:
    claims = {"iat": iat, "exp": exp, "iss": str(key.app_id) if iss is None else iss}
    return jwt.encode(claims, key.private_key_pem, algorithm="RS256")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda k, now: _jwt(k, now - 700, now - 10),
            "'Expiration time' claim ('exp') must be a numeric value",
        ),
        (
            lambda k, now: _jwt(k, now - 60, now + 900),
            "'Expiration time' claim ('exp') is too far in the future",
        ),
        (
            lambda k, now: _jwt(k, now + 300, now + 600),
            "'Issued at' claim ('iat') must be an Integer",
        ),
        (
            lambda k, now: _jwt(make_app_key(k.app_id), now - 60, now + 300),
            "A JSON web token could not be decoded",
        ),
        (
            lambda k, now: _jwt(k, now - 60, now + 300, iss="999"),
            "A JSON web token could not be decoded",
        ),
        (lambda k, now: "", "A JSON web token could not be decoded"),
    ],
    ids=[
        "expired",
        "longer-than-10-minutes",
        "issued-in-future",
        "other-key",
        "other-app",
        "absent",
    ],
)
def test_bad_app_jwts_get_githubs_401(
    github: GitHubStandIn, app_key: AppKey, make: Any, message: str
) -> None:
    token = make(app_key, int(time.time()))
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = requests.get(f"{github.base_url}/app/installations", headers=headers, timeout=10)
    assert answer.status_code == 401
    assert answer.json()["message"].startswith(message)
    assert answer.json()["documentation_url"] == "https://docs.github.com/rest"


def test_installation_tokens_expire(world: GitHubStandIn, app_key: AppKey) -> None:
    token = token_for(world, app_key)
    url = f"{world.base_url}/repos/acme/kb"
    assert (
        requests.get(url, headers={"Authorization": f"token {token}"}, timeout=10).status_code
        == 200
    )
    world.expire_tokens()
    answer = requests.get(url, headers={"Authorization": f"token {token}"}, timeout=10)
    assert (answer.status_code, answer.json()["message"]) == (401, "Bad credentials")


def test_pygithub_renews_a_token_near_expiry(world: GitHubStandIn, app_key: AppKey) -> None:
    world.token_ttl = 15  # PyGithub renews a token that expires within 20 seconds
    repo = installation_client(world, app_key).get_repo("acme/kb")
    repo.get_pull(1)
    assert len(world.requests_to("POST", r"/app/installations/\d+/access_tokens")) == 2


def test_every_response_carries_rate_limit_and_request_id_headers(
    world: GitHubStandIn, app_key: AppKey
) -> None:
    token = token_for(world, app_key)
    for path, status in [("/repos/acme/kb", 200), ("/repos/acme/kb/pulls/99", 404), ("/nope", 404)]:
        answer = requests.get(
            world.base_url + path, headers={"Authorization": f"token {token}"}, timeout=10
        )
        assert answer.status_code == status
        for header in (
            "X-RateLimit-Limit",
            "X-RateLimit-Remaining",
            "X-RateLimit-Reset",
            "X-RateLimit-Used",
            "X-RateLimit-Resource",
            "X-GitHub-Request-Id",
        ):
            assert header in answer.headers, (path, header)


# -- contracts: every endpoint's answer validates against GitHub's published schema ----------
class Client:
    """Raw HTTP against the stand-in that validates each answer with githubkit's models."""

    def __init__(self, github: GitHubStandIn, app_key: AppKey) -> None:
        self.github = github
        now = int(time.time())
        self.jwt = jwt.encode(
            {"iat": now - 60, "exp": now + 300, "iss": str(app_key.app_id)},
            app_key.private_key_pem,
            algorithm="RS256",
        )
        self.token = token_for(github, app_key)
        self.problems: list[str] = []

    def call(
        self,
        method: str,
        path: str,
        model: Any,
        body: Any = None,
        status: int = 200,
        auth: str = "token",
        token: str | None = None,
    ) -> Any:
        credential = token or (self.jwt if auth == "jwt" else self.token)
        answer = requests.request(
            method,
            self.github.base_url + path,
            json=body,
            timeout=10,
            headers={"Authorization": f"Bearer {credential}"},
        )
        assert answer.status_code == status, (method, path, answer.text)
        data = answer.json() if answer.content else None
        if model is not None:
            try:
                TypeAdapter(model).validate_python(data)
            except Exception as err:  # collect all schema problems, then fail once
                self.problems.append(f"{method} {path}: {err}")
        return data


def test_every_endpoint_answers_in_githubs_published_shape(
    world: GitHubStandIn, app_key: AppKey
) -> None:
    world.add_branch("acme/kb", "fix-typo", "c" * 40)
    world.add_branch("acme/kb", "main", world.pull("acme/kb", 1).base_sha)
    c, m, inst = Client(world, app_key), models, next(iter(world.store.installations))
    sha = world.pull("acme/kb", 1).head_sha
    c.call("GET", "/app", m.Integration, auth="jwt")
    c.call("GET", "/app/installations", list[m.Installation], auth="jwt")
    c.call("GET", f"/app/installations/{inst}", m.Installation, auth="jwt")
    c.call("GET", "/repos/acme/kb/installation", m.Installation, auth="jwt")
    c.call(
        "POST",
        f"/app/installations/{inst}/access_tokens",
        m.InstallationToken,
        status=201,
        auth="jwt",
    )
    c.call("GET", "/installation/repositories", m.InstallationRepositoriesGetResponse200)
    c.call("GET", "/repos/acme/kb", m.FullRepository)
    c.call("GET", "/users/alice", m.PublicUser)
    pr = "/repos/acme/kb/pulls"
    c.call("GET", f"{pr}/1", m.PullRequest)
    c.call("GET", pr, list[m.PullRequestSimple])
    c.call("POST", pr, m.PullRequest, {"head": "fix-typo", "base": "main", "title": "Fix"}, 201)
    c.call("GET", f"{pr}/1/files", list[m.DiffEntry])
    c.call(
        "POST",
        f"{pr}/1/requested_reviewers",
        m.PullRequestSimple,
        {"reviewers": ["bob"], "team_reviewers": ["kitchen-leads"]},
        201,
    )
    c.call("GET", f"{pr}/1/requested_reviewers", m.PullRequestReviewRequest)
    c.call("DELETE", f"{pr}/1/requested_reviewers", m.PullRequestSimple, {"reviewers": ["bob"]})
    c.call(
        "POST",
        f"{pr}/1/reviews",
        m.PullRequestReview,
        {"event": "APPROVE"},
        token=world.user_token("bob"),
    )
    c.call("GET", f"{pr}/1/reviews", list[m.PullRequestReview])
    issues = "/repos/acme/kb/issues"
    new = c.call(
        "POST",
        issues,
        m.Issue,
        {"title": "Due", "labels": ["kennis:due"], "assignees": ["bob"]},
        201,
    )
    n = new["number"]
    c.call("GET", f"{issues}/{n}", m.Issue)
    c.call("PATCH", f"{issues}/{n}", m.Issue, {"state": "closed"})
    c.call("GET", f"{issues}?state=all&labels=kennis:due", list[m.Issue])
    comment = c.call("POST", f"{issues}/{n}/comments", m.IssueComment, {"body": "hi"}, 201)
    c.call("GET", f"{issues}/{n}/comments", list[m.IssueComment])
    c.call("GET", f"{issues}/comments/{comment['id']}", m.IssueComment)
    c.call("PATCH", f"{issues}/comments/{comment['id']}", m.IssueComment, {"body": "hello"})
    c.call("POST", "/repos/acme/kb/labels", m.Label, {"name": "kitchen", "color": "00ff00"}, 201)
    c.call("GET", "/repos/acme/kb/labels", list[m.Label])
    c.call("GET", "/repos/acme/kb/labels/kitchen", m.Label)
    c.call("POST", f"{issues}/{n}/labels", list[m.Label], {"labels": ["kitchen"]})
    c.call("PUT", f"{issues}/{n}/labels", list[m.Label], {"labels": ["kitchen", "bar"]})
    c.call("DELETE", f"{issues}/{n}/labels/bar", list[m.Label])
    c.call("POST", f"{issues}/{n}/assignees", m.Issue, {"assignees": ["carol"]}, 201)
    c.call("DELETE", f"{issues}/{n}/assignees", m.Issue, {"assignees": ["carol"]})
    c.call("GET", "/repos/acme/kb/assignees/bob", None, status=204)
    out = {
        "title": "kennis",
        "summary": "s",
        "annotations": [
            {
                "path": "a.md",
                "start_line": 1,
                "end_line": 2,
                "annotation_level": "failure",
                "message": "m",
            }
        ],
    }
    run = c.call(
        "POST",
        "/repos/acme/kb/check-runs",
        m.CheckRun,
        {"name": "kennis", "head_sha": sha, "status": "in_progress", "output": out},
        201,
    )
    runs = f"/repos/acme/kb/check-runs/{run['id']}"
    c.call("PATCH", runs, m.CheckRun, {"conclusion": "success"})
    c.call("GET", runs, m.CheckRun)
    c.call("GET", f"{runs}/annotations", list[m.CheckAnnotation])
    c.call(
        "GET",
        f"/repos/acme/kb/commits/{sha}/check-runs",
        m.ReposOwnerRepoCommitsRefCheckRunsGetResponse200,
    )
    c.call(
        "POST",
        f"/repos/acme/kb/statuses/{sha}",
        m.Status,
        {"state": "success", "context": "kennis"},
        201,
    )
    c.call("GET", f"/repos/acme/kb/commits/{sha}/statuses", list[m.Status])
    c.call("GET", f"/repos/acme/kb/commits/{sha}/status", m.CombinedCommitStatus)
    dep = c.call(
        "POST",
        "/repos/acme/kb/deployments",
        m.Deployment,
        {"ref": "main", "environment": "kb"},
        201,
    )
    deps = f"/repos/acme/kb/deployments/{dep['id']}"
    c.call("GET", "/repos/acme/kb/deployments", list[m.Deployment])
    c.call("GET", deps, m.Deployment)
    c.call(
        "POST",
        f"{deps}/statuses",
        m.DeploymentStatus,
        {"state": "success", "environment_url": "http://x"},
        201,
    )
    c.call("GET", f"{deps}/statuses", list[m.DeploymentStatus])
    c.call("GET", "/repos/acme/kb/collaborators", list[m.Collaborator])
    c.call("GET", "/repos/acme/kb/collaborators/bob", None, status=204)
    c.call("GET", "/repos/acme/kb/collaborators/bob/permission", m.RepositoryCollaboratorPermission)
    c.call("GET", "/orgs/acme/members/dave", None, status=204)
    c.call("GET", "/orgs/acme/memberships/dave", m.OrgMembership)
    c.call("GET", "/orgs/acme/teams/kitchen-leads", m.TeamFull)
    c.call("GET", "/orgs/acme/teams/kitchen-leads/members", list[m.SimpleUser])
    c.call("GET", "/orgs/acme/teams/kitchen-leads/memberships/dave", m.TeamMembership)
    c.call("GET", "/repos/acme/kb/pulls/99", m.BasicError, status=404)
    c.call("POST", issues, m.ValidationError, {"title": "x", "assignees": ["mallory"]}, 422)
    assert c.problems == []
    served = {(r.method, r.path) for r in world.requests if r.status < 400}
    from tests.github_standin.core import ROUTES

    untested = [
        f"{r.method} {r.pattern.pattern}"
        for r in ROUTES
        if not any(r.method == meth and r.pattern.match(path) for meth, path in served)
    ]
    assert untested == []


def test_every_url_in_answers_is_on_the_stand_ins_base_url(
    world: GitHubStandIn, app_key: AppKey
) -> None:
    c = Client(world, app_key)
    answers = [
        c.call("GET", "/repos/acme/kb/pulls/1", None),
        c.call("GET", "/repos/acme/kb/issues", None),
    ]
    urls = [v for v in _strings(answers) if "://" in v]
    host = world.base_url.split("://")[1]  # git:// and ssh:// clone URLs use the same host
    assert urls and [u for u in urls if urlsplit(u).netloc.split("@")[-1] != host] == []


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


# -- faults ----------------------------------------------------------------------------------
def retrying(world: GitHubStandIn, app_key: AppKey, **retry: Any) -> Github:
    return installation_client(
        world, app_key, retry=GithubRetry(total=3, secondary_rate_wait=1, **retry)
    )


def test_githubretry_recovers_from_5xx(world: GitHubStandIn, app_key: AppKey) -> None:
    world.faults.add("GET", r"/repos/acme/kb/pulls/1", "5xx", count=2)
    pr = retrying(world, app_key).get_repo("acme/kb").get_pull(1)
    assert pr.title == "Update pages"
    assert [r.status for r in world.requests_to("GET", r"/repos/acme/kb/pulls/1")] == [
        502,
        502,
        200,
    ]


def test_githubretry_waits_out_a_secondary_rate_limit(
    world: GitHubStandIn, app_key: AppKey
) -> None:
    world.faults.add("POST", r"/repos/acme/kb/issues", "secondary_rate_limit", retry_after=1)
    repo = retrying(world, app_key).get_repo("acme/kb")
    started = time.monotonic()
    issue = repo.create_issue("Due: kitchen")
    assert time.monotonic() - started >= 1.0  # Retry-After honoured
    assert [r.status for r in world.requests_to("POST", r"/repos/acme/kb/issues")] == [403, 201]
    assert sorted(world.repo("acme/kb").issues) == [1, issue.number]  # created once


@pytest.mark.parametrize("status", [403, 429], ids=["403", "429"])
def test_primary_rate_limit_is_reported_with_its_reset(
    world: GitHubStandIn, app_key: AppKey, status: int
) -> None:
    world.faults.add(
        "GET", r"/repos/acme/kb/pulls/1", "primary_rate_limit", retry_after=3600, status=status
    )
    repo = retrying(world, app_key, max_rate_limit_wait=5).get_repo("acme/kb")
    with pytest.raises(GithubException) as refused:
        repo.get_pull(1)
    assert refused.value.status == status
    headers = refused.value.headers or {}
    assert headers["x-ratelimit-remaining"] == "0"
    assert int(headers["x-ratelimit-reset"]) >= time.time() + 3000


def test_faults_hit_a_share_of_calls_and_slow_calls_are_slow(
    world: GitHubStandIn, app_key: AppKey
) -> None:
    token = token_for(world, app_key)
    world.faults.add("GET", r"/repos/acme/kb", "5xx", share=0.3)
    world.faults.add("GET", r"/repos/acme/kb/pulls/1", "slow", delay=0.3)
    statuses = [
        requests.get(
            f"{world.base_url}/repos/acme/kb",
            timeout=10,
            headers={"Authorization": f"token {token}"},
        ).status_code
        for _ in range(40)
    ]
    assert 3 <= statuses.count(502) <= 25 and statuses.count(200) + statuses.count(502) == 40
    started = time.monotonic()
    requests.get(
        f"{world.base_url}/repos/acme/kb/pulls/1",
        headers={"Authorization": f"token {token}"},
        timeout=10,
    )
    assert time.monotonic() - started >= 0.3


# -- webhooks --------------------------------------------------------------------------------
def test_signature_matches_githubs_documented_test_vector() -> None:
    assert sign("It's a Secret to Everybody", b"Hello, World!") == (
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    )


CASES = [
    ("pull_request", "opened"),
    ("pull_request", "synchronize"),
    ("pull_request", "closed"),
    ("pull_request", "ready_for_review"),
    ("pull_request_review", "submitted"),
    ("issues", "opened"),
    ("issue_comment", "created"),
    ("push", None),
    ("installation", "created"),
    ("ping", None),
]


@pytest.mark.parametrize("examples", [EXAMPLES_DIR, None], ids=["from-examples", "built-in"])
@pytest.mark.parametrize(("event", "action"), CASES, ids=[f"{e}-{a or ''}" for e, a in CASES])
def test_built_payloads_validate_as_github_webhooks(
    world: GitHubStandIn, event: str, action: str | None, examples: Any
) -> None:
    if examples is not None and load_example(event, action, examples) is None:
        pytest.skip("../shared/github/webhook-examples is absent")
    sender = WebhookSender("http://127.0.0.1:9/unused", "s", world, examples_dir=examples)
    payload = sender.payload(event, action, repo="acme/kb", number=1)
    parsed = parse_obj(event, payload)
    if event != "installation":
        assert parsed.repository.full_name == "acme/kb"  # type: ignore[union-attr]
        assert str(parsed.repository.url).startswith(world.base_url)  # type: ignore[union-attr]
    if event == "pull_request":
        assert payload["pull_request"]["head"]["sha"] == world.pull("acme/kb", 1).head_sha


# Fields GitHub's schema requires today that the older recordings predate; nothing else may differ.
SCHEMA_DRIFT = {"archived_by", "archived_at", "app_slug"}


@pytest.mark.parametrize(
    "path",
    sorted(EXAMPLES_DIR.glob("*/*.payload.json")) or [None],
    ids=lambda p: f"{p.parent.name}/{p.name}" if p else "absent",
)
def test_recorded_examples_validate_as_github_webhooks(path: Any) -> None:
    if path is None:
        pytest.skip("../shared/github/webhook-examples is absent")
    payload = json.loads(path.read_text(encoding="utf-8"))
    try:
        parse_obj(path.parent.name, payload)
    except Exception as err:
        missing = {str(e["loc"][-1]) for e in err.errors()}  # type: ignore[attr-defined]
        assert missing <= SCHEMA_DRIFT and all(e["type"] == "missing" for e in err.errors())  # type: ignore[attr-defined]


class _Receiver(BaseHTTPRequestHandler):
    got: ClassVar[list[tuple[dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers["Content-Length"]))
        self.got.append(({k.lower(): v for k, v in self.headers.items()}, raw))
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def test_sender_posts_signed_deliveries(world: GitHubStandIn, webhook_sender: Any) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True).start()
    try:
        sender = webhook_sender(
            f"http://127.0.0.1:{server.server_address[1]}/webhook", secret="s3cret"
        )
        delivery = sender.send("pull_request", "opened", repo="acme/kb", number=1)
        again = sender.send(
            "pull_request", "opened", payload=delivery.payload, delivery_id=delivery.delivery_id
        )
    finally:
        server.shutdown()
        server.server_close()
    assert (delivery.status, again.status) == (202, 202)
    headers, raw = _Receiver.got[0]
    assert headers["x-github-event"] == "pull_request"
    assert (
        headers["x-github-delivery"]
        == delivery.delivery_id
        == _Receiver.got[1][0]["x-github-delivery"]
    )
    assert headers["x-hub-signature-256"] == sign("s3cret", raw)
    assert json.loads(raw)["installation"]["id"] == world.repo("acme/kb").installation_id
