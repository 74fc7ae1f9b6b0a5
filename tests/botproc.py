"""Run the real ``kennis-bot serve`` as a subprocess for tests, and a handler hook it can load."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from review_bot.routing import DeliveryContext, Router
from review_bot.signature import sign

ROOT = Path(__file__).resolve().parent.parent
SECRET = "test-webhook-secret-5f2c"
TEST_EVENT = "kennis_test"
HOOK = "tests.botproc:register_test_handlers"


def bot_command(*args: str) -> list[str]:
    """The ``kennis-bot`` command line (``python -m review_bot`` works without installation)."""
    return [sys.executable, "-m", "review_bot", *args]


def bot_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KENNIS_")}
    env.update(
        PYTHONPATH=str(ROOT),
        KENNIS_WEBHOOK_SECRET=SECRET,
        KENNIS_DATA_DIR=str(data_dir),
        KENNIS_EXTRA_HANDLERS=HOOK,
        KENNIS_TEST_RECORD=str(data_dir / "processed.txt"),
        KENNIS_RETRY_BASE="0.2",
    )
    env.update(extra)
    return env


def run_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        bot_command(*args), env=bot_env(data_dir), capture_output=True, text=True, timeout=60
    )


def deliveries_json(data_dir: Path, *args: str) -> list[dict[str, Any]]:
    result = run_cli(data_dir, "deliveries", "--format", "json", "--limit", "1000", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@dataclass
class Response:
    status: int
    body: dict[str, Any]


@dataclass
class BotProcess:
    """A running ``kennis-bot serve``; `post` sends a (signed by default) webhook over HTTP."""

    proc: subprocess.Popen[bytes]
    port: int
    data_dir: Path
    log_path: Path
    env: dict[str, str] = field(repr=False)

    def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            raw = resp.read()
        finally:
            conn.close()
        try:
            parsed = json.loads(raw) if raw else {}
        except ValueError:
            parsed = {"raw": raw.decode("utf-8", "replace")}
        return Response(resp.status, parsed)

    def post(
        self,
        payload: dict[str, Any] | bytes,
        *,
        event: str | None = TEST_EVENT,
        delivery: str | None = None,
        secret: str | None = SECRET,
    ) -> Response:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        if event is not None:
            headers["X-GitHub-Event"] = event
        headers["X-GitHub-Delivery"] = delivery or str(uuid.uuid4())
        if delivery == "":
            del headers["X-GitHub-Delivery"]
        if secret is not None:
            headers["X-Hub-Signature-256"] = sign(secret.encode(), body)
        return self.request("POST", "/webhook", body, headers)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.proc.wait(timeout)


def start_bot(data_dir: Path, timeout: float = 20, port: int = 0, **env: str) -> BotProcess:
    """Start the real server (on a free port unless *port*) and wait until ``/healthz`` answers."""
    data_dir.mkdir(parents=True, exist_ok=True)
    full_env = bot_env(data_dir, **env)
    log_path = data_dir / f"serve-{time.monotonic_ns()}.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            bot_command("serve", "--port", str(port)),
            env=full_env,
            stdout=log,
            stderr=log,
            cwd=ROOT,
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        match = re.search(r"listening on http://[^:]+:(\d+)", log_path.read_text())
        if proc.poll() is not None:
            raise RuntimeError(f"kennis-bot exited {proc.returncode}:\n{log_path.read_text()}")
        if match:
            bot = BotProcess(proc, int(match.group(1)), data_dir, log_path, full_env)
            if _healthy(bot):
                return bot
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"kennis-bot did not become healthy:\n{log_path.read_text()}")


def _healthy(bot: BotProcess) -> bool:
    try:
        return bot.request("GET", "/healthz").status == 200
    except (OSError, http.client.HTTPException):
        return False


def wait_for(predicate: Any, timeout: float = 30, interval: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


def processed_ids(data_dir: Path) -> list[str]:
    path = data_dir / "processed.txt"
    return path.read_text().split() if path.exists() else []


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- the handler the subprocess loads through KENNIS_EXTRA_HANDLERS ------------------------------


class PlannedFailure(Exception):
    """Raised by the test handler when the payload asks it to fail this attempt."""


def _test_handler(ctx: DeliveryContext) -> None:
    plan = ctx.payload.get("test") or {}
    gate = plan.get("gate")
    while gate and not Path(gate).exists():
        time.sleep(0.05)
    if plan.get("always_fail") or ctx.attempt <= int(plan.get("fail_times", 0)):
        raise PlannedFailure(f"planned failure on attempt {ctx.attempt}")
    with open(os.environ["KENNIS_TEST_RECORD"], "a", encoding="utf-8") as record:
        record.write(ctx.delivery_id + "\n")


def register_test_handlers(router: Router) -> None:
    router.on(TEST_EVENT)(_test_handler)
