"""Idle clients cannot starve the real ``kennis-bot serve``: a webhook still gets its 202."""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from review_bot.signature import sign
from tests.botproc import SECRET, TEST_EVENT, BotProcess, start_bot

pytestmark = pytest.mark.slow  # starts kennis-bot processes

GITHUB_GIVES_UP = 10  # seconds GitHub waits for an answer before it marks the delivery failed


@contextlib.contextmanager
def idle_connections(port: int, count: int) -> Iterator[None]:
    """*count* clients that connect and then say nothing."""
    sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(count)]
    try:
        yield
    finally:
        for sock in sockets:
            sock.close()


def post_as_github(bot: BotProcess) -> int:
    """One signed delivery, waiting no longer than GitHub does; the response status."""
    body = json.dumps({"action": "opened"}).encode()
    headers = {
        "Content-Type": "application/json",
        "X-GitHub-Event": TEST_EVENT,
        "X-GitHub-Delivery": str(uuid.uuid4()),
        "X-Hub-Signature-256": sign(SECRET.encode(), body),
    }
    conn = http.client.HTTPConnection("127.0.0.1", bot.port, timeout=GITHUB_GIVES_UP)
    try:
        conn.request("POST", "/webhook", body=body, headers=headers)
        return conn.getresponse().status
    finally:
        conn.close()


def test_150_idle_connections_leave_room_for_webhooks(tmp_path: Path) -> None:
    bot = start_bot(tmp_path / "data")
    try:
        with idle_connections(bot.port, 150):
            assert post_as_github(bot) == 202
    finally:
        bot.stop()


def test_idle_connections_over_the_limit_are_closed_after_the_channel_timeout(
    tmp_path: Path,
) -> None:
    bot = start_bot(tmp_path / "data", KENNIS_CONNECTION_LIMIT="100", KENNIS_CHANNEL_TIMEOUT="1")
    try:
        with idle_connections(bot.port, 120):  # every slot taken, twenty more waiting
            assert post_as_github(bot) == 202
    finally:
        bot.stop()
