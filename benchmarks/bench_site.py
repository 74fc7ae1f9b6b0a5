"""Site build time with the kennis plugins vs. without them vs. the popular git plugins.

    python benchmarks/bench_site.py --pages 2000 --commits 10000 --rounds 3

Generates (once, into benchmarks/work/, git-ignored) a synthetic knowledge base with ``gen_kb.py``,
writes three configurations next to its content and builds each with the real ``mkdocs build`` in a
subprocess, alternating the sides every round so background load hits all of them alike:

- ``plain``:  Material + search, every kennis plugin ``enabled: false``;
- ``kennis``: the same plus the four kennis plugins (page info, health, contributors, wanted);
- ``git``:    the same as plain plus ``git-revision-date-localized`` (created + last-updated dates)
  and ``git-authors`` (authors per page): the closest the popular plugins get to kennis' page info.

Then it runs three builds in ONE process, as ``mkdocs serve`` does on rebuilds, and reports how
often the knowledge base was loaded and the git history read (``kennis_mkdocs.context.STATS``).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

BASE = """site_name: KB
site_url: https://kb.example.com/
repo_url: https://github.com/acme/kb
edit_uri: edit/main/content/
docs_dir: content
theme:
  name: material
  features: [content.action.edit]
validation:
  links:
    not_found: info
plugins:
  - search
"""
KENNIS = ("kennis/pageinfo", "kennis/health", "kennis/contributors", "kennis/wanted")
CONFIGS = {
    "plain": BASE + "".join(f"  - {p}:\n      enabled: false\n" for p in KENNIS),
    "kennis": BASE + "".join(f"  - {p}\n" for p in KENNIS),
    "git": BASE
    + "  - git-revision-date-localized:\n"
    + "      type: date\n      enable_creation_date: true\n      fallback_to_build_date: true\n"
    + "  - git-authors\n",
}
AS_OF = "2026-11-27"


def ensure_repo(pages: int, commits: int, seed: int) -> Path:
    target = HERE / "work" / f"kb-{pages}p-{commits}c-s{seed}"
    if not (target / ".git").exists():
        subprocess.run(
            [
                sys.executable,
                str(HERE / "gen_kb.py"),
                "--pages",
                str(pages),
                "--commits",
                str(commits),
                "--seed",
                str(seed),
                str(target),
            ],
            check=True,
        )
    for name, text in CONFIGS.items():
        (target / f"bench-{name}.yml").write_text(text)
    return target


def build_once(repo: Path, name: str) -> float:
    env = {
        **os.environ,
        "KENNIS_AS_OF": AS_OF,
        "NO_MKDOCS_2_WARNING": "1",
        "DISABLE_MKDOCS_2_WARNING": "true",
    }
    site = repo.parent / f"{repo.name}-site-{name}"
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", f"bench-{name}.yml", "-d", str(site)],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"{name} build failed:\n{result.stdout}{result.stderr}")
    return elapsed


def rebuilds_in_one_process(repo: Path, times: int) -> dict[str, int]:
    """What ``mkdocs serve`` does per rebuild: load the config afresh and build."""
    os.environ["KENNIS_AS_OF"] = AS_OF
    os.chdir(repo)
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from kennis_mkdocs import context

    before = dict(context.STATS)
    for _ in range(times):
        config = load_config(str(repo / "bench-kennis.yml"), site_dir=str(repo.parent / "serve"))
        config.plugins.on_startup(command="serve", dirty=False)
        build(config, serve_url="http://127.0.0.1:8000/")
        config.plugins.on_shutdown()
    return {key: context.STATS[key] - before[key] for key in before}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--commits", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sides", default="plain,kennis,git")
    args = parser.parse_args()
    repo = ensure_repo(args.pages, args.commits, args.seed)
    sides = args.sides.split(",")
    times: dict[str, list[float]] = {side: [] for side in sides}
    for round_ in range(args.rounds):
        order = sides[round_ % len(sides) :] + sides[: round_ % len(sides)]
        for side in order:
            times[side].append(build_once(repo, side))
            print(f"round {round_ + 1}: {side:7} {times[side][-1]:6.2f} s", file=sys.stderr)
    print(
        f"\n{args.pages} pages / {args.commits} commits, {args.rounds} rounds; "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    print("| side | min s | median s | overhead vs plain (min / median) |")
    print("|---|---|---|---|")
    plain = times.get("plain")
    for side, values in times.items():
        low, mid = min(values), statistics.median(values)
        extra = ""
        if plain and side != "plain":
            extra = (
                f"{100 * (low / min(plain) - 1):+.1f} % / "
                f"{100 * (mid / statistics.median(plain) - 1):+.1f} %"
            )
        print(f"| {side} | {low:.2f} | {mid:.2f} | {extra} |")
    if "kennis" in sides:
        stats = rebuilds_in_one_process(repo, 3)
        print(f"\n3 builds in one process (as `mkdocs serve` rebuilds): {stats}")


if __name__ == "__main__":
    main()
