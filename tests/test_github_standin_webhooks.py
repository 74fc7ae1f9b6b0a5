"""Webhooks from the stand-in: signatures, payloads that validate as GitHub's, signed deliveries.

The recorded examples come from ../shared; without them these contract tests skip, or fail when
`CI` is set (see `examples_absent`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from githubkit.webhooks import parse_obj

from tests.github_standin.clients import seed_acme_kb
from tests.github_standin.server import GitHubStandIn
from tests.github_standin.webhooks import (
    EXAMPLES_DIR,
    WebhookSender,
    examples_absent,
    load_example,
    on_ci,
    sign,
)

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def world(github: GitHubStandIn) -> GitHubStandIn:
    return seed_acme_kb(github)


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
        examples_absent(f"the recorded {event} {action or ''}".rstrip() + " example")
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
        examples_absent("the folder of recorded examples")
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


CI_VALUES = {  # case: (CI environment variable or None, counts as CI)
    "unset": (None, False),
    "empty": ("", False),
    "zero": ("0", False),
    "false": ("False", False),
    "github-actions": ("true", True),
    "one": ("1", True),
}


@pytest.mark.parametrize("case", list(CI_VALUES), ids=list(CI_VALUES))
def test_absent_examples_skip_locally_and_fail_on_ci(case: str) -> None:
    value, ci = CI_VALUES[case]
    env = {} if value is None else {"CI": value}
    assert on_ci(env) is ci
    outcome = pytest.fail.Exception if ci else pytest.skip.Exception
    with pytest.raises(outcome) as stopped:
        examples_absent("the recorded ping example", env)
    assert "the recorded ping example is absent" in str(stopped.value)
    assert ("CI is set" in str(stopped.value)) is ci


@pytest.mark.slow  # runs pytest twice in a child process
def test_the_contract_tests_fail_on_ci_without_shared(tmp_path: Path) -> None:
    """Run the two contract tests in a child pytest with the examples pointed at an empty folder."""
    env = {**os.environ, "KENNIS_WEBHOOK_EXAMPLES": str(tmp_path / "absent")}
    args = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        __file__,
        "-k",
        "recorded_examples_validate or (built_payloads_validate and ping- and from-examples)",
    ]
    local = subprocess.run(args, env={**env, "CI": ""}, capture_output=True, text=True, cwd=ROOT)
    on_ci_run = subprocess.run(
        args, env={**env, "CI": "true"}, capture_output=True, text=True, cwd=ROOT
    )
    assert local.returncode == 0 and "2 skipped" in local.stdout, local.stdout
    assert on_ci_run.returncode == 1 and "2 failed" in on_ci_run.stdout, on_ci_run.stdout
    assert "CI is set, so the contract tests cannot be skipped" in on_ci_run.stdout
