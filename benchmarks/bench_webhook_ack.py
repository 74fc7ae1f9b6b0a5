"""Webhook acknowledgement latency of the real ``kennis-bot serve`` under concurrent deliveries.

Starts the server on loopback (workers running), then fires rounds of N concurrent signed
deliveries, each on its own connection as GitHub does, and prints p50/p99/max of the time from
sending the request to reading the 202. Target: p99 < 50 ms with 50 concurrent deliveries.

    .venv/bin/python benchmarks/bench_webhook_ack.py [--concurrency 50] [--rounds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from review_bot.signature import sign
from tests.botproc import SECRET, start_bot

# A realistic pull_request.opened body is ~20-30 kB; pad to that size.
PAYLOAD = {
    "action": "opened",
    "number": 1,
    "installation": {"id": 1},
    "repository": {"full_name": "acme/kb", "clone_url": "https://example.invalid/acme/kb.git"},
    "pull_request": {"title": "Update pages", "body": "x" * 24_000},
}


async def send(port: int, body: bytes, start: asyncio.Event) -> float:
    """One delivery on its own connection, as GitHub sends them; seconds until the 202 is read."""
    head = (
        "POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"X-GitHub-Event: pull_request\r\nX-GitHub-Delivery: {uuid.uuid4()}\r\n"
        f"X-Hub-Signature-256: {sign(SECRET.encode(), body)}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    await start.wait()
    started = time.perf_counter()
    writer.write(head + body)
    await writer.drain()
    status = await reader.readline()
    await reader.read()  # headers and body, until the server closes
    elapsed = time.perf_counter() - started
    writer.close()
    if b" 202 " not in status:
        raise RuntimeError(f"unexpected status {status!r}")
    return elapsed


def run_round(port: int, concurrency: int, body: bytes) -> list[float]:
    """Open N connections, then send all N deliveries at once (one thread: asyncio, so the
    client does not compete with itself for the GIL the way 50 client threads would)."""

    async def burst() -> list[float]:
        start = asyncio.Event()
        tasks = [asyncio.create_task(send(port, body, start)) for _ in range(concurrency)]
        await asyncio.sleep(0.05)  # every connection is open before the burst
        start.set()
        return list(await asyncio.gather(*tasks))

    return asyncio.run(burst())


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(sync: str, concurrency: int, rounds: int, workers: int = 2) -> dict[str, float]:
    body = json.dumps(PAYLOAD).encode()
    with tempfile.TemporaryDirectory() as tmp:
        bot = start_bot(
            Path(tmp),
            KENNIS_LEDGER_SYNC=sync,
            KENNIS_EXTRA_HANDLERS="",
            KENNIS_WORKERS=str(workers),
            KENNIS_LOG_LEVEL="WARNING",
        )
        try:
            run_round(bot.port, concurrency, body)  # warm-up
            samples: list[float] = []
            for _ in range(rounds):
                samples += run_round(bot.port, concurrency, body)
                time.sleep(0.05)
        finally:
            bot.stop()
    return summarize(samples)


REFERENCE_APP = """
import sys, waitress
def app(environ, start):
    environ["wsgi.input"].read()
    start("202 Accepted", [("Content-Length", "2")])
    return [b"{}"]
server = waitress.create_server(app, host="127.0.0.1", port=0, threads=8, recv_bytes=65536)
print(server.getsockname()[1], flush=True)
server.run()
"""


def measure_reference(concurrency: int, rounds: int) -> dict[str, float]:
    """The same load against a do-nothing WSGI app on waitress: the floor on this machine."""
    body = json.dumps(PAYLOAD).encode()
    proc = subprocess.Popen(
        [sys.executable, "-c", REFERENCE_APP],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        run_round(port, concurrency, body)
        samples: list[float] = []
        for _ in range(rounds):
            samples += run_round(port, concurrency, body)
            time.sleep(0.05)
    finally:
        proc.terminate()
        proc.wait()
    return summarize(samples)


def summarize(samples: list[float]) -> dict[str, float]:
    return {
        "n": len(samples),
        "p50_ms": statistics.median(samples) * 1000,
        "p99_ms": percentile(samples, 0.99) * 1000,
        "max_ms": max(samples) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--sync", choices=["NORMAL", "FULL", "both"], default="both")
    parser.add_argument("--workers", type=int, default=2, help="worker threads processing")
    args = parser.parse_args()
    print(
        f"{args.concurrency} concurrent signed deliveries x {args.rounds} rounds, "
        f"{len(json.dumps(PAYLOAD)) // 1000} kB payload, loopback",
        flush=True,
    )
    floor = measure_reference(args.concurrency, args.rounds)
    print(
        f"{'do-nothing waitress app':<26} n={floor['n']:<5} p50={floor['p50_ms']:6.1f} ms  "
        f"p99={floor['p99_ms']:6.1f} ms  max={floor['max_ms']:6.1f} ms",
        flush=True,
    )
    for sync in ["NORMAL", "FULL"] if args.sync == "both" else [args.sync]:
        r = measure(sync, args.concurrency, args.rounds, args.workers)
        verdict = "ok" if r["p99_ms"] < 50 else "OVER TARGET"
        print(
            f"{'kennis-bot, sync=' + sync:<26} n={r['n']:<5} p50={r['p50_ms']:6.1f} ms  "
            f"p99={r['p99_ms']:6.1f} ms  max={r['max_ms']:6.1f} ms  "
            f"p99 x{r['p99_ms'] / floor['p99_ms']:.2f} of floor  (target < 50 ms: {verdict})",
            flush=True,
        )


if __name__ == "__main__":
    main()
