"""The App's mirror on a pull request beyond the REST API's file cap: diff and batched page reads.

Builds the repository of ``tests/test_mirror.py::test_diff_follows_renames_beyond_the_api_file_cap``
(a base of N pages; the head renames most, edits and deletes some, adds one) with ``git
fast-import``, mirrors it like the App does, and times side by side in one process run:

- ``Mirror.diff_name_status`` against the same ``git diff`` command run bare (output dropped);
- ``Mirror.read_files`` (one ``git cat-file --batch``) against one ``git show`` per page.

    .venv/bin/python benchmarks/bench_mirror.py [--pages 3500] [--read 1000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from review_bot.mirror import Mirror
from tests.test_mirror import fast_import_big_repo


def timed(run: Callable[[], object], rounds: int) -> tuple[float, float]:
    """Min and median wall-clock seconds of *rounds* calls."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times)


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, stdout=subprocess.DEVNULL)


class RecordingMirror(Mirror):
    """The App's mirror, remembering the last git command it ran, so the floor runs the same."""

    last: tuple[str, ...] = ()

    def git(self, *args: str, **kwargs: Any) -> bytes:
        self.last = args
        return super().git(*args, **kwargs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=3500)
    parser.add_argument("--read", type=int, default=1000, help="pages read in one batch")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-mirror-") as tmp:
        src = Path(tmp) / "big.git"
        base, head = fast_import_big_repo(src, args.pages)
        mirror = RecordingMirror.for_repository(Path(tmp) / "m", "acme/big", src.as_uri())
        mirror.fetch()
        changes = mirror.diff_name_status(base, head)
        assert len(changes) > 3000 or args.pages < 3500, "more files than the REST API lists"
        pages = [c.new_path for c in changes if c.status == "R"][: args.read]
        contents = mirror.read_files(head, pages)
        assert all(contents[p] for p in pages), "every renamed page reads back"

        ours = timed(lambda: mirror.diff_name_status(base, head), args.rounds)
        mirror.diff_name_status(base, head)
        command = mirror.last  # exactly the git command the App's diff runs
        floor = timed(lambda: git(mirror.path, *command), args.rounds)
        batched = timed(lambda: mirror.read_files(head, pages), args.rounds)
        sample = pages[: max(1, len(pages) // 20)]
        per_file = timed(
            lambda: [git(mirror.path, "show", f"{head}:{p}") for p in sample], args.rounds
        )
        scale = len(pages) / len(sample)
        print(f"{args.pages} pages, {len(changes)} changes, {args.rounds} rounds (min / median s)")
        print(f"diff (ours)          {ours[0]:.3f} / {ours[1]:.3f}")
        print(
            f"diff (bare git)      {floor[0]:.3f} / {floor[1]:.3f}  ratio {ours[0] / floor[0]:.2f}x"
        )
        print(f"read {len(pages)} (batched) {batched[0]:.3f} / {batched[1]:.3f}")
        print(
            f"read {len(pages)} (git show each, from {len(sample)}) "
            f"{per_file[0] * scale:.3f} / {per_file[1] * scale:.3f}  "
            f"speed-up {per_file[0] * scale / batched[0]:.0f}x"
        )


if __name__ == "__main__":
    main()
