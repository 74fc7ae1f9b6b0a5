"""Minimal built-in webhook payloads, used when the recorded examples in ../shared are absent."""

from __future__ import annotations

from typing import Any

from . import shapes
from .shapes_pulls import pull
from .state import Installation, Issue, Pull, Repo, Store

API = "http://127.0.0.1"
ZERO = "0" * 40
HEAD = "1" * 40


def _world() -> tuple[Store, Repo, Issue]:
    store = Store(1, "kennis-bot")
    store.user("octo-org", "Organization")
    store.installations[1] = Installation(
        1, "octo-org", "2026-01-01T00:00:00Z", dict(shapes.PERMISSIONS), list(shapes.EVENTS)
    )
    repo = Repo(
        2,
        "octo-org",
        "octo-repo",
        "main",
        f"{API}/octo-org/octo-repo.git",
        1,
        True,
        None,
        "2026-01-01T00:00:00Z",
    )
    store.repos["octo-org/octo-repo"] = repo
    issue = Issue(
        1, 3, "Update pages", None, "octocat", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"
    )
    issue.pull = Pull(4, HEAD, "2" * 40, "feature", "main", [])
    repo.issues[1] = issue
    return store, repo, issue


def commit_entry(api: str, repo: str, sha: str, message: str, who: str) -> dict[str, Any]:
    person = {"name": who, "email": f"{who}@users.noreply.example", "username": who}
    return {
        "id": sha,
        "tree_id": sha,
        "distinct": True,
        "message": message,
        "timestamp": "2026-01-01T00:00:00Z",
        "url": f"{api}/{repo}/commit/{sha}",
        "author": person,
        "committer": person,
        "added": [],
        "removed": [],
        "modified": [],
    }


def builtin_payload(event: str, action: str | None) -> dict[str, Any]:
    store, repo, issue = _world()
    common: dict[str, Any] = {
        "repository": shapes.repo(API, store, repo),
        "sender": shapes.login(API, store, "octocat"),
        "installation": {"id": 1, "node_id": shapes.node_id("MDIz", 1)},
    }
    common["repository"].pop("permissions")
    if action is not None:
        common["action"] = action
    if event == "pull_request":
        extra = {"before": "2" * 40, "after": HEAD} if action == "synchronize" else {}
        return {**common, **extra, "number": 1, "pull_request": pull(API, store, repo, issue)}
    if event == "pull_request_review":
        review = shapes.review(API, store, repo, 1, _review(issue))
        return {
            **common,
            "pull_request": pull(API, store, repo, issue, full=False),
            "review": review,
        }
    if event == "issues":
        issue.pull = None
        return {**common, "issue": shapes.issue(API, store, repo, issue)}
    if event == "issue_comment":
        body = shapes.issue(API, store, repo, issue)
        url = f"{API}/repos/{repo.full_name}/issues/comments/5"
        comment = {
            "id": 5,
            "node_id": shapes.node_id("IC", 5),
            "url": url,
            "body": "Looks right.",
            "html_url": f"{API}/{repo.full_name}/pull/1#issuecomment-5",
            "user": common["sender"],
            "created_at": issue.created_at,
            "updated_at": issue.updated_at,
            "issue_url": body["url"],
            "author_association": "OWNER",
            "reactions": shapes.reactions(url),
            "performed_via_github_app": None,
        }
        return {**common, "issue": body, "comment": comment}
    if event == "push":
        commit = commit_entry(API, repo.full_name, HEAD, "Update pages", "octocat")
        return {
            **common,
            "ref": "refs/heads/main",
            "before": ZERO,
            "after": HEAD,
            "created": True,
            "deleted": False,
            "forced": False,
            "base_ref": None,
            "compare": f"{API}/{repo.full_name}/compare/{ZERO[:12]}...{HEAD[:12]}",
            "commits": [commit],
            "head_commit": commit,
            "pusher": {"name": "octocat", "email": "octocat@users.noreply.example"},
        }
    if event == "installation":
        common.pop("repository")
        common["installation"] = shapes.installation(API, store, store.installations[1])
        common["repositories"] = [
            {
                "id": 2,
                "node_id": shapes.node_id("R", 2),
                "name": "octo-repo",
                "full_name": "octo-org/octo-repo",
                "private": True,
            }
        ]
        return {**common, "requester": None}
    if event == "ping":
        common.pop("installation")
        return {**common, "zen": "Keep it logically awesome.", "hook_id": 1, "hook": _hook()}
    raise ValueError(f"no built-in payload for event {event!r}; add one or use ../shared examples")


def _review(issue: Issue) -> Any:
    from .state import Review

    return Review(6, "octocat", "APPROVED", "Looks right.", HEAD, issue.created_at)


def _hook() -> dict[str, Any]:
    return {
        "type": "App",
        "id": 1,
        "name": "web",
        "active": True,
        "events": list(shapes.EVENTS),
        "app_id": 1,
        "config": {"content_type": "json", "insecure_ssl": "0", "url": "http://127.0.0.1/webhook"},
        "updated_at": "2026-01-01T00:00:00Z",
        "created_at": "2026-01-01T00:00:00Z",
        "deliveries_url": f"{API}/app/hook/deliveries",
    }
