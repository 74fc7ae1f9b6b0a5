"""The real ``kennis-bot serve`` over HTTP: signatures, limits, durability, retries, dead letters."""

from __future__ import annotations

import http.client
import json
import re
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from github import GithubException

from review_bot.github_client import RateLimited, rate_limit_of
from review_bot.ledger import Ledger
from review_bot.routing import DeliveryContext, Router
from review_bot.settings import ConfigError, Settings
from review_bot.worker import WorkerPool
from tests.botproc import (
    SECRET,
    BotProcess,
    bot_command,
    bot_env,
    deliveries_json,
    processed_ids,
    run_cli,
    start_bot,
    wait_for,
)

MAX_BODY = 4096


@pytest.fixture(scope="module")
def strict_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    bot = start_bot(tmp_path_factory.mktemp("strict"), KENNIS_MAX_BODY=str(MAX_BODY))
    yield bot
    bot.stop()


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[BotProcess]:
    started = start_bot(tmp_path / "data")
    yield started
    started.stop(signal.SIGKILL)


def state_of(data_dir: Path, delivery: str) -> dict[str, Any] | None:
    return next((d for d in deliveries_json(data_dir) if d["id"] == delivery), None)


@pytest.mark.slow  # starts kennis-bot
def test_signed_delivery_is_accepted_recorded_and_processed(bot: BotProcess) -> None:
    payload = {
        "action": "opened",
        "installation": {"id": 9},
        "repository": {"full_name": "acme/kb"},
    }
    response = bot.post(payload, event="kennis_test", delivery="abc-1")  # ack time: benchmarks/
    assert (response.status, response.body) == (202, {"delivery": "abc-1", "duplicate": False})
    wait_for(lambda: processed_ids(bot.data_dir) == ["abc-1"])
    row = wait_for(lambda: (s := state_of(bot.data_dir, "abc-1")) and s["state"] == "done" and s)
    assert (row["event"], row["action"], row["installation_id"], row["repo"], row["attempts"]) == (
        "kennis_test",
        "opened",
        9,
        "acme/kb",
        1,
    )


REJECTIONS: dict[str, tuple[dict[str, Any], int]] = {
    "no-signature": (dict(payload={"a": 1}, secret=None), 401),
    "bad-signature": (dict(payload={"a": 1}, secret="not-the-secret"), 401),
    "signature-of-other-body": (dict(payload=b'{"a": 2}', secret="tampered"), 401),
    "oversized": (dict(payload={"pad": "x" * (MAX_BODY + 10)}), 413),
    "malformed-json": (dict(payload=b'{"action": "opened"'), 400),
    "json-but-not-object": (dict(payload=b"[1, 2]"), 400),
    "missing-event": (dict(payload={"a": 1}, event=None), 400),
    "missing-delivery-id": (dict(payload={"a": 1}, delivery=""), 400),
}


@pytest.mark.slow  # starts kennis-bot
@pytest.mark.parametrize("case", sorted(REJECTIONS), ids=sorted(REJECTIONS))
def test_rejected_requests_record_nothing(strict_bot: BotProcess, case: str) -> None:
    kwargs, expected = REJECTIONS[case]
    response = strict_bot.post(**kwargs)
    assert response.status == expected, response.body
    assert "error" in response.body or "Too Large" in response.body["raw"]
    assert deliveries_json(strict_bot.data_dir) == []


@pytest.mark.slow  # starts kennis-bot
def test_oversized_chunked_body_is_refused_while_reading(strict_bot: BotProcess) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", strict_bot.port, timeout=10)
    body = (b"x" * 1024 for _ in range(16))
    headers = {
        "X-GitHub-Event": "kennis_test",
        "X-GitHub-Delivery": "chunky",
        "X-Hub-Signature-256": "sha256=00",
        "Transfer-Encoding": "chunked",
    }
    status: int | None = None
    try:
        conn.request("POST", "/webhook", body=body, headers=headers, encode_chunked=True)
        status = conn.getresponse().status
    except (ConnectionError, http.client.HTTPException):
        pass  # the server may answer and hang up before the client has sent the rest
    finally:
        conn.close()
    assert status in (413, None)
    assert strict_bot.request("GET", "/healthz").status == 200  # the server is still serving
    assert deliveries_json(strict_bot.data_dir) == []


@pytest.mark.slow  # starts kennis-bot
def test_ping_is_answered_and_not_queued(strict_bot: BotProcess) -> None:
    response = strict_bot.post({"zen": "Keep it logically awesome."}, event="ping")
    assert response.status == 200 and response.body["pong"] is True
    assert deliveries_json(strict_bot.data_dir) == []


@pytest.mark.slow  # starts kennis-bot
def test_healthz_and_unknown_paths(strict_bot: BotProcess) -> None:
    health = strict_bot.request("GET", "/healthz")
    assert health.status == 200 and health.body["status"] == "ok"
    assert strict_bot.request("GET", "/webhook").status == 405
    assert strict_bot.request("GET", "/admin").status == 404


@pytest.mark.slow  # starts kennis-bot
def test_same_delivery_twice_is_processed_once(bot: BotProcess) -> None:
    first = bot.post({"n": 1}, delivery="dup-1")
    second = bot.post({"n": 1}, delivery="dup-1")
    assert (first.status, first.body["duplicate"]) == (202, False)
    assert (second.status, second.body["duplicate"]) == (202, True)
    bot.post({"n": 2}, delivery="after")
    # Once the ledger says both are done nothing else can run: the duplicate was never queued.
    rows = wait_for(
        lambda: (
            (found := deliveries_json(bot.data_dir))
            and len(found) == 2
            and all(d["state"] == "done" for d in found)
            and found
        )
    )
    assert sorted(d["id"] for d in rows) == ["after", "dup-1"]
    assert sorted(processed_ids(bot.data_dir)) == ["after", "dup-1"]


@pytest.mark.slow  # starts kennis-bot
@pytest.mark.parametrize("secret_env", [None, "", "   "], ids=["unset", "empty", "blank"])
def test_refuses_to_start_without_webhook_secret(tmp_path: Path, secret_env: str | None) -> None:
    env = bot_env(tmp_path, KENNIS_PRIVATE_KEY="-----BEGIN RSA PRIVATE KEY-----TOPSECRET")
    del env["KENNIS_WEBHOOK_SECRET"]
    if secret_env is not None:
        env["KENNIS_WEBHOOK_SECRET"] = secret_env
    result = subprocess.run(
        bot_command("serve", "--port", "0"), env=env, capture_output=True, text=True, timeout=30
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "KENNIS_WEBHOOK_SECRET is not set: refusing to start" in output
    assert "Traceback" not in output and "TOPSECRET" not in output
    assert not (tmp_path / "ledger.sqlite3").exists()


@pytest.mark.slow  # starts kennis-bot
def test_sigkill_with_queued_deliveries_then_restart_processes_all_once(tmp_path: Path) -> None:
    data = tmp_path / "data"
    gate = tmp_path / "gate"
    bot = start_bot(data, KENNIS_WORKERS="2")
    ids = [f"kill-{n:03d}" for n in range(100)]
    for delivery in ids:
        assert bot.post({"test": {"gate": str(gate)}}, delivery=delivery).status == 202
    wait_for(lambda: Ledger(data / "ledger.sqlite3").counts()["running"] == 2)
    assert bot.stop(signal.SIGKILL) == -signal.SIGKILL
    counts = Ledger(data / "ledger.sqlite3").counts()
    assert (counts["queued"], counts["running"], counts["done"]) == (98, 2, 0)

    gate.touch()
    restarted = start_bot(data, KENNIS_WORKERS="2")
    try:
        wait_for(lambda: len(processed_ids(data)) >= 100, timeout=60)
        wait_for(lambda: Ledger(data / "ledger.sqlite3").counts()["done"] == 100)
        assert "2 resumed deliveries" in restarted.log()
    finally:
        assert restarted.stop() == 0
    assert sorted(processed_ids(data)) == ids
    assert "kennis-bot stopped" in restarted.log()


@pytest.mark.slow  # starts kennis-bot
def test_failing_twice_then_succeeding_is_retried_with_backoff(bot: BotProcess) -> None:
    started = time.monotonic()
    bot.post({"test": {"fail_times": 2}}, delivery="flaky")
    row = wait_for(lambda: (s := state_of(bot.data_dir, "flaky")) and s["state"] == "done" and s)
    assert time.monotonic() - started >= 0.2 + 0.4, "waited base, then twice the base"
    assert row["attempts"] == 3 and row["last_error"] is None
    assert processed_ids(bot.data_dir) == ["flaky"]
    assert bot.log().count("PlannedFailure: planned failure on attempt") == 2


@pytest.mark.slow  # starts kennis-bot
def test_always_failing_delivery_ends_dead_and_visible(tmp_path: Path) -> None:
    data = tmp_path / "data"
    bot = start_bot(data, KENNIS_MAX_ATTEMPTS="3")
    try:
        bot.post({"test": {"always_fail": True}}, event="kennis_test", delivery="doomed")
        wait_for(lambda: (s := state_of(data, "doomed")) and s["state"] == "dead")
        listing = run_cli(data, "deliveries", "--state", "dead")
        assert listing.returncode == 0
        assert "doomed" in listing.stdout and "dead" in listing.stdout
        assert "attempts=3" in listing.stdout
        assert "last error: PlannedFailure: planned failure on attempt 3" in listing.stdout

        requeued = run_cli(data, "retry", "doomed")
        assert requeued.returncode == 0 and "requeued doomed" in requeued.stdout
        wait_for(
            lambda: (
                (s := state_of(data, "doomed"))
                and s["state"] == "dead"
                and s["attempts"] == 3
                and bot.log().count("attempt 3") >= 2
            )
        )
        refused = run_cli(data, "retry", "never-seen")
        assert refused.returncode == 1 and "no delivery never-seen" in refused.stderr
    finally:
        bot.stop()
    assert SECRET not in bot.log()


@pytest.mark.slow  # starts kennis-bot
def test_a_second_server_on_the_same_data_dir_is_refused(bot: BotProcess) -> None:
    with pytest.raises(RuntimeError, match="already serving from"):
        start_bot(bot.data_dir)


def test_settings_repr_hides_secrets() -> None:
    settings = Settings.from_env(
        {"KENNIS_WEBHOOK_SECRET": "s3cr3t-value", "KENNIS_PRIVATE_KEY": "-----BEGIN KEY-----abc"}
    )
    assert "s3cr3t-value" not in repr(settings) and "BEGIN KEY" not in repr(settings)
    assert "webhook_secret='<set>'" in repr(settings)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"KENNIS_WORKERS": "many"}, "KENNIS_WORKERS='many' is not a whole number"),
        ({"KENNIS_MAX_BODY": "0"}, "KENNIS_MAX_BODY=0 must be at least 1"),
        ({"KENNIS_PRIVATE_KEY_FILE": "/nonexistent/key.pem"}, "cannot read it"),
    ],
    ids=["workers-not-a-number", "zero-body", "missing-key-file"],
)
def test_settings_errors_name_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env({"KENNIS_WEBHOOK_SECRET": "x", **env})


SITE_REPOS = {  # case: (environment, the error's text, or None and the repository served)
    "deploy-needs-it": ({"KENNIS_DEPLOY": "1"}, "KENNIS_SITE_REPO is not set: KENNIS_DEPLOY=1"),
    "previews-need-it": (
        {"KENNIS_PREVIEWS": "1"},
        "KENNIS_SITE_REPO is not set: KENNIS_PREVIEWS=1",
    ),
    "not-owner-slash-name": (
        {"KENNIS_DEPLOY": "1", "KENNIS_SITE_REPO": "kb"},
        "KENNIS_SITE_REPO='kb' is not a repository",
    ),
    "set": ({"KENNIS_DEPLOY": "1", "KENNIS_PREVIEWS": "1", "KENNIS_SITE_REPO": " acme/kb "}, None),
    "not-needed-without-a-site": ({}, None),
}


@pytest.mark.parametrize("case", list(SITE_REPOS), ids=list(SITE_REPOS))
def test_a_site_is_published_for_one_named_repository(case: str) -> None:
    env, message = SITE_REPOS[case]
    full = {"KENNIS_WEBHOOK_SECRET": "x", **env}
    if message is not None:
        with pytest.raises(ConfigError, match=re.escape(message)):
            Settings.from_env(full)
    else:
        assert Settings.from_env(full).site_repo == (
            env.get("KENNIS_SITE_REPO", "").strip() or None
        )


@pytest.mark.slow  # starts kennis-bot
def test_refuses_to_deploy_without_knowing_which_repository(tmp_path: Path) -> None:
    env = bot_env(tmp_path, KENNIS_DEPLOY="1")
    result = subprocess.run(
        bot_command("serve", "--port", "0"), env=env, capture_output=True, text=True, timeout=30
    )
    assert result.returncode != 0
    assert "KENNIS_SITE_REPO is not set: KENNIS_DEPLOY=1 publishes one repository's site" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr


# -- in-process: routing and rate limits ---------------------------------------------------------


def test_router_dispatches_by_event_and_action() -> None:
    router = Router()
    seen: list[str] = []

    @router.on("pull_request", "opened", "synchronize")
    def on_pr(ctx: DeliveryContext) -> None:
        seen.append("pr")

    @router.on("pull_request")
    def on_any_pr(ctx: DeliveryContext) -> None:
        seen.append("any")

    names = {
        key: [h.__name__ for h in router.handlers_for("pull_request", key)]
        for key in ("opened", "synchronize", "closed")
    }
    assert names == {
        "opened": ["on_pr", "on_any_pr"],
        "synchronize": ["on_pr", "on_any_pr"],
        "closed": ["on_any_pr"],
    }
    assert router.handlers_for("push", None) == []


RATE_LIMITS = {
    "secondary-retry-after": (
        403,
        {"Retry-After": "30"},
        {"message": "You have exceeded a secondary rate limit."},
        30,
    ),
    "primary-reset": (
        403,
        {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1000100"},
        {"message": "API rate limit exceeded"},
        101,
    ),
    "429-retry-after": (429, {"retry-after": "5"}, {"message": "Too many"}, 5),
}


@pytest.mark.parametrize("case", sorted(RATE_LIMITS), ids=sorted(RATE_LIMITS))
def test_rate_limit_responses_become_retry_times(case: str) -> None:
    status, headers, data, wait = RATE_LIMITS[case]
    limited = rate_limit_of(GithubException(status, data, headers), now=1_000_000)
    assert limited is not None and limited.reset_at == 1_000_000 + wait


def test_forbidden_without_rate_limit_is_an_ordinary_failure() -> None:
    plain = GithubException(403, {"message": "Resource not accessible by integration"}, {})
    assert rate_limit_of(plain) is None
    assert rate_limit_of(ValueError("x")) is None


def test_worker_postpones_rate_limited_delivery_without_spending_attempts(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "ledger.sqlite3")
    router = Router()

    @router.on("issues")
    def limited(ctx: DeliveryContext) -> None:
        raise RateLimited(time.time() + 3600)

    payload = {"action": "opened"}
    ledger.record(str(uuid.uuid4()), "issues", json.dumps(payload).encode(), payload)
    pool = WorkerPool(ledger, router, workers=0, mirrors_root=tmp_path / "m", max_attempts=1)
    assert pool.run_once() is True
    (row,) = ledger.recent()
    assert (row.state, row.attempts) == ("retry", 0)
    assert row.next_attempt_at > time.time() + 3500
    assert row.last_error is not None and "rate limit" in row.last_error
