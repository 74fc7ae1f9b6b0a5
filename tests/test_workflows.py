"""The GitHub Actions workflows: triggers, least permissions, full history, strict Pages build."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from kennis_mkdocs.options import resolve_history_cache
from tests.github_standin.webhooks import EXAMPLES_DIR

WORKFLOWS = Path(__file__).resolve().parent.parent / ".github" / "workflows"
ADOPTERS = Path(__file__).resolve().parent.parent / "kennis" / "templates" / "github"  # kennis init


def load(name: str) -> dict[str, Any]:
    doc = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    if True in doc:  # YAML 1.1 reads the key `on` as a boolean
        doc["on"] = doc.pop(True)
    return doc


def steps(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in doc["jobs"].values() for step in job.get("steps", [])]


def uses(doc: dict[str, Any]) -> list[str]:
    return [step["uses"].split("@")[0] for step in steps(doc) if "uses" in step]


def runs(doc: dict[str, Any]) -> str:
    return "\n".join(step.get("run", "") for step in steps(doc))


def checkout(doc: dict[str, Any]) -> dict[str, Any]:
    return next(s for s in steps(doc) if s.get("uses", "").startswith("actions/checkout@"))


def test_deploy_runs_on_pushes_to_the_default_branch_only() -> None:
    doc = load("deploy.yml")
    assert doc["on"]["push"]["branches"] == ["main"]
    assert "pull_request" not in doc["on"]


def test_deploy_has_least_permissions() -> None:
    assert load("deploy.yml")["permissions"] == {
        "contents": "read",
        "pages": "write",
        "id-token": "write",
        "issues": "read",  # the build lists knowledge requests and reader reports
        "pull-requests": "read",  # reviews on knowledge pull requests, for the Contributors page
    }
    for job in load("deploy.yml")["jobs"].values():
        assert "permissions" not in job  # no job widens them


def test_deploy_builds_strictly_with_full_history_and_publishes_to_pages() -> None:
    doc = load("deploy.yml")
    assert checkout(doc)["with"]["fetch-depth"] == 0
    assert "mkdocs build --strict" in runs(doc)
    assert uses(doc).index("actions/upload-pages-artifact") < uses(doc).index(
        "actions/deploy-pages"
    )
    deploy = doc["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"


def test_deploy_gathers_review_credit_before_the_build_and_builds_without_it_too() -> None:
    build = load("deploy.yml")["jobs"]["build"]["steps"]
    names = [s.get("name", "") for s in build]
    credit, site = build[names.index("Review credit")], build[names.index("Build (strict)")]
    assert names.index("Review credit") < names.index("Build (strict)")
    assert credit["continue-on-error"] is True  # no token or API: the site is still built
    assert credit["run"].startswith('kennis-bot reviews --repo "${{ github.repository }}"')
    assert credit["env"]["KENNIS_GITHUB_TOKEN"] == "${{ github.token }}"
    out = re.search(r'--out "([^"]+)"', credit["run"])
    assert out is not None and site["env"]["KENNIS_REVIEWS"] == out.group(1)


@pytest.mark.parametrize("doc", [WORKFLOWS / "deploy.yml", ADOPTERS / "deploy.yml"])
def test_deploy_keeps_the_history_cache_where_the_build_looks_for_it(doc: Path) -> None:
    build = yaml.safe_load(doc.read_text(encoding="utf-8"))["jobs"]["build"]["steps"]
    names = [s.get("name", "") for s in build]
    cache = build[names.index("History cache")]
    assert names.index("History cache") < names.index("Build (strict)")
    assert cache["uses"].startswith("actions/cache@")
    site_dir = re.search(r"--site-dir (\S+)", build[names.index("Build (strict)")]["run"])
    assert site_dir is not None
    root = Path("/repo")
    expected = resolve_history_cache(True, root, str(root / site_dir.group(1)))
    assert root / cache["with"]["path"] == expected
    assert cache["with"]["key"] == "kennis-history-${{ github.sha }}"
    assert cache["with"]["restore-keys"] == "kennis-history-"  # the newest earlier one


def test_deploys_never_overlap() -> None:
    concurrency = load("deploy.yml")["concurrency"]
    assert concurrency["group"] and concurrency["cancel-in-progress"] is False


def test_ci_runs_the_suite_on_pull_requests_with_debian_chromium() -> None:
    doc = load("ci.yml")
    assert "pull_request" in doc["on"]
    assert doc["permissions"] == {"contents": "read"}
    job = doc["jobs"]["test"]
    assert "bookworm" in job["container"]["image"]  # Debian, whose chromium package .ci/run uses
    assert "apt-get install -y -qq chromium" in runs(doc)
    assert runs(doc).rstrip().endswith("make test")
    assert checkout(doc)["with"]["fetch-depth"] == 0


@pytest.mark.parametrize("name", ["deploy.yml", "ci.yml"])
def test_actions_are_pinned_to_a_major_version(name: str) -> None:
    for step in steps(load(name)):
        if "uses" in step:
            assert "@v" in step["uses"], step["uses"]


def test_ci_fetches_the_recorded_webhook_examples_pinned_before_the_suite() -> None:
    """With CI set the contract tests fail without ../shared's examples: CI must bring them."""
    job = load("ci.yml")["jobs"]["test"]
    names = [s.get("name", "") for s in job["steps"]]
    fetch = job["steps"][names.index("Recorded GitHub webhook examples into ../shared")]
    assert names.index(fetch["name"]) < len(names) - 1  # before `make test`
    assert re.fullmatch(r"[0-9a-f]{40}", fetch["env"]["OCTOKIT_WEBHOOKS"])  # a commit, not a branch
    assert '"$GITHUB_WORKSPACE/../shared/github/webhook-examples"' in fetch["run"]
    listed = set(re.findall(r"^\s*([a-z_]+/[\w.-]+) \\$", fetch["run"], re.MULTILINE))
    recorded = {
        f"{p.parent.name}/{p.name.removesuffix('.payload.json')}"
        for p in EXAMPLES_DIR.glob("*/*.payload.json")
    }
    assert listed and recorded <= listed  # every example the contract tests read is fetched
