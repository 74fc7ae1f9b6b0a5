"""Commit status and deployment routes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .core import ApiError, Reply, Request, not_found, page, repo_of, route, validation_failed
from .shapes_pulls import combined_status, deployment, deployment_status, status
from .state import Deployment, Status, now_iso

if TYPE_CHECKING:
    from .server import GitHubStandIn

STATUS_STATES = ("error", "failure", "pending", "success")
DEPLOY_STATES = ("error", "failure", "inactive", "in_progress", "queued", "pending", "success")


@route("POST", "/repos/{owner}/{repo}/statuses/{sha}")
def create_status(gh: GitHubStandIn, req: Request) -> Reply:
    repo = repo_of(gh, req)
    sha = req.params["sha"]
    if repo.resolve(sha) != sha:
        raise ApiError(422, f"No commit found for SHA: {sha}")
    body = req.body_dict()
    if body.get("state") not in STATUS_STATES:
        raise validation_failed("Status", "state", "custom" if "state" in body else "missing_field")
    stamp = now_iso()
    s = Status(
        gh.store.new_id(),
        sha,
        body["state"],
        body.get("context") or "default",
        body.get("description"),
        body.get("target_url"),
        req.actor or "ghost",
        stamp,
        stamp,
    )
    repo.statuses.append(s)
    return Reply(201, status(gh.base_url, gh.store, repo, s))


@route("GET", "/repos/{owner}/{repo}/commits/{ref}/statuses")
def list_statuses(gh: GitHubStandIn, req: Request) -> Reply:
    repo = repo_of(gh, req)
    sha = repo.resolve(req.params["ref"])
    if sha is None:
        raise not_found()
    found = [
        status(gh.base_url, gh.store, repo, s) for s in reversed(repo.statuses) if s.sha == sha
    ]
    return page(gh, req, found)


@route("GET", "/repos/{owner}/{repo}/commits/{ref}/status")
def get_combined(gh: GitHubStandIn, req: Request) -> Reply:
    repo = repo_of(gh, req)
    sha = repo.resolve(req.params["ref"])
    if sha is None:
        raise not_found()
    return Reply(200, combined_status(gh.base_url, gh.store, repo, sha))


@route("POST", "/repos/{owner}/{repo}/deployments")
def create_deployment(gh: GitHubStandIn, req: Request) -> Reply:
    repo = repo_of(gh, req)
    body = req.body_dict()
    ref = body.get("ref")
    if not isinstance(ref, str):
        raise validation_failed("Deployment", "ref", "missing_field")
    sha = repo.resolve(ref)
    if sha is None:
        raise ApiError(422, f"No ref found for: {ref}")
    d = Deployment(
        gh.store.new_id(),
        sha,
        ref,
        body.get("task") or "deploy",
        body.get("environment") or "production",
        body.get("description"),
        body.get("payload") or {},
        req.actor or "ghost",
        now_iso(),
    )
    repo.deployments[d.id] = d
    return Reply(201, deployment(gh.base_url, gh.store, repo, d))


@route("GET", "/repos/{owner}/{repo}/deployments")
def list_deployments(gh: GitHubStandIn, req: Request) -> Reply:
    repo = repo_of(gh, req)
    found = [
        d
        for d in sorted(repo.deployments.values(), key=lambda d: -d.id)
        if all(
            req.query.get(k, getattr(d, k)) == getattr(d, k)
            for k in ("sha", "ref", "task", "environment")
        )
    ]
    return page(gh, req, [deployment(gh.base_url, gh.store, repo, d) for d in found])


@route("GET", "/repos/{owner}/{repo}/deployments/{deployment_id}")
def get_deployment(gh: GitHubStandIn, req: Request) -> Reply:
    repo = repo_of(gh, req)
    d = repo.deployments.get(req.param_int("deployment_id"))
    if d is None:
        raise not_found()
    return Reply(200, deployment(gh.base_url, gh.store, repo, d))


@route("POST", "/repos/{owner}/{repo}/deployments/{deployment_id}/statuses")
def create_deployment_status(gh: GitHubStandIn, req: Request) -> Reply:
    repo = repo_of(gh, req)
    d = repo.deployments.get(req.param_int("deployment_id"))
    if d is None:
        raise not_found()
    body = req.body_dict()
    if body.get("state") not in DEPLOY_STATES:
        raise validation_failed("DeploymentStatus", "state", "invalid", body.get("state"))
    entry = {
        **body,
        "id": gh.store.new_id(),
        "creator": req.actor or "ghost",
        "created_at": now_iso(),
    }
    d.statuses.append(entry)
    return Reply(201, deployment_status(gh.base_url, gh.store, repo, d, entry))


@route("GET", "/repos/{owner}/{repo}/deployments/{deployment_id}/statuses")
def list_deployment_statuses(gh: GitHubStandIn, req: Request) -> Reply:
    repo = repo_of(gh, req)
    d = repo.deployments.get(req.param_int("deployment_id"))
    if d is None:
        raise not_found()
    found = [deployment_status(gh.base_url, gh.store, repo, d, s) for s in reversed(d.statuses)]
    return page(gh, req, found)
