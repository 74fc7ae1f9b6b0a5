"""Check run routes: create/update/get, list for a ref, annotations (at most 50 per request)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .core import ApiError, Reply, Request, not_found, page, repo_of, route, validation_failed
from .shapes_pulls import annotation, check_run
from .state import CheckRun, Repo, now_iso

if TYPE_CHECKING:
    from .server import GitHubStandIn

MAX_ANNOTATIONS = (
    50  # "The Checks API limits the number of annotations to a maximum of 50 per API request."
)
STATUSES = ("queued", "in_progress", "completed", "waiting", "requested", "pending")
CONCLUSIONS = (
    "action_required",
    "cancelled",
    "failure",
    "neutral",
    "success",
    "skipped",
    "stale",
    "timed_out",
)
LEVELS = ("notice", "warning", "failure")
ANNOTATION_KEYS = ("path", "start_line", "end_line", "annotation_level", "message")


def _invalid(detail: str) -> ApiError:
    return ApiError(422, f"Invalid request.\n\n{detail}")


def _annotations(output: dict[str, Any]) -> list[dict[str, Any]]:
    items = output.get("annotations") or []
    if not isinstance(items, list):
        raise _invalid("For 'properties/annotations', it is not an array.")
    if len(items) > MAX_ANNOTATIONS:
        raise _invalid(
            f"For 'properties/annotations', {len(items)} items are more than the maximum of "
            f"{MAX_ANNOTATIONS}. Only {MAX_ANNOTATIONS} annotations are allowed per request."
        )
    for item in items:
        missing = [k for k in ANNOTATION_KEYS if k not in item]
        if missing:
            raise _invalid(f'"{missing[0]}" wasn\'t supplied.')
        if item["annotation_level"] not in LEVELS:
            raise _invalid(
                f"For 'annotation_level', \"{item['annotation_level']}\" is not a member of {LEVELS}."
            )
    return items


def _apply(run: CheckRun, body: dict[str, Any]) -> None:
    status = body.get("status", run.status)
    conclusion = body.get("conclusion", run.conclusion)
    if status not in STATUSES:
        raise validation_failed("CheckRun", "status", "invalid", status)
    if conclusion is not None and conclusion not in CONCLUSIONS:
        raise validation_failed("CheckRun", "conclusion", "invalid", conclusion)
    if conclusion is not None:
        status = "completed"  # GitHub: providing a conclusion completes the run
    if status == "completed" and conclusion is None:
        raise _invalid('"conclusion" wasn\'t supplied.')
    run.status, run.conclusion = status, conclusion
    if status == "completed":
        run.completed_at = body.get("completed_at") or run.completed_at or now_iso()
    for key in ("name", "details_url", "external_id", "started_at"):
        if key in body:
            setattr(run, key, body[key])
    output = body.get("output")
    if output is not None:
        if not isinstance(output, dict) or not output.get("title") or not output.get("summary"):
            raise _invalid('For \'properties/output\', "title" and "summary" must be supplied.')
        # Annotations accumulate across requests; title/summary/text are replaced.
        run.annotations += _annotations(output)
        run.output.update({k: output.get(k) for k in ("title", "summary", "text")})


def _run(gh: GitHubStandIn, req: Request) -> tuple[Repo, CheckRun]:
    repo = repo_of(gh, req)
    run = repo.check_runs.get(req.param_int("check_run_id"))
    if run is None:
        raise not_found()
    return repo, run


@route("POST", "/repos/{owner}/{repo}/check-runs", auth="installation")
def create_run(gh: GitHubStandIn, req: Request) -> Reply:
    """Only GitHub Apps may create check runs (an installation token is required)."""
    repo = repo_of(gh, req)
    body = req.body_dict()
    if not body.get("name"):
        raise _invalid('"name" wasn\'t supplied.')
    sha = str(body.get("head_sha") or "")
    if repo.resolve(sha) != sha:
        raise ApiError(422, f"No commit found for SHA: {sha}")
    run = CheckRun(
        gh.store.new_id(),
        body["name"],
        sha,
        "queued",
        None,
        body.get("started_at") or now_iso(),
        None,
        None,
        None,
        {},
    )
    run.suite_id = gh.store.new_id()
    _apply(run, body)
    repo.check_runs[run.id] = run
    return Reply(201, check_run(gh.base_url, gh.store, repo, run))


@route("PATCH", "/repos/{owner}/{repo}/check-runs/{check_run_id}", auth="installation")
def update_run(gh: GitHubStandIn, req: Request) -> Reply:
    repo, run = _run(gh, req)
    _apply(run, req.body_dict())
    return Reply(200, check_run(gh.base_url, gh.store, repo, run))


@route("GET", "/repos/{owner}/{repo}/check-runs/{check_run_id}")
def get_run(gh: GitHubStandIn, req: Request) -> Reply:
    repo, run = _run(gh, req)
    return Reply(200, check_run(gh.base_url, gh.store, repo, run))


@route("GET", "/repos/{owner}/{repo}/check-runs/{check_run_id}/annotations")
def list_annotations(gh: GitHubStandIn, req: Request) -> Reply:
    repo, run = _run(gh, req)
    return page(gh, req, [annotation(gh.base_url, repo, run, a) for a in run.annotations])


@route("GET", "/repos/{owner}/{repo}/commits/{ref}/check-runs")
def runs_for_ref(gh: GitHubStandIn, req: Request) -> Reply:
    repo = repo_of(gh, req)
    sha = repo.resolve(req.params["ref"])
    if sha is None:
        raise ApiError(422, f"No commit found for SHA: {req.params['ref']}")
    runs = [r for r in repo.check_runs.values() if r.head_sha == sha]
    if "check_name" in req.query:
        runs = [r for r in runs if r.name == req.query["check_name"]]
    if "status" in req.query:
        runs = [r for r in runs if r.status == req.query["status"]]
    if req.query.get("filter", "latest") == "latest":
        latest: dict[str, CheckRun] = {}
        for r in runs:
            latest[r.name] = r
        runs = list(latest.values())
    runs.sort(key=lambda r: -r.id)
    reply = page(gh, req, [check_run(gh.base_url, gh.store, repo, r) for r in runs])
    reply.body = {"total_count": len(runs), "check_runs": reply.body}
    return reply
