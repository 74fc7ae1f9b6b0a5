"""Contracts: every endpoint of the stand-in answers in the shape of GitHub's published schema."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

import jwt
import pytest
import requests
from githubkit_schemas.latest import models
from pydantic import TypeAdapter

from tests.github_standin.clients import seed_acme_kb, token_for
from tests.github_standin.fixtures import AppKey
from tests.github_standin.server import GitHubStandIn


@pytest.fixture
def world(github: GitHubStandIn) -> GitHubStandIn:
    return seed_acme_kb(github)


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
    c.call("PATCH", f"{pr}/1", m.PullRequest, {"body": "Lists every page."})
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
    c.call("POST", f"{issues}/{n}/reactions", m.Reaction, {"content": "+1"}, 201)
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
    # the App's own webhook log: one failed attempt (nothing listens), listed, then redelivered
    world.hooks.url, world.hooks.secret = "http://127.0.0.1:9/webhook", "s"
    failed = world.hooks.deliver("ping", {"zen": "Keep it logically awesome."}, "guid-1")
    c.call("GET", "/app/hook/deliveries", list[m.HookDeliveryItem], auth="jwt")
    c.call("POST", f"/app/hook/deliveries/{failed.id}/attempts", None, status=202, auth="jwt")
    c.call("GET", "/repos/acme/kb/pulls/99", m.BasicError, status=404)
    c.call("POST", issues, m.ValidationError, {"title": "x", "assignees": ["mallory"]}, 422)
    long = {"body": "x" * 65537}  # GitHub: "body is too long (maximum is 65536 characters)"
    c.call("POST", f"{issues}/1/comments", m.ValidationError, long, 422)
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
