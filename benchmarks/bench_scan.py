"""Freshness scan compute on a 10,000-page, 200-owner repository (GitHub latency excluded).

    python benchmarks/bench_scan.py [--pages 10000] [--owners 200] [--work benchmarks/work]

Builds a bare repository with ``git fast-import`` (pages spread over 40 commits across two years,
``reviewed`` dates spread so every freshness state occurs), then times what a scan computes:
reading the knowledge base from the bare repository in one batch, the history index (one git log
pass), assessing every page, planning the issues, and re-planning against the issues the first
plan would have written (which must plan zero writes). Target: ≤ 5 s in total, ≤ 1 write per
owner whose list changed.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kennis.due_issue import parse_issue  # noqa: E402
from kennis.gitrev import GitReader  # noqa: E402
from kennis.history_build import build_index  # noqa: E402
from kennis.kb import load_kb  # noqa: E402
from kennis.scan import folder_owners, plan_scan  # noqa: E402
from kennis.status import assess_pages  # noqa: E402

AS_OF = date(2026, 3, 1)
START = 1_700_000_000  # 2023-11-14


def page_text(i: int, owners: int, rng: random.Random) -> bytes:
    reviewed = AS_OF - timedelta(days=rng.randrange(0, 500))
    owner = f"@user{i % owners}"
    return (
        f'---\ntitle: Page {i}\nowner: "{owner}"\nreviewed: {reviewed.isoformat()}\n'
        f"review_every: 6 months\n---\n# Page {i}\n\nSome text about topic {i}.\n"
    ).encode()


def build(target: Path, pages: int, owners: int) -> None:
    """A bare repository: config + pages in 40 commits, deterministic."""
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(target)], check=True)
    rng = random.Random(7)
    chunks: list[bytes] = []
    per = -(-pages // 40)
    for n in range(40):
        stamp = START + n * 86400 * 15
        files = [(".github/kennis.yml", b"site_url: https://kb.example.com/\ndue_soon: 30 days\n")]
        files += [
            (f"content/s{i % 50}/page-{i}.md", page_text(i, owners, rng))
            for i in range(n * per, min(pages, (n + 1) * per))
        ]
        message = f"Add pages batch {n}\n".encode()
        chunks.append(b"commit refs/heads/main\n")
        chunks.append(f"committer Bench <b@x> {stamp} +0000\n".encode())
        chunks.append(b"data %d\n%s" % (len(message), message))
        for path, data in files:
            chunks.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
    subprocess.run(
        ["git", "-C", str(target), "fast-import", "--quiet"], input=b"".join(chunks), check=True
    )


def timed(label: str, results: dict[str, float], fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    results[label] = time.perf_counter() - start
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--owners", type=int, default=200)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "work")
    args = parser.parse_args()
    repo = args.work / f"scan-{args.pages}p-{args.owners}o.git"
    if not repo.exists():
        args.work.mkdir(parents=True, exist_ok=True)
        partial = repo.with_name(repo.name + ".partial")
        subprocess.run(["rm", "-rf", str(partial)], check=True)
        build(partial, args.pages, args.owners)
        partial.rename(repo)
    t: dict[str, float] = {}
    kb = timed(
        "load knowledge base (1 batch read)", t, lambda: load_kb(GitReader(repo).tree_at("HEAD"))
    )
    index = timed("history index (1 git log pass)", t, build_index, repo, kb.config.content_dir)
    statuses = timed("assess pages", t, assess_pages, kb, index, AS_OF)
    folder = folder_owners(kb)
    plan_args = dict(
        as_of=AS_OF,
        site_url=kb.config.site_url,
        content_dir=kb.config.content_dir,
        fallback_owner=None,
        folder=folder,
    )
    first = timed("plan (no issues yet)", t, plan_scan, statuses, [], **plan_args)
    existing = [
        parse_issue(n, a.title, a.body, a.assignees) for n, a in enumerate(first.actions, start=1)
    ]
    again = timed(
        "parse issues + re-plan",
        t,
        lambda: plan_scan(statuses, [e for e in existing if e], **plan_args),
    )
    total = sum(t.values())
    due = sum(len(v) for v in first.owners.values())
    print(f"repository: {len(kb.pages)} pages, {args.owners} owners, {due} due for review")
    for label, seconds in t.items():
        print(f"  {label:<38} {seconds * 1000:8.0f} ms")
    print(f"  {'total compute':<38} {total * 1000:8.0f} ms   (target ≤ 5000 ms)")
    per_owner = len(first.actions) / max(1, len(first.owners))
    print(
        f"first scan: {len(first.actions)} writes for {len(first.owners)} owners "
        f"({per_owner:.2f} per changed owner, target ≤ 1)"
    )
    print(f"second scan, nothing changed: {len(again.actions)} writes (target 0)")
    ok = total <= 5.0 and per_owner <= 1 and not again.actions
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
