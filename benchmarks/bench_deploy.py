"""Self-hosted deploys: time from a ``push`` delivery to the new release being live.

Starts the real ``kennis-bot serve`` with ``KENNIS_DEPLOY=1`` against the GitHub stand-in and the
small test site of ``tests/sitebot.py``, deploys once, then pushes N new versions one after the
other. For each it prints the time from sending the delivery to the ``live`` link pointing at
the new commit, the build time the deploy journal recorded, and the difference (the App's own
overhead: queue, fetch, export, switch). Target: build time + at most 2 s.

    .venv/bin/python benchmarks/bench_deploy.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.botproc import wait_for
from tests.github_standin.fixtures import make_app_key
from tests.github_standin.server import GitHubStandIn
from tests.sitebot import REPO, SiteBot, deploy_first, make_site_repo, page, wait_live


def one_push(site: SiteBot, before: str, version: str) -> tuple[str, float, float]:
    """Commit and push *version*; the new head, seconds until live, and the recorded build time."""
    site.origin.write("content/index.md", page("Home", version))
    after = site.origin.commit(f"Say {version}")
    sent_at = time.monotonic()
    site.push(before, after)
    seen_at = wait_live(site, after, timeout=120)
    entry = wait_for(
        lambda: next(
            (e for e in site.journal() if e["sha"] == after and e["outcome"] == "live"), None
        )
    )
    return after, seen_at - sent_at, float(entry["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    key = make_app_key()
    with tempfile.TemporaryDirectory() as tmp, GitHubStandIn(key.app_id, key.public_key_pem) as gh:
        origin = make_site_repo(Path(tmp) / "origin")
        gh.add_repo(REPO, clone_url=f"file://{origin.root}")
        site = SiteBot(gh, origin, Path(tmp) / "data", key)
        site.start()
        try:
            head = deploy_first(site)
            live, builds = [], []
            for n in range(args.rounds):
                head, took, build = one_push(site, head, f"v{n + 2}")
                live.append(took)
                builds.append(build)
                print(f"push {n + 1}: live after {took:.2f} s, build {build:.2f} s")
        finally:
            if site.bot is not None:
                site.bot.stop(signal.SIGKILL)
    overhead = [t - b for t, b in zip(live, builds, strict=True)]
    print(
        f"\n{args.rounds} pushes (min / median s): live {min(live):.2f} / "
        f"{statistics.median(live):.2f}, build {min(builds):.2f} / {statistics.median(builds):.2f}, "
        f"overhead {min(overhead):.2f} / {statistics.median(overhead):.2f} "
        f"(max {max(overhead):.2f}; target ≤ 2 s)"
    )


if __name__ == "__main__":
    main()
