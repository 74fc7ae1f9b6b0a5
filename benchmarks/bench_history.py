"""Time the history index against its floor and against one git call per page, in one run.

    python benchmarks/bench_history.py --pages 5000 --commits 20000
    python benchmarks/bench_history.py --repo /path/to/any/repo --content-dir docs

(a) ``build_index`` (the ``kennis index`` core), (b) the floor: git producing the same stream to
/dev/null, both exactly the index's command and the bare ``git log --name-status -M -z``,
(c) ``git log -1 -- <page>`` for a random sample of pages, extrapolated to every page (what the
popular MkDocs git plugins do). Runs alternate (a)/(b) ``--repeat`` times and report the median,
so noise from other processes hits both sides. Also checks the index against (c) on the sample.
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]

import gen_kb  # noqa: E402

from kennis.gitlog import log_command, log_env  # noqa: E402
from kennis.history_build import build_index  # noqa: E402

HERE = Path(__file__).resolve().parent


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def git_to_devnull(command: list[str], flush: bool = False) -> None:
    env = None if flush else log_env()  # the index runs git with GIT_FLUSH=0; so does the floor
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True, env=env)


def machine_facts() -> str:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{mem_kb / 1024 / 1024:.0f} GiB RAM"
    except OSError:
        memory = "? RAM"
    git_version = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory}; {platform.system()} {platform.release()}; "
        f"{git_version.strip()}; Python {platform.python_version()}"
    )


def repo_facts(repo: Path, content_dir: str) -> tuple[int, int, list[str]]:
    commits = int(
        subprocess.run(
            ["git", "-C", str(repo), "rev-list", "--count", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    listing = subprocess.run(
        ["git", "-C", str(repo), "ls-tree", "-r", "--name-only", "HEAD", "--", content_dir],
        capture_output=True,
        text=True,
        check=True,
    )
    pages = [p for p in listing.stdout.splitlines() if p.endswith(".md")]
    return commits, len(pages), pages


def per_page(repo: Path, sample: list[str], follow: bool) -> tuple[float, dict[str, str]]:
    """Seconds for one ``git log -1`` per sampled page, and the dates it reported."""
    dates: dict[str, str] = {}
    started = time.perf_counter()
    for path in sample:
        command = ["git", "-C", str(repo), "log", "-1", "--format=%aI"]
        command += ["--follow"] if follow else []
        result = subprocess.run([*command, "--", path], capture_output=True, text=True)
        dates[path] = result.stdout.strip()
    return time.perf_counter() - started, dates


def ensure_repo(args: argparse.Namespace) -> Path:
    if args.repo:
        return Path(args.repo)
    shape = (
        f"-{args.languages}l-sw{args.sweep_rate}" if args.languages > 1 or args.sweep_rate else ""
    )
    target = HERE / "work" / f"kb-{args.pages}p-{args.commits}c-s{args.seed}{shape}"
    if not target.exists():
        gen_args = argparse.Namespace(
            pages=args.pages,
            commits=args.commits,
            authors=300,
            rename_rate=0.02,
            coauthor_rate=0.08,
            merge_rate=0.25,
            seed=args.seed,
            languages=args.languages,
            sweep_rate=args.sweep_rate,
            sweep_size=args.sweep_size,
        )
        started = time.perf_counter()
        gen_kb.generate(target, gen_args)
        print(f"generator: {time.perf_counter() - started:.1f}s")
    return target


PEAKS: list[float] = []  # MB: the `kennis index` process tree's peak RSS, per round
CPU: dict[str, list[float]] = {"(d) process": [], "bare git log": []}  # user + system seconds
# The process runs as installed: from compiled bytecode (kept out of the source tree), even
# where PYTHONDONTWRITEBYTECODE is set (it would compile every kennis module on every run).
PROCESS_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
PROCESS_ENV["PYTHONPYCACHEPREFIX"] = str(HERE / "work" / "pycache")


def run_process(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak MB (``ru_maxrss``) of a process and its children."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=PROCESS_ENV
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {command}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def index_process(repo: Path) -> tuple[float, float]:
    """The whole ``kennis index --out`` process, cold (no history cache): seconds and peak MB.

    The peak is ``ru_maxrss`` of the process tree (Python or its git, whichever is larger).
    """
    shutil.rmtree(repo / ".git" / "kennis", ignore_errors=True)
    out = repo.parent / f"{repo.name}-history.json"
    command = [str(Path(sys.executable).parent / "kennis"), "index", "--root", str(repo)]
    elapsed, cpu, peak = run_process([*command, "--out", str(out)])
    CPU["(d) process"].append(cpu)
    return elapsed, peak


def help_seconds(rounds: int = 5) -> float:
    """The median wall time of ``kennis --help`` (target: under 100 ms)."""
    command = [str(Path(sys.executable).parent / "kennis"), "--help"]
    return statistics.median(run_process(command)[0] for _ in range(rounds))


def race(repo: Path, content_dir: str, repeat: int) -> dict[str, list[float]]:
    """Alternate the index and its floors so background noise hits every side alike."""
    commands = {
        "floor: index's git command": log_command("git", repo),
        "floor: bare git log --name-status -M -z": [
            "git",
            "-C",
            str(repo),
            "log",
            "--name-status",
            "-M",
            "-z",
        ],
    }
    times: dict[str, list[float]] = {"(a) build_index": [], "(d) kennis index --out, process": []}
    index_process(repo)  # warm-up: compiles kennis's bytecode once, like an install does
    CPU["(d) process"].clear()
    for _ in range(repeat):
        wall, peak = index_process(repo)
        times["(d) kennis index --out, process"].append(wall)
        PEAKS.append(peak)
        for name, command in commands.items():
            times.setdefault(name, []).append(timed(functools.partial(git_to_devnull, command)))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        git_to_devnull(commands["floor: bare git log --name-status -M -z"])
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        CPU["bare git log"].append(
            after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        )
        times.setdefault("floor: index's git command, GIT_FLUSH unset", []).append(
            timed(lambda: git_to_devnull(commands["floor: index's git command"], flush=True))
        )
        times["(a) build_index"].append(timed(lambda: build_index(repo, content_dir)))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", help="benchmark an existing repository instead")
    parser.add_argument("--content-dir", default="content")
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--commits", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sample", type=int, default=40, help="pages timed one call each")
    parser.add_argument("--languages", type=int, default=1, help="gen_kb: translated folders")
    parser.add_argument("--sweep-rate", type=float, default=0.0, help="gen_kb: sweeping commits")
    parser.add_argument("--sweep-size", type=int, default=40)
    args = parser.parse_args()
    repo = ensure_repo(args)
    commits, n_pages, pages = repo_facts(repo, args.content_dir)
    print(f"machine: {machine_facts()}")
    print(f"repo: {repo} — {n_pages} pages, {commits} commits")

    times = race(repo, args.content_dir, args.repeat)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    git_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    tracemalloc.start()
    index = build_index(repo, args.content_dir)
    heap_mb = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    tracemalloc.stop()

    sample = random.Random(args.seed).sample(pages, min(args.sample, len(pages)))
    one_call, dates = per_page(repo, sample, follow=False)
    few = sample[: max(1, len(sample) // 4)]
    follow_call, _ = per_page(repo, few, follow=True)
    per_page_total = one_call / len(sample) * n_pages
    mismatches = [p for p in sample if index.pages[p].last_modified.isoformat() != dates[p]]

    for name, runs in times.items():
        print(f"{name:48} min {min(runs):7.2f} s   median {statistics.median(runs):7.2f} s")
    print(
        f"(c) git log -1 per page, extrapolated{'':11} {per_page_total:7.1f} s   "
        f"({one_call / len(sample) * 1000:.0f} ms/page, sample of {len(sample)})"
    )
    print(f"(c) with --follow, extrapolated{'':17} {follow_call / len(few) * n_pages:7.1f} s")
    index_t = times["(a) build_index"]
    process_t = times["(d) kennis index --out, process"]
    for floor in ("floor: index's git command", "floor: bare git log --name-status -M -z"):
        print(
            f"ratio process / {floor[7:]:32} min {min(process_t) / min(times[floor]):5.2f}×   "
            f"median {statistics.median(process_t) / statistics.median(times[floor]):5.2f}×"
            f"   (target ≤ 1.5; peak RSS {max(PEAKS):.0f} MB, target ≤ 300)"
        )
    for floor in ("floor: index's git command", "floor: bare git log --name-status -M -z"):
        print(
            f"ratio index / {floor[7:]:34} min {min(index_t) / min(times[floor]):5.2f}×   "
            f"median {statistics.median(index_t) / statistics.median(times[floor]):5.2f}×"
            "   (target ≤ 1.5)"
        )
    print(
        "CPU seconds (user + system, process tree), median: "
        + ", ".join(f"{name} {statistics.median(runs):.2f}" for name, runs in CPU.items())
        + f"; load average {os.getloadavg()[0]:.1f}"
    )
    print(f"kennis --help: {help_seconds() * 1000:.0f} ms (median of 5; target < 100 ms)")
    print(
        f"speed-up vs one call per page: {per_page_total / statistics.median(index_t):.0f}× "
        "(median; target ≥ 100)"
    )
    print(
        f"peak memory: python {peak_rss_mb:.0f} MB RSS + git {git_rss_mb:.0f} MB RSS = "
        f"{peak_rss_mb + git_rss_mb:.0f} MB (target ≤ 300); Python heap peak {heap_mb:.1f} MB"
    )
    print(
        f"index agrees with git log -1 on {len(sample) - len(mismatches)}/{len(sample)} sampled "
        "pages" + (f"; differs: {mismatches[:5]}" if mismatches else "")
    )


if __name__ == "__main__":
    main()
