"""JSON shapes of pull requests, their files, and the checks/statuses/deployments on commits."""

from __future__ import annotations

from typing import Any

from . import shapes
from .state import CheckRun, Deployment, Issue, Repo, Status, Store


def pull(api: str, store: Store, r: Repo, i: Issue, full: bool = True) -> dict[str, Any]:
    """A pull request; `full=False` is the "simple" shape of list endpoints."""
    assert i.pull is not None
    p = i.pull
    base = f"{api}/repos/{r.full_name}/pulls/{i.number}"
    issue_url = f"{api}/repos/{r.full_name}/issues/{i.number}"
    html = f"{api}/{r.full_name}/pull/{i.number}"
    statuses = f"{api}/repos/{r.full_name}/statuses/{p.head_sha}"
    users = [shapes.login(api, store, u) for u in i.assignees]
    out: dict[str, Any] = {
        "url": base,
        "id": p.id,
        "node_id": shapes.node_id("PR", p.id),
        "html_url": html,
        "diff_url": f"{html}.diff",
        "patch_url": f"{html}.patch",
        "issue_url": issue_url,
        "commits_url": f"{base}/commits",
        "review_comments_url": f"{base}/comments",
        "review_comment_url": f"{api}/repos/{r.full_name}/pulls/comments{{/number}}",
        "comments_url": f"{issue_url}/comments",
        "statuses_url": statuses,
        "number": i.number,
        "state": i.state,
        "locked": False,
        "title": i.title,
        "user": shapes.login(api, store, i.user),
        "body": i.body,
        "labels": shapes.issue_labels(api, r, i.labels),
        "milestone": None,
        "active_lock_reason": None,
        "created_at": i.created_at,
        "updated_at": i.updated_at,
        "closed_at": i.closed_at,
        "merged_at": i.closed_at if p.merged else None,
        "merge_commit_sha": None,
        "assignee": users[0] if users else None,
        "assignees": users,
        "requested_reviewers": [shapes.login(api, store, u) for u in p.requested_users],
        "requested_teams": [_team(api, store, r, slug) for slug in p.requested_teams],
        "head": _ref(api, store, r, p.head_ref, p.head_sha),
        "base": _ref(api, store, r, p.base_ref, p.base_sha),
        "_links": {
            "self": {"href": base},
            "html": {"href": html},
            "issue": {"href": issue_url},
            "comments": {"href": f"{issue_url}/comments"},
            "review_comments": {"href": f"{base}/comments"},
            "review_comment": {"href": f"{api}/repos/{r.full_name}/pulls/comments{{/number}}"},
            "commits": {"href": f"{base}/commits"},
            "statuses": {"href": statuses},
        },
        "author_association": shapes._association(store, r, i.user),
        "auto_merge": None,
        "draft": p.draft,
    }
    if full:
        out.update(
            {
                "merged": p.merged,
                "mergeable": None if p.merged else True,
                "rebaseable": None if p.merged else True,
                "mergeable_state": "clean" if not p.draft else "draft",
                "merged_by": None,
                "comments": len(i.comments),
                "review_comments": 0,
                "maintainer_can_modify": False,
                "commits": 1,
                "additions": sum(f["additions"] for f in p.files),
                "deletions": sum(f["deletions"] for f in p.files),
                "changed_files": len(p.files),
            }
        )
    return out


def _team(api: str, store: Store, r: Repo, slug: str) -> dict[str, Any]:
    team = store.team(r.owner, slug)
    assert team is not None
    return shapes.team(api, store, team)


def _ref(api: str, store: Store, r: Repo, ref: str, sha: str) -> dict[str, Any]:
    return {
        "label": f"{r.owner}:{ref}",
        "ref": ref,
        "sha": sha,
        "user": shapes.login(api, store, r.owner),
        "repo": shapes.repo(api, store, r),
    }


def diff_entry(api: str, r: Repo, sha: str, f: dict[str, Any]) -> dict[str, Any]:
    path = f["filename"]
    out = {
        "sha": f.get("sha") or "0" * 40,
        "filename": path,
        "status": f.get("status", "modified"),
        "additions": f["additions"],
        "deletions": f["deletions"],
        "changes": f["additions"] + f["deletions"],
        "blob_url": f"{api}/{r.full_name}/blob/{sha}/{path}",
        "raw_url": f"{api}/{r.full_name}/raw/{sha}/{path}",
        "contents_url": f"{api}/repos/{r.full_name}/contents/{path}?ref={sha}",
    }
    if "previous_filename" in f:
        out["previous_filename"] = f["previous_filename"]
    if "patch" in f:
        out["patch"] = f["patch"]
    return out


def check_run(api: str, store: Store, r: Repo, c: CheckRun) -> dict[str, Any]:
    url = f"{api}/repos/{r.full_name}/check-runs/{c.id}"
    return {
        "id": c.id,
        "head_sha": c.head_sha,
        "node_id": shapes.node_id("CR", c.id),
        "external_id": c.external_id or "",
        "url": url,
        "html_url": f"{api}/{r.full_name}/runs/{c.id}",
        "details_url": c.details_url or f"{api}/{r.full_name}/runs/{c.id}",
        "status": c.status,
        "conclusion": c.conclusion,
        "started_at": c.started_at,
        "completed_at": c.completed_at,
        "output": {
            "title": c.output.get("title"),
            "summary": c.output.get("summary"),
            "text": c.output.get("text"),
            "annotations_count": len(c.annotations),
            "annotations_url": f"{url}/annotations",
        },
        "name": c.name,
        "check_suite": {"id": c.suite_id},
        "app": shapes.app(api, store),
        "pull_requests": [
            {
                "id": i.pull.id,
                "number": i.number,
                "url": f"{api}/repos/{r.full_name}/pulls/{i.number}",
                "head": {"ref": i.pull.head_ref, "sha": i.pull.head_sha, "repo": _mini(api, r)},
                "base": {"ref": i.pull.base_ref, "sha": i.pull.base_sha, "repo": _mini(api, r)},
            }
            for i in r.issues.values()
            if i.pull and i.state == "open" and i.pull.head_sha == c.head_sha
        ],
    }


def _mini(api: str, r: Repo) -> dict[str, Any]:
    return {"id": r.id, "url": f"{api}/repos/{r.full_name}", "name": r.name}


def annotation(api: str, r: Repo, c: CheckRun, a: dict[str, Any]) -> dict[str, Any]:
    return {
        "path": a["path"],
        "start_line": a["start_line"],
        "end_line": a["end_line"],
        "start_column": a.get("start_column"),
        "end_column": a.get("end_column"),
        "annotation_level": a["annotation_level"],
        "title": a.get("title"),
        "message": a["message"],
        "raw_details": a.get("raw_details"),
        "blob_href": f"{api}/{r.full_name}/blob/{c.head_sha}/{a['path']}",
    }


def status(api: str, store: Store, r: Repo, s: Status) -> dict[str, Any]:
    return {
        "url": f"{api}/repos/{r.full_name}/statuses/{s.sha}",
        "avatar_url": f"{api}/avatars/u/{store.user(s.creator).id}",
        "id": s.id,
        "node_id": shapes.node_id("SC", s.id),
        "state": s.state,
        "description": s.description,
        "target_url": s.target_url,
        "context": s.context,
        "created_at": s.created_at,
        "updated_at": s.updated_at,
        "creator": shapes.login(api, store, s.creator),
    }


def combined_status(api: str, store: Store, r: Repo, sha: str) -> dict[str, Any]:
    latest: dict[str, Status] = {}
    for s in r.statuses:
        if s.sha == sha:
            latest[s.context] = s  # the newest status per context wins, as on GitHub
    states = {s.state for s in latest.values()}
    state = "pending"
    if states and states <= {"success"}:
        state = "success"
    elif states & {"failure", "error"}:
        state = "failure"
    items = [status(api, store, r, s) for s in reversed(latest.values())]
    for item in items:
        item.pop("creator")
    return {
        "state": state,
        "statuses": items,
        "sha": sha,
        "total_count": len(items),
        "repository": shapes.repo(api, store, r, full=False),
        "commit_url": f"{api}/repos/{r.full_name}/commits/{sha}",
        "url": f"{api}/repos/{r.full_name}/commits/{sha}/status",
    }


def deployment(api: str, store: Store, r: Repo, d: Deployment) -> dict[str, Any]:
    url = f"{api}/repos/{r.full_name}/deployments/{d.id}"
    return {
        "url": url,
        "id": d.id,
        "node_id": shapes.node_id("DE", d.id),
        "sha": d.sha,
        "ref": d.ref,
        "task": d.task,
        "payload": d.payload,
        "original_environment": d.environment,
        "environment": d.environment,
        "description": d.description,
        "creator": shapes.login(api, store, d.creator),
        "created_at": d.created_at,
        "updated_at": d.created_at,
        "statuses_url": f"{url}/statuses",
        "repository_url": f"{api}/repos/{r.full_name}",
        "transient_environment": False,
        "production_environment": d.environment == "production",
        "performed_via_github_app": None,
    }


def deployment_status(
    api: str, store: Store, r: Repo, d: Deployment, s: dict[str, Any]
) -> dict[str, Any]:
    url = f"{api}/repos/{r.full_name}/deployments/{d.id}"
    return {
        "url": f"{url}/statuses/{s['id']}",
        "id": s["id"],
        "node_id": shapes.node_id("DES", s["id"]),
        "state": s["state"],
        "creator": shapes.login(api, store, s["creator"]),
        "description": s.get("description") or "",
        "environment": s.get("environment") or d.environment,
        "target_url": s.get("target_url") or "",
        "log_url": s.get("log_url") or s.get("target_url") or "",
        "environment_url": s.get("environment_url") or "",
        "created_at": s["created_at"],
        "updated_at": s["created_at"],
        "deployment_url": url,
        "repository_url": f"{api}/repos/{r.full_name}",
        "performed_via_github_app": None,
    }
