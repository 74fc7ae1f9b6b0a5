"""Hostile clients against the real ``kennis-bot serve``: peak memory and time to a webhook's 202.

Two workloads, each run against kennis-bot and against a reference waitress app with waitress'
defaults that reads the whole body before anything else (how the webhook worked before):

- memory: N concurrent unsigned 24 MB bodies; growth of the server's peak RSS (VmHWM);
- idle: K sockets connect and say nothing, then one signed delivery; seconds until its answer
  (GitHub gives up after 10 s), also with a small connection limit and a 1 s channel timeout.

    .venv/bin/python benchmarks/bench_hostile_clients.py [--bodies 16] [--idle 150]
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from review_bot.signature import sign
from tests.botproc import SECRET, start_bot

BIG = 24 * 1024 * 1024
WAIT = 15.0  # seconds a delivery waits for its answer here (GitHub: 10)

REFERENCE_APP = """
import waitress
def app(environ, start):
    body = environ["wsgi.input"].read()
    start("401 Unauthorized", [("Content-Length", str(len(body) % 10))])
    return [b"x" * (len(body) % 10)]
server = waitress.create_server(app, host="127.0.0.1", port=0, threads=8)
print(server.getsockname()[1], flush=True)
server.run()
"""


def peak_rss(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(x for x in status.splitlines() if x.startswith("VmHWM:")).split()[1]) * 1024


def post_unsigned(port: int, body: memoryview) -> None:
    head = (
        "POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"X-GitHub-Event: push\r\nX-GitHub-Delivery: {uuid.uuid4()}\r\n"
        f"X-Hub-Signature-256: sha256={'0' * 64}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=120) as sock:
        sock.sendall(head)
        sock.sendall(body)
        sock.recv(64)


def memory_growth(pid: int, port: int, bodies: int) -> float:
    """MB the server's peak RSS grew while *bodies* unsigned bodies arrived at once."""
    before = peak_rss(pid)
    body = memoryview(b'{"pad": "' + b"x" * (BIG - 11) + b'"}')
    threads = [threading.Thread(target=post_unsigned, args=(port, body)) for _ in range(bodies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return (peak_rss(pid) - before) / 2**20


def answer_after_idle(port: int, idle: int) -> str:
    """Open *idle* silent sockets, then time one signed delivery (or say it got no answer)."""
    sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(idle)]
    body = json.dumps({"action": "opened"}).encode()
    headers = {
        "Content-Type": "application/json",
        "X-GitHub-Event": "ping",
        "X-GitHub-Delivery": str(uuid.uuid4()),
        "X-Hub-Signature-256": sign(SECRET.encode(), body),
    }
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
    started = time.perf_counter()
    try:
        conn.request("POST", "/webhook", body=body, headers=headers)
        status = conn.getresponse().status
        return f"{status} after {time.perf_counter() - started:6.2f} s"
    except TimeoutError:
        return f"no answer within {WAIT:.0f} s"
    finally:
        conn.close()
        for sock in sockets:
            sock.close()


def reference(bodies: int, idle: int) -> tuple[float, str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", REFERENCE_APP], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        return memory_growth(proc.pid, port, bodies), answer_after_idle(port, idle)
    finally:
        proc.kill()
        proc.wait()


def kennis_bot(bodies: int, idle: int, **env: str) -> tuple[float, str]:
    with tempfile.TemporaryDirectory() as tmp:
        bot = start_bot(Path(tmp), KENNIS_LOG_LEVEL="WARNING", **env)
        try:
            grown = memory_growth(bot.proc.pid, bot.port, bodies) if bodies else 0.0
            return grown, answer_after_idle(bot.port, idle)
        finally:
            bot.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bodies", type=int, default=16, help="concurrent unsigned 24 MB bodies")
    parser.add_argument("--idle", type=int, default=150, help="idle sockets before the delivery")
    args = parser.parse_args()
    print(f"{args.bodies} unsigned 24 MB bodies at once; {args.idle} idle sockets, then a delivery")
    rows = [
        ("waitress defaults, body read whole", reference(args.bodies, args.idle)),
        ("kennis-bot (defaults)", kennis_bot(args.bodies, args.idle)),
        (
            "kennis-bot, limit 100, timeout 1 s",
            kennis_bot(0, 120, KENNIS_CONNECTION_LIMIT="100", KENNIS_CHANNEL_TIMEOUT="1"),
        ),
    ]
    for name, (grown, answer) in rows:
        print(f"{name:<36} peak RSS +{grown:6.1f} MB   delivery: {answer}", flush=True)


if __name__ == "__main__":
    main()
