"""JSON shapes of GitHub REST objects (users, repositories, app, issues, pulls), on our base URL."""

from __future__ import annotations

import base64
from typing import Any

from .state import Installation, Issue, Label, Repo, Review, Store, Team, User


def node_id(prefix: str, ident: int) -> str:
    return f"{prefix}_" + base64.b64encode(f"0:{ident}".encode()).decode().rstrip("=")


def user(api: str, u: User) -> dict[str, Any]:
    base = f"{api}/users/{u.login}"
    return {
        "login": u.login,
        "id": u.id,
        "node_id": node_id("U" if u.type == "User" else u.type[0] + "O", u.id),
        "avatar_url": f"{api}/avatars/u/{u.id}?v=4",
        "gravatar_id": "",
        "url": base,
        "html_url": f"{api}/{u.login}",
        "followers_url": f"{base}/followers",
        "following_url": f"{base}/following{{/other_user}}",
        "gists_url": f"{base}/gists{{/gist_id}}",
        "starred_url": f"{base}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{base}/subscriptions",
        "organizations_url": f"{base}/orgs",
        "repos_url": f"{base}/repos",
        "events_url": f"{base}/events{{/privacy}}",
        "received_events_url": f"{base}/received_events",
        "type": u.type,
        "user_view_type": "public",
        "site_admin": False,
    }


def login(api: str, store: Store, name: str) -> dict[str, Any]:
    return user(api, store.user(name))


_REPO_TEMPLATES = {
    "archive_url": "/{archive_format}{/ref}",
    "assignees_url": "/assignees{/user}",
    "blobs_url": "/git/blobs{/sha}",
    "branches_url": "/branches{/branch}",
    "collaborators_url": "/collaborators{/collaborator}",
    "comments_url": "/comments{/number}",
    "commits_url": "/commits{/sha}",
    "compare_url": "/compare/{base}...{head}",
    "contents_url": "/contents/{+path}",
    "contributors_url": "/contributors",
    "deployments_url": "/deployments",
    "downloads_url": "/downloads",
    "events_url": "/events",
    "forks_url": "/forks",
    "git_commits_url": "/git/commits{/sha}",
    "git_refs_url": "/git/refs{/sha}",
    "git_tags_url": "/git/tags{/sha}",
    "hooks_url": "/hooks",
    "issue_comment_url": "/issues/comments{/number}",
    "issue_events_url": "/issues/events{/number}",
    "issues_url": "/issues{/number}",
    "keys_url": "/keys{/key_id}",
    "labels_url": "/labels{/name}",
    "languages_url": "/languages",
    "merges_url": "/merges",
    "milestones_url": "/milestones{/number}",
    "notifications_url": "/notifications{?since,all,participating}",
    "pulls_url": "/pulls{/number}",
    "releases_url": "/releases{/id}",
    "stargazers_url": "/stargazers",
    "statuses_url": "/statuses/{sha}",
    "subscribers_url": "/subscribers",
    "subscription_url": "/subscription",
    "tags_url": "/tags",
    "teams_url": "/teams",
    "trees_url": "/git/trees{/sha}",
}


def repo(api: str, store: Store, r: Repo, full: bool = True) -> dict[str, Any]:
    """A repository; `full=False` gives the "minimal" shape embedded in pulls and lists."""
    base = f"{api}/repos/{r.full_name}"
    out: dict[str, Any] = {
        "id": r.id,
        "node_id": node_id("R", r.id),
        "name": r.name,
        "full_name": r.full_name,
        "owner": login(api, store, r.owner),
        "private": r.private,
        "html_url": f"{api}/{r.full_name}",
        "description": None,
        "fork": False,
        "url": base,
    }
    out.update({k: base + v for k, v in _REPO_TEMPLATES.items()})
    if not full:
        return out
    out.update(
        {
            "git_url": f"git://{api.split('//', 1)[1]}/{r.full_name}.git",
            "ssh_url": f"ssh://git@{api.split('//', 1)[1]}/{r.full_name}.git",
            "clone_url": r.clone_url,
            "svn_url": f"{api}/{r.full_name}",
            "mirror_url": None,
            "homepage": None,
            "language": "Markdown",
            "forks_count": 0,
            "forks": 0,
            "stargazers_count": 0,
            "watchers_count": 0,
            "watchers": 0,
            "size": 1,
            "default_branch": r.default_branch,
            "open_issues_count": sum(1 for i in r.issues.values() if i.state == "open"),
            "open_issues": sum(1 for i in r.issues.values() if i.state == "open"),
            "is_template": False,
            "topics": [],
            "has_issues": True,
            "has_projects": True,
            "has_wiki": True,
            "has_pages": False,
            "has_downloads": True,
            "has_discussions": False,
            "archived": False,
            "disabled": False,
            "visibility": "private" if r.private else "public",
            "pushed_at": r.created_at,
            "created_at": r.created_at,
            "updated_at": r.created_at,
            "permissions": {
                "admin": False,
                "maintain": False,
                "push": True,
                "triage": True,
                "pull": True,
            },
            "allow_forking": True,
            "web_commit_signoff_required": False,
            "license": None,
        }
    )
    return out


def full_repo(api: str, store: Store, r: Repo) -> dict[str, Any]:
    out = repo(api, store, r)
    out.update({"subscribers_count": 0, "network_count": 0, "temp_clone_token": None})
    return out


PERMISSIONS = {
    "checks": "write",
    "contents": "write",
    "deployments": "write",
    "issues": "write",
    "members": "read",
    "metadata": "read",
    "pull_requests": "write",
    "statuses": "write",
}
EVENTS = ["issue_comment", "issues", "pull_request", "pull_request_review", "push"]


def app(api: str, store: Store) -> dict[str, Any]:
    return {
        "id": store.app_id,
        "slug": store.app_slug,
        "client_id": f"Iv1.{store.app_id:016x}",
        "node_id": node_id("A", store.app_id),
        "owner": login(api, store, store.app_owner),
        "name": store.app_slug,
        "description": "Routes knowledge-base changes to page owners.",
        "external_url": "https://kb.example.com/",
        "html_url": f"{api}/apps/{store.app_slug}",
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z",
        "permissions": PERMISSIONS,
        "events": EVENTS,
        "installations_count": len(store.installations),
    }


def installation(api: str, store: Store, inst: Installation) -> dict[str, Any]:
    account = store.user(inst.account)
    return {
        "id": inst.id,
        "client_id": f"Iv1.{store.app_id:016x}",
        "account": user(api, account),
        "repository_selection": "selected",
        "access_tokens_url": f"{api}/app/installations/{inst.id}/access_tokens",
        "repositories_url": f"{api}/installation/repositories",
        "html_url": f"{api}/organizations/{inst.account}/settings/installations/{inst.id}",
        "app_id": store.app_id,
        "app_slug": store.app_slug,
        "target_id": account.id,
        "target_type": account.type if account.type != "Bot" else "User",
        "permissions": inst.permissions,
        "events": inst.events,
        "created_at": inst.created_at,
        "updated_at": inst.created_at,
        "single_file_name": None,
        "has_multiple_single_files": False,
        "single_file_paths": [],
        "suspended_by": None,
        "suspended_at": None,
    }


def label(api: str, r: Repo, lab: Label) -> dict[str, Any]:
    return {
        "id": lab.id,
        "node_id": node_id("LA", lab.id),
        "url": f"{api}/repos/{r.full_name}/labels/{lab.name.replace(' ', '%20')}",
        "name": lab.name,
        "description": lab.description,
        "color": lab.color,
        "default": False,
        "archived_at": None,
        "archived_by": None,
    }


def issue_labels(api: str, r: Repo, names: list[str]) -> list[dict[str, Any]]:
    return [label(api, r, r.labels[n.lower()]) for n in names]


def _association(store: Store, r: Repo, who: str) -> str:
    if r.owner.lower() == who.lower():
        return "OWNER"
    return "COLLABORATOR" if store.permission(r, who) != "none" else "NONE"


def issue(api: str, store: Store, r: Repo, i: Issue) -> dict[str, Any]:
    base = f"{api}/repos/{r.full_name}/issues/{i.number}"
    assignees = [login(api, store, a) for a in i.assignees]
    out: dict[str, Any] = {
        "id": i.id,
        "node_id": node_id("I", i.id),
        "url": base,
        "repository_url": f"{api}/repos/{r.full_name}",
        "labels_url": f"{base}/labels{{/name}}",
        "comments_url": f"{base}/comments",
        "events_url": f"{base}/events",
        "html_url": f"{api}/{r.full_name}/{'pull' if i.pull else 'issues'}/{i.number}",
        "number": i.number,
        "state": i.state,
        "state_reason": i.state_reason,
        "title": i.title,
        "body": i.body,
        "user": login(api, store, i.user),
        "labels": issue_labels(api, r, i.labels),
        "assignee": assignees[0] if assignees else None,
        "assignees": assignees,
        "milestone": None,
        "locked": False,
        "active_lock_reason": None,
        "comments": len(i.comments),
        "closed_at": i.closed_at,
        "created_at": i.created_at,
        "updated_at": i.updated_at,
        "closed_by": None,
        "author_association": _association(store, r, i.user),
        "reactions": reactions(base, i.reactions),
        "timeline_url": f"{base}/timeline",
        "performed_via_github_app": None,
    }
    if i.pull:
        pulls = f"{api}/repos/{r.full_name}/pulls/{i.number}"
        out["draft"] = i.pull.draft
        out["pull_request"] = {
            "url": pulls,
            "html_url": f"{api}/{r.full_name}/pull/{i.number}",
            "diff_url": f"{api}/{r.full_name}/pull/{i.number}.diff",
            "patch_url": f"{api}/{r.full_name}/pull/{i.number}.patch",
            "merged_at": None,
        }
    return out


REACTIONS = ("+1", "-1", "laugh", "confused", "heart", "hooray", "eyes", "rocket")


def reactions(url: str, given: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """GitHub's reaction rollup: a count per content and their total."""
    counts = {name: len((given or {}).get(name, [])) for name in REACTIONS}
    return {"url": f"{url}/reactions", "total_count": sum(counts.values()), **counts}


def team(api: str, store: Store, t: Team, full: bool = False) -> dict[str, Any]:
    base = f"{api}/orgs/{t.org}/teams/{t.slug}"
    out: dict[str, Any] = {
        "id": t.id,
        "node_id": node_id("T", t.id),
        "url": base,
        "html_url": f"{api}/orgs/{t.org}/teams/{t.slug}",
        "name": t.name,
        "slug": t.slug,
        "description": None,
        "privacy": "closed",
        "notification_setting": "notifications_enabled",
        "permission": "pull",
        "members_url": f"{base}/members{{/member}}",
        "repositories_url": f"{base}/repos",
        "type": "organization",
        "parent": None,
    }
    if full:
        out.update({"members_count": len(t.members), "repos_count": len(t.repos or [])})
        out.update({"created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"})
        org = organization(api, store, t.org)
        org.update(
            {
                "has_organization_projects": True,
                "has_repository_projects": True,
                "public_repos": 0,
                "public_gists": 0,
                "followers": 0,
                "following": 0,
                "html_url": f"{api}/{t.org}",
                "created_at": "2026-01-01T00:00:00Z",
                "updated_at": "2026-01-01T00:00:00Z",
                "type": "Organization",
                "archived_at": None,
            }
        )
        out["organization"] = org
    return out


def organization(api: str, store: Store, org: str) -> dict[str, Any]:
    base = f"{api}/orgs/{org}"
    ident = store.user(org, "Organization").id
    return {
        "login": org,
        "id": ident,
        "node_id": node_id("O", ident),
        "url": base,
        "repos_url": f"{base}/repos",
        "events_url": f"{base}/events",
        "hooks_url": f"{base}/hooks",
        "issues_url": f"{base}/issues",
        "members_url": f"{base}/members{{/member}}",
        "public_members_url": f"{base}/public_members{{/member}}",
        "avatar_url": f"{api}/avatars/o/{org}",
        "description": None,
    }


def review(api: str, store: Store, r: Repo, number: int, rv: Review) -> dict[str, Any]:
    html = f"{api}/{r.full_name}/pull/{number}#pullrequestreview-{rv.id}"
    pull_url = f"{api}/repos/{r.full_name}/pulls/{number}"
    return {
        "id": rv.id,
        "node_id": node_id("PRR", rv.id),
        "user": login(api, store, rv.user),
        "body": rv.body,
        "state": rv.state,
        "html_url": html,
        "pull_request_url": pull_url,
        "_links": {"html": {"href": html}, "pull_request": {"href": pull_url}},
        "submitted_at": rv.submitted_at,
        "commit_id": rv.commit_id,
        "author_association": _association(store, r, rv.user),
    }
