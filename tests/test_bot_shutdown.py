"""SIGTERM stops kennis-bot gracefully: requests in flight answered, current deliveries finished,
the rest left queued, exit 0, and after a restart every delivery is processed exactly once."""

from __future__ import annotations

import json
import signal
import socket
import time
import uuid
from pathlib import Path

import pytest

from review_bot.signature import sign
from tests.botproc import (
    SECRET,
    TEST_EVENT,
    deliveries_json,
    processed_ids,
    start_bot,
    wait_for,
)

pytestmark = pytest.mark.slow


def states(data_dir: Path) -> dict[str, str]:
    return {row["id"]: row["state"] for row in deliveries_json(data_dir)}


def test_sigterm_with_deliveries_in_flight_loses_and_repeats_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    gate = tmp_path / "gate"
    bot = start_bot(data, KENNIS_WORKERS="2", KENNIS_STOP_GRACE="20")
    ids = [f"d-{n}" for n in range(6)]
    for delivery in ids:
        assert bot.post({"test": {"gate": str(gate)}}, delivery=delivery).status == 202
    wait_for(lambda: list(states(data).values()).count("running") == 2)
    bot.proc.send_signal(signal.SIGTERM)
    time.sleep(1.0)  # the two deliveries in flight are still running; nothing new is taken
    assert bot.proc.poll() is None
    gate.touch()
    assert bot.proc.wait(30) == 0
    first = processed_ids(data)
    assert len(first) == 2
    after_stop = states(data)
    assert sorted(after_stop.values()) == ["done", "done", "queued", "queued", "queued", "queued"]
    restarted = start_bot(data, KENNIS_WORKERS="2")
    try:
        wait_for(lambda: len(processed_ids(data)) >= 6)
        time.sleep(0.5)
        assert sorted(processed_ids(data)) == sorted(ids)  # each exactly once
    finally:
        assert restarted.stop() == 0


def test_a_request_in_flight_at_sigterm_is_answered_and_new_connections_are_refused(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    bot = start_bot(data, KENNIS_STOP_GRACE="20")
    body = json.dumps({"test": {}}).encode()
    delivery = str(uuid.uuid4())
    head = (
        f"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"X-GitHub-Event: {TEST_EVENT}\r\nX-GitHub-Delivery: {delivery}\r\n"
        f"X-Hub-Signature-256: {sign(SECRET.encode(), body)}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", bot.port), timeout=30) as client:
        client.sendall(head + body[:5])  # half a request is on its way
        time.sleep(0.3)
        bot.proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        with pytest.raises(OSError):  # the listening socket is closed: no new requests
            socket.create_connection(("127.0.0.1", bot.port), timeout=2).close()
        client.sendall(body[5:])
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 202"), answer[:200]
    assert bot.proc.wait(30) == 0
    assert delivery in processed_ids(data) or states(data)[delivery] == "queued"


def test_a_delivery_outlasting_the_grace_period_does_not_hold_the_stop(tmp_path: Path) -> None:
    data = tmp_path / "data"
    bot = start_bot(data, KENNIS_WORKERS="1", KENNIS_STOP_GRACE="1")
    assert bot.post({"test": {"gate": str(tmp_path / "never")}}, delivery="slow").status == 202
    wait_for(lambda: states(data).get("slow") == "running")
    started = time.monotonic()
    assert bot.stop(timeout=30) == 0
    assert time.monotonic() - started < 8  # KENNIS_STOP_GRACE (1 s), not a fixed 10 s per worker
    (tmp_path / "never").touch()
    restarted = start_bot(data, KENNIS_WORKERS="1")
    try:
        wait_for(lambda: processed_ids(data) == ["slow"])
    finally:
        assert restarted.stop() == 0
