"""Catch-up: deliveries that failed while kennis-bot was down are asked for again once, on start,
and processed; the stand-in lists and redelivers them as GitHub does."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from review_bot.catchup import missing
from tests.botproc import (
    SECRET,
    TEST_EVENT,
    deliveries_json,
    free_port,
    processed_ids,
    run_cli,
    start_bot,
    wait_for,
)
from tests.github_standin.fixtures import AppKey
from tests.github_standin.server import GitHubStandIn

pytestmark = pytest.mark.slow


def app_env(github: GitHubStandIn, app_key: AppKey, **extra: str) -> dict[str, str]:
    return {
        "KENNIS_APP_ID": str(app_key.app_id),
        "KENNIS_PRIVATE_KEY": app_key.private_key_pem,
        "KENNIS_GITHUB_API_URL": github.base_url,
        "KENNIS_GITHUB_WRITE_PAUSE": "0",
        **extra,
    }


def test_twenty_deliveries_failed_while_down_are_redelivered_once_and_processed(
    tmp_path: Path, github: GitHubStandIn, app_key: AppKey
) -> None:
    data, port = tmp_path / "data", free_port()
    github.hooks.url, github.hooks.secret = f"http://127.0.0.1:{port}/webhook", SECRET
    # Delivered while up: reaches the ledger, never asked for again.
    bot = start_bot(data, port=port, **app_env(github, app_key, KENNIS_CATCHUP_EVERY=""))
    github.hooks.deliver(TEST_EVENT, {"test": {}}, "while-up")
    wait_for(lambda: "while-up" in processed_ids(data))
    assert bot.stop() == 0
    lost = [str(uuid.uuid4()) for _ in range(20)]
    for guid in lost:  # the bot is down: every attempt fails to connect
        assert github.hooks.deliver(TEST_EVENT, {"test": {}}, guid).status_code == 0
    bot = start_bot(data, port=port, **app_env(github, app_key, KENNIS_CATCHUP_EVERY="1s"))
    try:
        wait_for(lambda: len(processed_ids(data)) >= 21, timeout=60)
        wait_for(lambda: all(github.hooks.redeliveries[g] == 1 for g in lost), timeout=10)
        assert sorted(processed_ids(data)) == sorted([*lost, "while-up"])
        assert github.hooks.redeliveries["while-up"] == 0
        rows = {row["id"]: row for row in deliveries_json(data)}
        assert all(rows[g]["recovered"] and rows[g]["state"] == "done" for g in lost)
        assert rows["while-up"]["recovered"] is False
        text = run_cli(data, "deliveries", "--limit", "50").stdout
        assert text.count("(recovered by catch-up)") == 20
        listing = [r for r in github.requests if r.path == "/app/hook/deliveries"]
        assert listing and all(r.auth == "jwt" for r in listing)
    finally:
        assert bot.stop() == 0
    # Runs every second, yet nothing is asked for twice.
    assert all(github.hooks.redeliveries[g] == 1 for g in lost)


def test_the_listing_pages_with_a_cursor_like_github(
    github: GitHubStandIn, app_key: AppKey, tmp_path: Path
) -> None:
    from review_bot.catchup import CatchUp
    from review_bot.github_client import GitHubApp

    github.hooks.url = "http://127.0.0.1:9/webhook"  # nobody listens: every attempt fails
    for n in range(250):
        github.hooks.deliver(TEST_EVENT, {"n": n}, f"g-{n}")
    app = GitHubApp(str(app_key.app_id), app_key.private_key_pem, github.base_url)

    class Remembered:
        def __init__(self) -> None:
            self.marked: list[str] = []

        def known(self, guids: object) -> set[str]:
            return {"g-0"}

        def mark_redelivery(self, guid: str, hook_id: int, now: float | None = None) -> bool:
            self.marked.append(guid)
            return True

        def forget_redelivery(self, guid: str) -> None:
            self.marked.remove(guid)

    ledger = Remembered()
    report = CatchUp(github.base_url, app.jwt, ledger, pause=0).run_once()
    assert report.listed == 250
    assert len(report.requested) == 50 and "at most 50" in (report.stopped or "")
    assert report.requested[0] == "g-1"  # oldest first; g-0 is in the ledger
    pages = [r for r in github.requests if r.path == "/app/hook/deliveries"]
    assert len(pages) == 3 and "cursor" in pages[1].query


@pytest.mark.parametrize(
    ("attempts", "known", "wanted"),
    [
        ([{"id": 1, "guid": "a", "status_code": 0}], set(), {"a": 1}),
        (
            [{"id": 1, "guid": "a", "status_code": 0}, {"id": 2, "guid": "a", "status_code": 202}],
            set(),
            {},
        ),
        ([{"id": 1, "guid": "a", "status_code": 503}], {"a"}, {}),
        (
            [{"id": 1, "guid": "a", "status_code": 0}, {"id": 5, "guid": "a", "status_code": 0}],
            set(),
            {"a": 5},
        ),
        ([{"id": "x", "guid": "a", "status_code": 0}, {"guid": 3}], set(), {}),
    ],
    ids=["failed", "a later attempt got through", "in the ledger", "newest attempt", "odd shapes"],
)
def test_which_deliveries_are_missing(
    attempts: list[dict[str, object]], known: set[str], wanted: dict[str, int]
) -> None:
    assert missing(json.loads(json.dumps(attempts)), known) == wanted


def test_a_rate_limit_ends_the_run_and_the_refused_request_is_asked_next_run(
    github: GitHubStandIn, app_key: AppKey, tmp_path: Path
) -> None:
    from review_bot.catchup import CatchUp
    from review_bot.github_client import GitHubApp
    from review_bot.ledger import Ledger

    github.hooks.url = "http://127.0.0.1:9/webhook"
    for n in range(3):
        github.hooks.deliver(TEST_EVENT, {"n": n}, f"g-{n}")
    github.faults.add(
        "POST", r"/app/hook/deliveries/\d+/attempts", "primary_rate_limit", count=1, status=429
    )
    ledger = Ledger(tmp_path / "ledger.sqlite3")
    app = GitHubApp(str(app_key.app_id), app_key.private_key_pem, github.base_url)
    first = CatchUp(github.base_url, app.jwt, ledger, pause=0).run_once()
    assert first.requested == [] and "rate limit" in (first.stopped or "")
    assert ledger.known(["g-0", "g-1", "g-2"]) == set()  # nothing counts as asked for
    second = CatchUp(github.base_url, app.jwt, ledger, pause=0).run_once()
    assert second.requested == ["g-0", "g-1", "g-2"] and second.stopped is None
    assert CatchUp(github.base_url, app.jwt, ledger, pause=0).run_once().requested == []
