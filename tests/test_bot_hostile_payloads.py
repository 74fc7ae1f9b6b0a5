"""The real ``kennis-bot serve`` against odd signed payloads and big unsigned bodies."""

from __future__ import annotations

import json
import socket
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.botproc import (
    SECRET,
    BotProcess,
    deliveries_json,
    processed_ids,
    start_bot,
    wait_for,
)

pytestmark = pytest.mark.slow  # each module fixture starts a kennis-bot process


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotProcess]:
    started = start_bot(tmp_path_factory.mktemp("hostile"), KENNIS_MAX_ATTEMPTS="3")
    yield started
    started.stop()


def settled(bot: BotProcess, delivery: str) -> dict[str, Any]:
    def find() -> dict[str, Any] | None:
        row = next((d for d in deliveries_json(bot.data_dir) if d["id"] == delivery), None)
        return row if row and row["state"] in ("done", "dead") else None

    return wait_for(find)  # type: ignore[no-any-return]


def test_a_form_encoded_body_that_starts_like_json_is_processed_once(bot: BotProcess) -> None:
    payload = json.dumps({"action": "opened"})
    body = f'{{"a": 1}}&payload={payload}'.encode()
    response = bot.request(
        "POST",
        "/webhook",
        body,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-GitHub-Event": "kennis_test",
            "X-GitHub-Delivery": "form-1",
            "X-Hub-Signature-256": _sign(body),
        },
    )
    assert response.status == 202
    row = settled(bot, "form-1")
    assert (row["state"], row["attempts"], row["action"]) == ("done", 1, "opened")
    assert "form-1" in processed_ids(bot.data_dir)


WRONG_TYPES = {  # signed payload: (event, payload, the reason recorded)
    "installation-id-object": (
        "kennis_test",
        {"installation": {"id": {"x": 1}}},
        "payload field installation.id is an object, expected a whole number",
    ),
    "full-name-list": (
        "kennis_test",
        {"repository": {"full_name": ["acme", "kb"]}},
        "payload field repository.full_name is an array, expected a string",
    ),
    "issue-edit-with-changes-list": (
        "issues",
        {"action": "edited", "issue": {"number": 1}, "changes": [{"body": "x"}]},
        "payload field changes is an array, expected an object",
    ),
}


@pytest.mark.parametrize("case", list(WRONG_TYPES), ids=list(WRONG_TYPES))
def test_a_payload_of_the_wrong_shape_is_dead_at_once_with_the_field_named(
    bot: BotProcess, case: str
) -> None:
    event, payload, reason = WRONG_TYPES[case]
    response = bot.post(payload, event=event, delivery=case)
    assert response.status == 202, response.body
    row = settled(bot, case)
    assert (row["state"], row["attempts"], row["last_error"]) == ("dead", 1, reason)
    assert case not in processed_ids(bot.data_dir)


@pytest.mark.parametrize(
    ("depth", "status"),
    [(399, 202), (401, 400), (100_000, 400)],
    ids=["399-deep", "401-deep", "100000-deep"],
)
def test_nesting_is_bounded_at_400_levels(bot: BotProcess, depth: int, status: int) -> None:
    inner = b"[" * (depth - 1) + b"]" * (depth - 1)
    body = b'{"deep": ' + inner + b"}"
    delivery = f"deep-{depth}"
    response = bot.post(body, delivery=delivery)
    assert response.status == status, response.body
    if status == 400:
        assert response.body == {"error": "body nests deeper than 400 levels"}
        assert all(d["id"] != delivery for d in deliveries_json(bot.data_dir))
    else:
        assert settled(bot, delivery)["state"] == "done"


def _sign(body: bytes) -> str:
    from review_bot.signature import sign

    return sign(SECRET.encode(), body)


BIG = 24 * 1024 * 1024
CONCURRENT = 8  # waitress' worker threads: all of them hold a body at once


def _post_unsigned(port: int, body: memoryview, answers: list[bytes]) -> None:
    head = (
        "POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"X-GitHub-Event: push\r\nX-GitHub-Delivery: {uuid.uuid4()}\r\n"
        "X-Hub-Signature-256: sha256=" + "0" * 64 + "\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(head)
        sock.sendall(body)
        answers.append(sock.recv(64))


def peak_memory(pid: int) -> int:
    """The process's peak resident memory in bytes (VmHWM)."""
    status = Path(f"/proc/{pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024


def test_big_unsigned_bodies_do_not_grow_the_bot(bot: BotProcess) -> None:
    before = peak_memory(bot.proc.pid)
    body = memoryview(b'{"pad": "' + b"x" * (BIG - 11) + b'"}')
    answers: list[bytes] = []
    threads = [
        threading.Thread(target=_post_unsigned, args=(bot.port, body, answers))
        for _ in range(CONCURRENT)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == CONCURRENT and all(b" 401 " in a for a in answers), answers
    # Held whole (and joined), each body cost twice its size: 8 x 48 MB. Spooled, they cost
    # about a megabyte each.
    grown = peak_memory(bot.proc.pid) - before
    assert grown < 64 * 1024 * 1024, f"peak memory grew {grown / 2**20:.0f} MB"
