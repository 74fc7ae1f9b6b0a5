"""Time updating the cached history index after one new commit against a full pass, in one run.

    python benchmarks/bench_history_cache.py --repo /tmp/kb-40k   # made by gen_kb.py
    python benchmarks/bench_history_cache.py --pages 40000 --commits 25000

Adds one commit (an edit of one page) on top of the repository, then alternates ``--repeat``
times: (a) a full pass (``cache=False``) and (b) the update from a cache built at the commit
before (the cache file is restored before every run, so each update reads the one new commit,
loads the cache and writes it back). Prints medians, the ratio, and whether both agree.

The update from the file decodes only the touched pages (`kennis.history_store`); "then every
page read" adds what a consumer of all 40,000 pages pays on top. ``--cli`` also times the whole
process a CI job runs, ``kennis index --out FILE``: cold (no ``.git/kennis``) against the cache
one commit behind.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]

import gen_kb  # noqa: E402

from kennis.history_build import build_index, index_for  # noqa: E402
from kennis.history_cache import forget  # noqa: E402
from kennis.kb import load_settings  # noqa: E402
from kennis.tree import WorkTree  # noqa: E402

HERE = Path(__file__).resolve().parent


def one_more_commit(repo: Path, content_dir: str) -> None:
    pages = subprocess.run(
        ["git", "-C", str(repo), "ls-files", content_dir], capture_output=True, text=True
    ).stdout.split()
    page = repo / pages[len(pages) // 2]
    with page.open("a", encoding="utf-8") as handle:
        handle.write("\nOne more line.\n")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Bench",
        "GIT_AUTHOR_EMAIL": "bench@example.com",
        "GIT_COMMITTER_NAME": "Bench",
        "GIT_COMMITTER_EMAIL": "bench@example.com",
        "GIT_AUTHOR_DATE": "2030-01-01T00:00:00+00:00",
        "GIT_COMMITTER_DATE": "2030-01-01T00:00:00+00:00",
    }
    subprocess.run(["git", "-C", str(repo), "commit", "-qam", "one more"], check=True, env=env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, help="an existing repository (it gets one commit)")
    parser.add_argument("--content-dir", default="content")
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--commits", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cli", action="store_true", help="also time `kennis index` processes")
    args = parser.parse_args()
    repo = args.repo or HERE / "work" / f"kb-{args.pages}p-{args.commits}c-cache"
    if args.repo is None and not repo.exists():
        gen = argparse.Namespace(
            pages=args.pages,
            commits=args.commits,
            authors=300,
            rename_rate=0.02,
            coauthor_rate=0.08,
            merge_rate=0.25,
            seed=1,
        )
        gen_kb.generate(repo, gen)
    cache = repo / ".git" / "kennis-bench-cache.json"
    saved = cache.with_suffix(".before")
    cache.unlink(missing_ok=True)  # from an earlier run: not at the commit before
    started = time.perf_counter()
    build_index(repo, args.content_dir, cache=cache)  # the cache at the commit before
    print(f"first build (writes the cache): {time.perf_counter() - started:.2f}s")
    shutil.copy(cache, saved)
    config, _site, _problems = load_settings(WorkTree(repo))
    through, through_saved = cache.with_suffix(".index-for"), cache.with_suffix(".index-for-before")
    through.unlink(missing_ok=True)
    index_for(repo, config, cache=through)  # index_for's own cache (its fingerprint: the config)
    shutil.copy(through, through_saved)
    own, own_saved = repo / ".git" / "kennis", repo / ".git" / "kennis-bench-before"
    if args.cli:
        shutil.rmtree(own, ignore_errors=True)
        cli(repo)  # the CLI's own cache, at the commit before
        shutil.rmtree(own_saved, ignore_errors=True)
        shutil.copytree(own, own_saved)
    one_more_commit(repo, args.content_dir)
    fulls, from_file, read_all, in_memory, cold, warm = [], [], [], [], [], []
    fulls_if, from_file_if = [], []
    for _ in range(args.repeat):
        if args.cli:
            shutil.rmtree(own, ignore_errors=True)
            cold.append(cli(repo))
            shutil.rmtree(own)
            shutil.copytree(own_saved, own)
            warm.append(cli(repo))
        started = time.perf_counter()
        full = build_index(repo, args.content_dir, cache=False)
        fulls.append(time.perf_counter() - started)
        shutil.copy(saved, cache)
        forget()  # a new process: read the file, update, write it back
        started = time.perf_counter()
        updated = build_index(repo, args.content_dir, cache=cache)
        from_file.append(time.perf_counter() - started)
        for _page in updated.pages.values():  # decodes every page the update did not touch
            pass
        read_all.append(time.perf_counter() - started)
        shutil.copy(saved, cache)
        forget()
        build_index(repo, args.content_dir, rev="HEAD~1", cache=cache)  # the App's memory
        started = time.perf_counter()
        remembered = build_index(repo, args.content_dir, cache=cache)
        in_memory.append(time.perf_counter() - started)
        started = time.perf_counter()
        full_if = index_for(repo, config, cache=False)
        fulls_if.append(time.perf_counter() - started)
        shutil.copy(through_saved, through)
        forget()
        started = time.perf_counter()
        updated_if = index_for(repo, config, cache=through)
        from_file_if.append(time.perf_counter() - started)
    full_s = statistics.median(fulls)
    print(f"pages: {len(full.pages)}  load average: {os.getloadavg()}")
    print(f"full pass: {full_s:.2f}s")
    for name, times, index in (
        ("update from the cache file", from_file, updated),
        ("update from the cache file, then every page read", read_all, updated),
        ("update in memory (App, mkdocs serve)", in_memory, remembered),
    ):
        took = statistics.median(times)
        print(
            f"{name}: {took:.3f}s = {took / full_s:.1%} of the full pass; identical: {index == full}"
        )
    full_if_s, took = statistics.median(fulls_if), statistics.median(from_file_if)
    print(
        f"through index_for (the CLI, plugins, App): full pass {full_if_s:.2f}s, update from ",
        end="",
    )
    print(f"the file {took:.3f}s = {took / full_if_s:.1%}; identical: {updated_if == full_if}")
    if args.cli:
        cold_s, warm_s = statistics.median(cold), statistics.median(warm)
        print(f"kennis index, whole process: cold {cold_s:.2f}s, cache one commit behind ", end="")
        print(f"{warm_s:.2f}s = {warm_s / cold_s:.1%}")
    print(f"load average after: {os.getloadavg()}")


def cli(repo: Path) -> float:
    """Seconds for one ``kennis index --out`` process (start-up and the manifest included)."""
    out = repo / ".git" / "kennis-bench-manifest.json"
    started = time.perf_counter()
    command = [sys.executable, "-m", "kennis", "index", "--root", str(repo), "--out", str(out)]
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
