"""The ``kennis/metadata`` and ``kennis/owner-approval`` check runs: decided here, found by name."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from github import GithubException

from kennis.errors import Problem
from kennis.handles import Handle, handle_key
from kennis.i18n import SOURCE_LANGUAGE, Translator, translator
from kennis.markdown import inline_code
from kennis.review import PageApproval

if TYPE_CHECKING:
    from github import Github
    from github.CheckRun import CheckRun
    from github.Repository import Repository

METADATA = "kennis/metadata"
APPROVAL = "kennis/owner-approval"
BATCH = 50  # "The Checks API limits the number of annotations to a maximum of 50 per API request."
MAX_TEXT = 60_000  # output.text is capped at 65,535 characters
LEVEL = {"error": "failure", "warning": "warning"}


@dataclass(frozen=True)
class CheckResult:
    """What one check run should show; `fingerprint` tells whether GitHub already shows it."""

    name: str
    conclusion: str | None  # None: still waiting (the run stays in progress)
    title: str
    summary: str
    text: str = ""
    annotations: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    @property
    def fingerprint(self) -> str:
        data = [self.name, self.conclusion, self.title, self.summary, self.text, self.annotations]
        digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
        return "kennis:" + digest[:32]

    def output(self, annotations: Sequence[dict[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {"title": self.title, "summary": self.summary}
        if self.text:
            out["text"] = self.text
        if annotations:
            out["annotations"] = list(annotations)
        return out


def annotation(problem: Problem, tr: Translator | None = None) -> dict[str, Any]:
    tr = tr or translator(SOURCE_LANGUAGE)
    line = max(1, problem.line)
    return {
        "path": problem.path,
        "start_line": line,
        "end_line": line,
        "annotation_level": LEVEL.get(problem.severity, "failure"),
        "message": problem.message,
        "title": tr._("kennis: page settings"),
    }


def metadata_result(
    problems: Sequence[Problem], page_count: int, tr: Translator | None = None
) -> CheckResult:
    """Failure when any error; warnings are shown but do not fail the check."""
    tr = tr or translator(SOURCE_LANGUAGE)
    errors = [p for p in problems if p.severity == "error"]
    annotations = tuple(annotation(p, tr) for p in problems)
    text = "\n".join(f"- {inline_code(str(p))}" for p in problems)[:MAX_TEXT]
    if errors:
        title = tr.ngettext(
            "{n} problem to fix in page settings",
            "{n} problems to fix in page settings",
            len(errors),
        )
        summary = tr._(
            "Each problem is shown next to the line to fix in the **Files changed** tab. "
            "The page will not publish correctly until they are fixed."
        )
        return CheckResult(METADATA, "failure", title, summary, text, annotations)
    summary = tr.ngettext(
        "The front matter of the {n} page this pull request changes has no errors.",
        "The front matter of the {n} pages this pull request changes has no errors.",
        page_count,
    )
    title = tr._("Page settings are valid")
    return CheckResult(METADATA, "success", title, summary, text, annotations)


def _who(handles: Iterable[Handle], tr: Translator) -> str:
    return tr._(" or ").join(h.text for h in handles)


def _approval_line(item: PageApproval, tr: Translator) -> str:
    page = item.page
    path = inline_code(page.path)
    if item.ok:
        return tr._("- ✅ {path}: approved by {who}", path=path, who=", ".join(item.approved_by))
    need = [h for h in item.waiting_for if h in page.approvers]
    parts = [_who(need, tr)] if need else []
    if page.previous_owner is not None and page.previous_owner in item.waiting_for:
        who = page.previous_owner.text
        parts.append(tr._("{who} (current owner, owners change)", who=who))
    needs = tr._(" and ").join(parts or [tr._("an owner")])
    line = tr._("- ⏳ {path}: needs {who}", path=path, who=needs)
    if item.earlier:
        earlier = ", ".join(item.earlier)
        line += " (" + tr._("{who} approved an earlier version", who=earlier) + ")"
    return line


def approval_result(items: Sequence[PageApproval], tr: Translator | None = None) -> CheckResult:
    """Success when every page is approved; else still in progress, listing what is missing."""
    tr = tr or translator(SOURCE_LANGUAGE)
    if not items:
        none = tr._("No knowledge-base pages changed")
        return CheckResult(APPROVAL, "success", none, none + ".")
    waiting = [i for i in items if not i.ok]
    text = "\n".join(_approval_line(item, tr) for item in items)[:MAX_TEXT]
    if not waiting:
        summary = tr.ngettext(
            "All {n} page changed here is approved by an owner or co-author.",
            "All {n} pages changed here are approved by an owner or co-author.",
            len(items),
        )
        title = tr._("Every page is approved by its owner")
        return CheckResult(APPROVAL, "success", title, summary, text)
    title = tr.ngettext(
        "Waiting for {waiting} of {n} page",
        "Waiting for {waiting} of {n} pages",
        len(items),
        waiting=tr.number(len(waiting)),
    )
    summary = tr._(
        "A page's owner or one of its co-authors has to approve the change. When a page's "
        "owners change, its current owner has to approve too."
    )
    return CheckResult(APPROVAL, None, title, summary, text)


# -- acting on GitHub ----------------------------------------------------------------------------


def existing_runs(repo: Repository, head_sha: str) -> dict[str, CheckRun]:
    """The latest run of each name for the commit (one request for both checks)."""
    return {run.name: run for run in repo.get_commit(head_sha).get_check_runs()}


def publish(repo: Repository, head_sha: str, result: CheckResult, existing: CheckRun | None) -> str:
    """Create or update the run so it shows `result`; nothing when it already does.

    A completed run is never reopened: a new run with the same name replaces it (GitHub shows
    the latest). Annotations go out in batches of 50, the last request completing the run.
    """
    if existing is not None and existing.external_id == result.fingerprint:
        return "unchanged"
    batches = [
        list(result.annotations[i : i + BATCH]) for i in range(0, len(result.annotations), BATCH)
    ]
    first = batches[0] if batches else []
    rest = batches[1:]
    final: dict[str, Any] = {"external_id": result.fingerprint}
    if result.conclusion is not None:
        final["conclusion"] = result.conclusion
    else:
        final["status"] = "in_progress"
    reuse = existing is not None and existing.status != "completed" and not result.annotations
    if reuse and existing is not None:
        existing.edit(output=result.output(first), **final)
        return "updated"
    opening: dict[str, Any] = (
        final if not rest else {"status": "in_progress", "external_id": "kennis:partial"}
    )
    run = repo.create_check_run(result.name, head_sha, output=result.output(first), **opening)
    for i, batch in enumerate(rest):
        last = i == len(rest) - 1
        run.edit(output=result.output(batch), **(final if last else {}))
    return "created"


def team_members(
    github: Github, teams: Iterable[Handle], approvers: Iterable[str]
) -> dict[str, set[str]]:
    """Which approvers belong to which team (as handle keys): one membership lookup per pair."""
    people = sorted({handle_key(a)[1:] for a in approvers})
    result: dict[str, set[str]] = {}
    for team in teams:
        members = result.setdefault(team.key, set())
        for login in people:
            status, headers, data = github.requester.requestJson(
                "GET", f"/orgs/{team.org}/teams/{team.slug}/memberships/{login}"
            )
            if status == 200 and json.loads(data or "{}").get("state") == "active":
                members.add(handle_key(login))
            elif status not in (200, 404):
                raise GithubException(status, data, headers)
    return result
