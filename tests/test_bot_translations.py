"""End to end against the stand-in: a translation behind its original is in its owner's review-due
issue; ticking it opens a PR that moves ``translation_of`` to the original's current blob."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.duebot import (
    CONFIG,
    git,
    listed,
    make_world,
    merge,
    open_issues,
    pulls,
    scan,
    tick_due_box,
)
from tests.gitrepo import GitRepo
from tests.kbfiles import page

pytestmark = pytest.mark.slow  # runs kennis-bot processes against the stand-in

SOURCE = "content/close.md"
DUTCH = "content/close.nl.md"
ORIGINAL = page(title="Closing", owner='"@alice"', reviewed="2026-01-01")


def blob_of(text: str) -> str:
    return subprocess.run(
        ["git", "hash-object", "--stdin"], input=text, capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.mark.parametrize("edited", [True, False], ids=["original-edited", "original-unchanged"])
def test_a_behind_translation_is_listed_and_a_tick_moves_its_translation_of(
    tmp_path: Path, github: Any, app_key: Any, webhook_sender: Any, edited: bool
) -> None:
    # "Due" is the title tick_due_box ticks; the page is fresh by its own review date.
    dutch = page(
        title="Due",
        owner='"@alice"',
        reviewed="2026-01-01",
        translation_of=f'"{blob_of(ORIGINAL)}"',
    )
    files = {".github/kennis.yml": CONFIG, SOURCE: ORIGINAL, DUTCH: dutch}
    world = make_world(tmp_path, github, app_key, files)
    if not edited:
        assert scan(world).returncode == 0
        assert open_issues(github) == {}  # up to date: nobody is asked anything
        return
    work = GitRepo(tmp_path / "work", init=False)
    subprocess.run(["git", "clone", "-q", str(world["remote"]), str(work.root)], check=True)
    work.append(SOURCE, "\nAnd close the windows.\n")
    work.commit("Closing: windows", date="2026-01-10T09:00:00+00:00")  # behind from 2026-01-24
    work.git("push", "-q", "origin", "HEAD:main")

    tick_due_box(world, github, webhook_sender)  # scans as of 2026-03-01, then alice ticks
    assert listed(open_issues(github)["@alice"]) == [DUTCH]  # the original itself is fresh
    prs = pulls(github)
    assert len(prs) == 1
    head = prs[0].pull.head_ref
    current = git(world["remote"], "rev-parse", f"main:{SOURCE}").strip()
    diff = git(world["remote"], "diff", "--unified=0", "main", head, "--", DUTCH)
    changed = [
        line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    assert f'+translation_of: "{current}"' in changed
    assert sorted(line.split(":")[0] for line in changed) == [
        "+reviewed",
        "+reviewed_by",
        "+translation_of",
        "-reviewed",
        "-translation_of",
    ]
    merge(world["remote"], prs[0])
    assert scan(world).returncode == 0
    assert DUTCH not in [p for issue in open_issues(github).values() for p in listed(issue)]
