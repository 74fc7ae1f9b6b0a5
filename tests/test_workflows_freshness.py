"""The scheduled freshness workflow: runs ``kennis-bot scan`` with an App token, least privilege."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

WORKFLOW = Path(__file__).resolve().parent.parent / ".github" / "workflows" / "freshness.yml"


@pytest.fixture(scope="module")
def flow() -> dict[str, Any]:
    data = YAML(typ="safe").load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def steps(flow: dict[str, Any]) -> list[dict[str, Any]]:
    return flow["jobs"]["scan"]["steps"]


def test_runs_on_a_schedule_and_by_hand(flow: dict[str, Any]) -> None:
    triggers = flow.get("on") or flow.get(True)  # YAML 1.1 reads a bare `on` as true
    assert triggers["schedule"][0]["cron"].split()[4] == "1-5"
    assert "workflow_dispatch" in triggers


def test_the_workflow_token_can_only_read(flow: dict[str, Any]) -> None:
    assert flow["permissions"] == {"contents": "read"}
    assert "permissions" not in flow["jobs"]["scan"]


def test_the_app_token_asks_only_for_what_the_scan_uses(flow: dict[str, Any]) -> None:
    token = next(
        s for s in steps(flow) if s.get("uses", "").startswith("actions/create-github-app-token@")
    )
    inputs = token["with"]
    assert inputs["app-id"] == "${{ vars.KENNIS_APP_ID }}"
    assert inputs["private-key"] == "${{ secrets.KENNIS_PRIVATE_KEY }}"
    asked = {
        k.removeprefix("permission-"): v for k, v in inputs.items() if k.startswith("permission-")
    }
    assert asked == {"contents": "read", "issues": "write"}


def test_the_scan_runs_with_the_app_token_not_the_workflow_token(flow: dict[str, Any]) -> None:
    token_id = next(s["id"] for s in steps(flow) if "create-github-app-token" in s.get("uses", ""))
    scan = next(s for s in steps(flow) if "kennis-bot scan" in s.get("run", ""))
    assert scan["env"]["KENNIS_GITHUB_TOKEN"] == f"${{{{ steps.{token_id}.outputs.token }}}}"
    assert '--repo "${{ github.repository }}"' in scan["run"]
    assert "secrets.GITHUB_TOKEN" not in WORKFLOW.read_text(encoding="utf-8")


def test_checkout_keeps_no_credentials(flow: dict[str, Any]) -> None:
    checkout = next(s for s in steps(flow) if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["persist-credentials"] is False
