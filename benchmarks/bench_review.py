"""Review routing end to end: a real ``kennis-bot serve``, the GitHub stand-in, a 5,000-page repo.

Generates a knowledge base with ``git fast-import`` (pages with owners and co-authors, a
``.meta.yml`` per section), opens pull requests touching 300 pages (twice: the first clones the
mirror) and 4,000 pages, posts signed ``pull_request.opened`` deliveries over HTTP and reports

- the time from sending the delivery to the stand-in receiving the review request,
- the time until the delivery is done, and
- the REST calls the bot made (from the stand-in's request log, the token included).

Targets: review requested within 2 s with at most 10 REST calls (300 pages of 5,000); a pull
request touching 4,000 files works (beyond the REST API's 3,000-file cap).

    .venv/bin/python benchmarks/bench_review.py [--pages 5000] [--touch 300] [--big 4000]
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.botproc import SECRET, BotProcess, start_bot
from tests.github_standin.fixtures import make_app_key
from tests.github_standin.server import GitHubStandIn
from tests.github_standin.webhooks import WebhookSender

REPO = "acme/kb"
PEOPLE = 200
SECTIONS = 40
WHEN = "1767225600 +0000"  # 2026-01-01


def page_text(i: int, version: int) -> bytes:
    owner, coauthor = f"user{i % PEOPLE}", f"user{(i * 7 + 3) % PEOPLE}"
    return (
        f'---\ntitle: Page {i}\nowner: "@{owner}"\ncoauthors: ["@{coauthor}"]\n'
        f"reviewed: 2025-0{1 + i % 9}-15\n---\n# Page {i}\n\nVersion {version}.\n"
    ).encode()


def page_path(i: int) -> str:
    return f"content/section-{i % SECTIONS:02d}/page-{i:05d}.md"


def _commit(
    out: list[bytes], ref: str, message: str, files: dict[str, bytes], parent: str | None
) -> None:
    mark = "mark :1\n" if parent is None else ""
    out.append(f"commit {ref}\n{mark}committer Bench <bench@example.com> {WHEN}\n".encode())
    out.append(f"data {len(message)}\n{message}\n".encode())
    if parent:
        out.append(f"from {parent}\n".encode())
    for path, data in files.items():
        out.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")


def generate(target: Path, pages: int, branches: dict[str, range]) -> None:
    """Base on main, then one branch per pull request editing the given page numbers."""
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(target)], check=True)
    base: dict[str, bytes] = {".github/kennis.yml": b"max_reviewers: 4\n"}
    for s in range(SECTIONS):
        base[f"content/section-{s:02d}/.meta.yml"] = f'owner: "@user{s}"\n'.encode()
    base.update({page_path(i): page_text(i, 0) for i in range(pages)})
    stream: list[bytes] = []
    _commit(stream, "refs/heads/main", "Knowledge base", base, None)
    for name, touched in branches.items():
        edits = {page_path(i): page_text(i, 1) for i in touched}
        _commit(stream, f"refs/heads/{name}", f"Edit {len(edits)} pages", edits, ":1")
    subprocess.run(
        ["git", "-C", str(target), "fast-import", "--quiet"], input=b"".join(stream), check=True
    )


def deliveries_done(data_dir: Path, delivery: str) -> bool:
    db = sqlite3.connect(f"file:{data_dir / 'ledger.sqlite3'}?mode=ro", uri=True)
    try:
        row = db.execute("SELECT state FROM deliveries WHERE id = ?", (delivery,)).fetchone()
    finally:
        db.close()
    if row and row[0] == "dead":
        raise RuntimeError(f"delivery {delivery} is dead")
    return bool(row and row[0] == "done")


def measure(
    gh: GitHubStandIn, bot: BotProcess, sender: WebhookSender, number: int
) -> dict[str, object]:
    gh.clear_log()
    path = f"/repos/{REPO}/pulls/{number}/requested_reviewers"
    started = time.perf_counter()
    sent = sender.send("pull_request", "opened", repo=REPO, number=number)
    assert sent.status == 202, sent.body
    requested_at = done_at = None
    while done_at is None:
        if requested_at is None and any(r.method == "POST" and r.path == path for r in gh.requests):
            requested_at = time.perf_counter() - started
        if deliveries_done(bot.data_dir, sent.delivery_id):
            done_at = time.perf_counter() - started
        time.sleep(0.002)
    pull = gh.pull(REPO, number)
    calls = Counter(
        f"{r.method} {r.path.split('/')[-1] if r.path.endswith('s') else r.path}"
        for r in gh.requests
    )
    return {
        "requested_s": requested_at,
        "done_s": done_at,
        "rest_calls": len(gh.requests),
        "reviewers": len(pull.requested_users) + len(pull.requested_teams),
        "check_runs": sorted(
            {c.name for c in gh.repo(REPO).check_runs.values() if c.head_sha == pull.head_sha}
        ),
        "calls": dict(calls),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--touch", type=int, default=300)
    parser.add_argument("--big", type=int, default=4000)
    parser.add_argument(
        "--write-pause", default="1", help="KENNIS_GITHUB_WRITE_PAUSE (default 1 s)"
    )
    args = parser.parse_args()
    step = max(1, args.pages // args.touch)
    branches = {
        "touch-a": range(0, args.pages, step)[: args.touch],
        "touch-b": range(1, args.pages, step)[: args.touch],
        "big": range(0, min(args.big, args.pages)),
    }
    key = make_app_key()
    with tempfile.TemporaryDirectory() as tmp, GitHubStandIn(key.app_id, key.public_key_pem) as gh:
        origin = Path(tmp) / "origin.git"
        t = time.perf_counter()
        generate(origin, args.pages, branches)
        print(f"generated {args.pages} pages in {time.perf_counter() - t:.1f} s")
        gh.add_repo(REPO, clone_url=origin.as_uri())
        for n in range(PEOPLE):
            gh.add_collaborator(REPO, f"user{n}")
        numbers = {}
        for name in branches:
            numbers[name] = gh.add_pr(REPO, author="user0", head_ref=name).number
            sha = gh.pull(REPO, numbers[name]).head_sha
            subprocess.run(
                ["git", "-C", str(origin), "update-ref", f"refs/pull/{numbers[name]}/head", sha],
                check=True,
            )
        bot = start_bot(
            Path(tmp) / "data",
            KENNIS_APP_ID=str(key.app_id),
            KENNIS_PRIVATE_KEY=key.private_key_pem,
            KENNIS_GITHUB_API_URL=gh.base_url,
            KENNIS_GITHUB_WRITE_PAUSE=args.write_pause,
        )
        sender = WebhookSender(f"http://127.0.0.1:{bot.port}/webhook", SECRET, gh)
        try:
            for label, name in (
                (f"{args.touch} pages, cold mirror", "touch-a"),
                (f"{args.touch} pages, warm mirror", "touch-b"),
                (f"{len(branches['big'])} files", "big"),
            ):
                result = measure(gh, bot, sender, numbers[name])
                print(f"\n{label} of {args.pages} (write pause {args.write_pause} s):")
                for k, v in result.items():
                    print(f"  {k}: {v if not isinstance(v, float) else f'{v:.3f}'}")
        finally:
            bot.stop()


if __name__ == "__main__":
    main()
