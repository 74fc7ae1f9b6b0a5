"""Site build time with the kennis plugins vs. without them vs. the popular git plugins.

    python benchmarks/bench_site.py --pages 1000 --commits 5000 --rounds 3
    python benchmarks/bench_site.py --pages 10000 --commits 20000 --rounds 1 --publish 3

Generates (once, into benchmarks/work/, git-ignored) a synthetic knowledge base with ``gen_kb.py``,
writes three configurations next to its content and builds each with the real ``mkdocs build`` in a
subprocess, alternating the sides every round so background load hits all of them alike:

- ``plain``:  Material + search with the starter's *linear* navigation (``navigation.prune``),
  every kennis plugin ``enabled: false``: the baseline;
- ``bare``:   the same without the kennis plugins in the configuration at all (``plain`` still
  imports them: ~0.05 s of kennis' cost, 0.23–0.28 G instructions, hides in that baseline), only
  with ``--sides``;
- ``kennis``: the same plus the four kennis plugins (page info, health, contributors, wanted);
- ``git``:    the same as plain plus ``git-revision-date-localized`` (created + last-updated dates)
  and ``git-authors`` (authors per page): the closest the popular plugins get to kennis' page info.

It prints seconds per 1,000 pages and the average HTML bytes per page of each side. Then it runs
three builds in ONE process, as ``mkdocs serve`` does on rebuilds, and reports how often the
knowledge base was loaded and the git history read (``kennis_mkdocs.context.STATS``).

``--instructions``: instead of timing, run each side once under valgrind's callgrind (git
children included) and print the instructions it executed: on a shared machine whose speed
drifts, the steady measure of how much more work a side does (~40× slower than a build).

``--publish N``: push → live for a one-page change through the self-hosted deploy's own code
(``review_bot.site.builder.build_release`` into a ``SiteStore``, then ``activate``), N times.
The git side needs the ``bench`` extra (``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
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
  # The linear navigation of the starter mkdocs.yml: without navigation.prune every page carries
  # the whole tree and the baseline itself grows with pages² (issue 19).
  features: [navigation.tabs, navigation.indexes, navigation.prune, content.action.edit]
validation:
  links:
    not_found: info
plugins:
  - search
"""
KENNIS = ("kennis/pageinfo", "kennis/health", "kennis/contributors", "kennis/wanted")
CONFIGS = {
    "bare": BASE,
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


# Builds run as installed packages do: from compiled bytecode (kept out of the source trees), even
# where PYTHONDONTWRITEBYTECODE is set, as on this machine: otherwise every build compiled MkDocs,
# Material, Markdown and kennis from source, and a side importing more modules paid for that.
BUILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
BUILD_ENV["PYTHONPYCACHEPREFIX"] = str(HERE / "work" / "pycache")


def compile_first(sides: list[str], seed: int) -> None:
    """Build every side once on a small site, untimed: what each imports is compiled after that."""
    small = ensure_repo(60, 200, seed)
    for side in sides:
        build_once(small, side)


#: ``--before DIR``: the kennis side once more, importing kennis from an older checkout in DIR.
BEFORE: dict[str, str] = {}


def build_once(
    repo: Path, name: str, warm: bool = False, under: tuple[str, ...] = ()
) -> tuple[float, float, float]:
    """Wall-clock, CPU (user + system) and user CPU seconds of one ``mkdocs build``, git included.

    On a shared machine the CPU time is the steadier measure of how much work each side does,
    and its user part the steadiest: system time is mostly removing and writing the site's files
    and swung 0.7–2.4 s between identical 1,000-page builds here.
    """
    env = {
        **BUILD_ENV,
        "KENNIS_AS_OF": AS_OF,
        "NO_MKDOCS_2_WARNING": "1",
        "DISABLE_MKDOCS_2_WARNING": "true",
    }
    config = name
    if name == "before":  # the older checkout's packages come first on the path
        config, env["PYTHONPATH"] = "kennis", f"{BEFORE['dir']}:{BEFORE['dir']}/plugins"
    site = repo.parent / f"{repo.name}-site-{name}"
    if not warm:  # cold: the figures are for a full history pass
        (repo.parent / ".kennis-history-cache.json").unlink(missing_ok=True)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [
            *under,
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "-q",
            "-f",
            f"bench-{config}.yml",
            "-d",
            str(site),
        ],
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    output = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"{name} build failed:\n{output.decode(errors='replace')}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_utime


def instructions(repo: Path, sides: list[str], warm: bool) -> dict[str, int]:
    """Instructions each side executes in one build, git children included (valgrind callgrind).

    Unlike CPU seconds they do not drift with the machine's load (this 2-core VM's builds swung
    4.4–8.8 s of CPU for the same work); a build runs ~40× slower under valgrind.
    """
    counts = {}
    for side in sides:
        out = repo.parent / f"{repo.name}-callgrind-{side}"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        if warm and side in ("kennis", "before"):
            one_more_commit(repo, 1000 + len(counts))
        build_once(repo, side, warm)  # untimed: the cache and bytecode as a real run finds them
        if warm and side in ("kennis", "before"):
            one_more_commit(repo, 2000 + len(counts))
        tool = ("valgrind", "--tool=callgrind", "--cache-sim=no", "--trace-children=yes")
        build_once(repo, side, warm, under=(*tool, f"--callgrind-out-file={out}/cg.%p"))
        counts[side] = sum(
            int(line.split()[1])
            for file in out.glob("cg.*")
            for line in file.read_text(errors="replace").splitlines()
            if line.startswith("summary:")
        )
        print(f"{side}: {counts[side] / 1e9:.2f} G instructions", file=sys.stderr)
    return counts


def one_more_commit(repo: Path, round_: int) -> None:
    """A one-page commit on top, as the next push brings (the warm build reads just that)."""
    page = min((repo / "content").rglob("*.md"))
    with page.open("a") as handle:
        handle.write(f"\nOne more line ({round_}).\n")
    git = ["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.com", "-C", str(repo)]
    subprocess.run([*git, "commit", "-qam", f"Edit one page ({round_})"], check=True)


def html_per_page(repo: Path, name: str) -> float:
    """Average bytes of a built page's HTML (the search index and assets aside)."""
    site = repo.parent / f"{repo.name}-site-{name}"
    sizes = [p.stat().st_size for p in site.rglob("*.html") if "search" not in p.parts]
    return sum(sizes) / max(1, len(sizes))


def publish_latency(repo: Path, rounds: int) -> list[tuple[float, float]]:
    """Build + switch of a one-page change, the way the App's self-hosted deploy does it."""
    from kennis.gitrev import GitReader
    from review_bot.site.builder import build_release
    from review_bot.site.releases import SiteStore

    clone = repo.parent / f"{repo.name}-publish"
    git = ["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.com", "-C", str(clone)]
    if not clone.exists():
        subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True)
        (clone / "mkdocs.yml").write_text(CONFIGS["kennis"])
        subprocess.run([*git, "commit", "-qam", "Publish with kennis"], check=True)
    store = SiteStore(repo.parent / f"{repo.name}-sites")
    env = {**BUILD_ENV, "KENNIS_AS_OF": AS_OF}
    page = sorted((clone / "content").rglob("*.md"))[len(os.listdir(clone / "content")) // 2]
    results = []
    for round_ in range(rounds + 1):  # the first publishes the whole site (nothing to time)
        with page.open("a") as handle:
            handle.write(f"\nOne more line, round {round_}.\n")
        subprocess.run([*git, "commit", "-qam", f"Edit one page ({round_})"], check=True)
        sha = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True).stdout
        started = time.perf_counter()
        built = build_release(store, GitReader(clone / ".git"), sha.strip(), env=env, timeout=7200)
        if not built.ok:
            sys.exit(f"publish build failed:\n{built.excerpt}")
        switched = time.perf_counter()
        store.activate(sha.strip())
        if round_:
            results.append((switched - started, time.perf_counter() - switched))
    return results


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
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sides", default="plain,kennis,git")
    parser.add_argument("--publish", type=int, default=0, help="time N one-page publishes")
    parser.add_argument(
        "--warm",
        action="store_true",
        help="keep the history cache between builds; each kennis "
        "build follows a new one-page commit (as CI with actions/cache sees a push); edits the repo",
    )
    parser.add_argument("--no-rebuilds", action="store_true", help="skip the serve-style rebuilds")
    parser.add_argument(
        "--before",
        metavar="DIR",
        help="an older checkout (git worktree add DIR <commit>): adds the side 'before', the "
        "kennis configuration built with DIR's kennis, to compare in the same run",
    )
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="instead of timing, count each side's instructions in one build (needs valgrind)",
    )
    args = parser.parse_args()
    if args.before:
        BEFORE["dir"] = str(Path(args.before).resolve())
        args.sides += ",before"
    repo = ensure_repo(args.pages, args.commits, args.seed)
    sides = list(dict.fromkeys(side for side in args.sides.split(",") if side))  # each once
    times: dict[str, list[float]] = {side: [] for side in sides}
    cpu: dict[str, list[float]] = {side: [] for side in sides}
    user: dict[str, list[float]] = {side: [] for side in sides}
    compile_first(sides, args.seed)
    if args.warm:
        build_once(repo, "kennis", warm=True)  # what the previous CI run left in actions/cache
    if args.instructions:
        counts = instructions(repo, sides, args.warm)
        base = counts.get("plain")
        print(f"\n{args.pages} pages / {args.commits} commits, warm: {args.warm}; instructions:")
        for side, count in counts.items():
            extra = (
                f" ({100 * (count / base - 1):+.1f} % vs plain)" if base and side != "plain" else ""
            )
            print(f"| {side} | {count / 1e9:.2f} G{extra} |")
        return
    loads = [os.getloadavg()[0]]
    for round_ in range(args.rounds):
        order = sides[round_ % len(sides) :] + sides[: round_ % len(sides)]
        for side in order:
            if args.warm and side in ("kennis", "before"):
                one_more_commit(repo, round_)
            wall, used, in_user = build_once(repo, side, args.warm)
            times[side].append(wall)
            cpu[side].append(used)
            user[side].append(in_user)
            loads.append(os.getloadavg()[0])
            print(
                f"round {round_ + 1}: {side:7} {wall:6.2f} s, CPU {used:6.2f} s "
                f"(user {in_user:6.2f} s), load {loads[-1]:.1f}",
                file=sys.stderr,
            )
    print(
        f"\n{args.pages} pages / {args.commits} commits, {args.rounds} rounds; "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; load average (1 min) during the run "
        f"{min(loads):.1f}–{max(loads):.1f}"
    )
    report(times, args.pages, repo)
    print("\nCPU seconds (user + system, the build and its git children):")
    report(cpu, args.pages, repo)
    print("\nUser CPU seconds (the same builds; system time left out):")
    report(user, args.pages, repo)
    if "bare" in sides and len(sides) > 1:
        print("\nThe same against bare (no kennis plugin configured): CPU, then user CPU")
        report(cpu, args.pages, repo, base="bare")
        report(user, args.pages, repo, base="bare")
    if args.publish:
        done = publish_latency(repo, args.publish)
        build_s = statistics.median(b for b, _ in done)
        switch_s = statistics.median(w for _, w in done)
        print(
            f"\npublish a one-page change ({args.publish}×, median): build {build_s:.2f} s + "
            f"switch {switch_s:.3f} s = {build_s + switch_s:.2f} s"
        )
    if "kennis" in sides and not args.no_rebuilds:
        stats = rebuilds_in_one_process(repo, 3)
        print(f"\n3 builds in one process (as `mkdocs serve` rebuilds): {stats}")


def report(times: dict[str, list[float]], pages: int, repo: Path, base: str = "plain") -> None:
    """One row per side; *paired*: the median over rounds of side ÷ base in the same round.

    The sides of a round run back to back, so the paired ratio cancels the load drifting
    between rounds, which the ratio of two medians does not.
    """
    print(
        "| side | min s | median s | s / 1,000 pages (median) | HTML KB / page "
        f"| vs {base} (min / median / paired) |"
    )
    print("|---|---|---|---|---|---|")
    plain = times.get(base)
    for side, values in times.items():
        low, mid = min(values), statistics.median(values)
        extra = ""
        if plain and side != base:
            paired = statistics.median(v / p for v, p in zip(values, plain, strict=True))
            extra = (
                f"{100 * (low / min(plain) - 1):+.1f} % / "
                f"{100 * (mid / statistics.median(plain) - 1):+.1f} % / {100 * (paired - 1):+.1f} %"
            )
        per_k = mid * 1000 / pages
        html = html_per_page(repo, side) / 1000
        print(f"| {side} | {low:.2f} | {mid:.2f} | {per_k:.2f} | {html:.1f} | {extra} |")


if __name__ == "__main__":
    main()
