"""Several kennis-bot replicas on one PostgreSQL ledger: exactly-once under a SIGKILL, and
throughput from one replica to two with a slow GitHub.

    python benchmarks/bench_replicas.py --deliveries 1000 --throughput 300

(a) 3 replicas, ``--deliveries`` signed webhooks posted round-robin; replica 0 is SIGKILLed
half-way (its share then goes to the others, as a load balancer would send it). Counts the
GitHub writes the stand-in logged per delivery. (b) The stand-in answers every call 50 ms
late; ``--throughput`` deliveries are queued in the ledger and the time until all are done is
taken with 1 and with 2 replicas (2 workers each), alternating, ``--repeat`` times; each run's
rates and ratio are printed, then the medians. ``--only throughput`` skips (a).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]

from review_bot.ledger_pg import PostgresLedger  # noqa: E402
from tests.botproc import BotProcess, start_bot  # noqa: E402
from tests.github_standin.fixtures import make_app_key  # noqa: E402
from tests.github_standin.server import GitHubStandIn  # noqa: E402
from tests.pgserver import PostgresServer, server_bin  # noqa: E402

EVENT = "kennis_bench"


def replicas(root: Path, count: int, env: dict[str, str]) -> list[BotProcess]:
    bots: list[BotProcess] = []
    for n in range(count):
        bots.append(start_bot(root / f"r{n}-{uuid.uuid4().hex[:6]}", timeout=60, **env))
    return bots


def payload(installation: int, n: int) -> dict[str, object]:
    return {"installation": {"id": installation}, "repository": {"full_name": "acme/kb"}, "n": n}


def writes(github: GitHubStandIn) -> Counter[str]:
    return Counter(
        r.json["body"]
        for r in list(github.requests)
        if r.method == "POST" and r.path == "/repos/acme/kb/issues/1/comments" and r.status == 201
    )


def wait_done(ledger: PostgresLedger, total: int, timeout: float = 600) -> float:
    started = time.perf_counter()
    while ledger.counts()["done"] < total:
        if time.perf_counter() - started > timeout:
            raise SystemExit(f"not done after {timeout}s: {ledger.counts()}")
        time.sleep(0.05)
    return time.perf_counter() - started


def exactly_once(
    pg: PostgresServer,
    github: GitHubStandIn,
    env: dict[str, str],
    args: argparse.Namespace,
    inst: int,
    root: Path,
) -> None:
    url = pg.database()
    bots = replicas(root, 3, {**env, "KENNIS_DATABASE_URL": url, "KENNIS_LEASE_SECONDS": "5"})
    ledger = PostgresLedger(url)
    alive = [True, True, True]
    ids = [str(uuid.uuid4()) for _ in range(args.deliveries)]
    try:
        for n, delivery in enumerate(ids):
            if n == len(ids) // 2:
                bots[0].stop(signal.SIGKILL)
                alive[0] = False
            target = n % 3 if alive[n % 3] else 1 + n % 2
            assert bots[target].post(payload(inst, n), event=EVENT, delivery=delivery).status == 202
        took = wait_done(ledger, len(ids))
    finally:
        for bot in bots:
            bot.stop(signal.SIGKILL)
    seen = writes(github)
    once = sum(1 for d in ids if seen[d] == 1)
    twice = sum(1 for d in ids if seen[d] > 1)
    missing = sum(1 for d in ids if seen[d] == 0)
    print(f"(a) 3 replicas, {len(ids)} deliveries, replica 0 SIGKILLed at {len(ids) // 2}:")
    print(
        f"    exactly once: {once}, more than once: {twice}, never: {missing}"
        f" (done {took:.1f}s after the last post)"
    )


def throughput(
    pg: PostgresServer,
    github: GitHubStandIn,
    env: dict[str, str],
    args: argparse.Namespace,
    inst: int,
    root: Path,
) -> None:
    github.faults.add("*", r".*", "slow", share=1.0, delay=0.05)
    results: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(args.repeat):
        for count in (1, 2):
            url = pg.database()
            bots = replicas(root, count, {**env, "KENNIS_DATABASE_URL": url})
            ledger = PostgresLedger(url)
            try:
                for n in range(args.throughput):
                    body = payload(inst, n)
                    ledger.record(str(uuid.uuid4()), EVENT, json.dumps(body).encode(), body)
                results[count].append(args.throughput / wait_done(ledger, args.throughput))
                print(f"    run: {count} replica(s) {results[count][-1]:.1f}/s", flush=True)
            finally:
                for bot in bots:
                    bot.stop()
                ledger.close()
    github.faults.clear()
    one, two = statistics.median(results[1]), statistics.median(results[2])
    print(f"(b) 50 ms per GitHub call, {args.throughput} deliveries, 2 workers per replica:")
    print(f"    1 replica {one:.1f}/s, 2 replicas {two:.1f}/s: {two / one:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=1000)
    parser.add_argument("--throughput", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--only", choices=("exactly-once", "throughput"))
    parser.add_argument(
        "--not-idempotent", action="store_true", help="a handler that writes again on a retry"
    )
    args = parser.parse_args()
    bindir = server_bin()
    if bindir is None:
        raise SystemExit("no PostgreSQL server binary (apt-get install postgresql)")
    key = make_app_key()
    root = Path(tempfile.mkdtemp(prefix="kennis-bench-replicas-"))
    pg = PostgresServer(bindir).start()
    with GitHubStandIn(key.app_id, key.public_key_pem) as github:
        github.add_repo("acme/kb")
        github.add_issue("acme/kb", "Side effects")
        inst = github.repo("acme/kb").installation_id
        env = {
            "KENNIS_APP_ID": str(key.app_id),
            "KENNIS_PRIVATE_KEY": key.private_key_pem,
            "KENNIS_GITHUB_API_URL": github.base_url,
            "KENNIS_GITHUB_WRITE_PAUSE": "0",
            "KENNIS_CATCHUP_EVERY": "",
            "KENNIS_WORKERS": "2",
            "KENNIS_EXTRA_HANDLERS": "replica_handler:"
            + ("register_blind" if args.not_idempotent else "register"),
            "PYTHONPATH": os.pathsep.join(
                [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]
            ),
        }
        try:
            print(f"load average before: {os.getloadavg()}")
            if args.only != "throughput":
                exactly_once(pg, github, env, args, inst, root)
            if args.only != "exactly-once":
                throughput(pg, github, env, args, inst, root)
            print(f"load average after: {os.getloadavg()}")
        finally:
            pg.stop()


if __name__ == "__main__":
    main()
