"""Reader feedback: ``POST /feedback`` acknowledgement latency, and a flood from one client.

Starts the real ``kennis-bot serve`` (workers on) against the GitHub stand-in with the small site
of ``tests/feedbackworld.py``. Part 1 fires rounds of 50 concurrent reports, each on its own
connection, alternating with rounds of ``GET /healthz`` (the server's floor), and prints
p50/p99/max of the time to the answer. Target: p99 < 50 ms. Part 2 sends 10,000 reports from one
client as fast as it can (50 at a time) with the default rate limit, counts the answers (only the
limit's worth accepted, no 5xx) and watches the stand-in's issue writes: at most one per page per
``KENNIS_FEEDBACK_WRITE_EVERY`` (shortened from 60 s to 10 s so the run stays under a minute).

    .venv/bin/python benchmarks/bench_feedback.py [--rounds 60] [--warmup 3] [--flood 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import itertools

from tests.feedbackworld import PAGE, open_feedback_site
from tests.github_standin.fixtures import make_app_key
from tests.github_standin.server import GitHubStandIn

BODY = json.dumps({"page": PAGE, "kind": "outdated", "comment": "The limit is 60 days now."})
WINDOW = 10.0


async def request(port: int, raw: bytes, start: asyncio.Event | None = None) -> tuple[int, float]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    if start is not None:
        await start.wait()
    began = time.perf_counter()
    writer.write(raw)
    await writer.drain()
    status = await reader.readline()
    await reader.read()
    writer.close()
    return int(status.split()[1]), time.perf_counter() - began


def post() -> bytes:
    return (
        "POST /feedback HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Origin: https://kb.example.com\r\nContent-Length: {len(BODY)}\r\n"
        f"Connection: close\r\n\r\n{BODY}"
    ).encode()


HEALTH = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"


def burst(port: int, raw: bytes, n: int) -> list[tuple[int, float]]:
    async def go() -> list[tuple[int, float]]:
        start = asyncio.Event()
        tasks = [asyncio.create_task(request(port, raw, start)) for _ in range(n)]
        await asyncio.sleep(0.05)  # every connection open before the burst
        start.set()
        return await asyncio.gather(*tasks)

    return asyncio.run(go())


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def latency(port: int, rounds: int, concurrency: int, warmup: int) -> None:
    ours: list[float] = []
    floor: list[float] = []
    # The clients run in a process of their own: the GitHub stand-in answers the bot's writes
    # in this one, and would otherwise take the interpreter lock from the clients' timers.
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as clients:
        for _ in range(warmup):  # not counted: the first report's issue is written meanwhile
            clients.submit(burst, port, post(), concurrency).result()
        time.sleep(3.0 if warmup else 0.0)
        for _ in range(rounds):  # sides alternate, so load changes hit both alike
            answers = clients.submit(burst, port, post(), concurrency).result()
            assert all(status == 202 for status, _ in answers), Counter(s for s, _ in answers)
            ours += [t for _, t in answers]
            floor += [t for _, t in clients.submit(burst, port, HEALTH, concurrency).result()]
    for name, samples in (("POST /feedback", ours), ("GET /healthz (floor)", floor)):
        print(
            f"{name:22} {concurrency} concurrent x {rounds}: p50 {pct(samples, 0.5):.1f} ms,"
            f" p99 {pct(samples, 0.99):.1f} ms, max {max(samples) * 1000:.1f} ms"
        )


def flood(port: int, total: int, gh: GitHubStandIn) -> None:
    writes: list[float] = []
    stop = threading.Event()

    def watch() -> None:
        seen = 0
        while not stop.is_set():
            now = [r for r in gh.writes() if "/issues" in r.path and r.method in ("POST", "PATCH")]
            writes.extend([time.monotonic()] * (len(now) - seen))
            seen = len(now)
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    began = time.monotonic()

    async def go() -> Counter[int]:
        counts: Counter[int] = Counter()
        gate = asyncio.Semaphore(50)

        async def one() -> None:
            async with gate:
                status, _ = await request(port, post())
                counts[status] += 1

        await asyncio.gather(*(one() for _ in range(total)))
        return counts

    counts = asyncio.run(go())
    took = time.monotonic() - began
    time.sleep(max(0.0, 2.5 * WINDOW - took))  # let coalesced writes run through two windows
    stop.set()
    watcher.join()
    closest = min((b - a for a, b in itertools.pairwise(writes)), default=None)
    print(
        f"{total} posts from one client in {took:.1f} s: {dict(sorted(counts.items()))};"
        f" 5xx: {sum(n for s, n in counts.items() if s >= 500)}"
    )
    print(
        f"issue writes for the page: {len(writes)}; closest two "
        f"{'-' if closest is None else f'{closest:.1f} s'} apart (window {WINDOW:.0f} s,"
        " sampled every 0.05 s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--flood", type=int, default=10_000)
    args = parser.parse_args()
    key = make_app_key()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    for part in ("latency", "flood"):
        with (
            tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp,
            GitHubStandIn(key.app_id, key.public_key_pem) as gh,
        ):
            env = {"KENNIS_FEEDBACK_WRITE_EVERY": str(WINDOW)}
            if part == "latency":
                env["KENNIS_FEEDBACK_LIMIT"] = "1000000"
            sites = open_feedback_site(Path(tmp), gh, key, **env)
            site = next(sites)
            try:
                if part == "latency":
                    latency(site.port, args.rounds, args.concurrency, args.warmup)
                else:
                    flood(site.port, args.flood, gh)
            finally:
                sites.close()
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
