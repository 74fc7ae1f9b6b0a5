"""The kennis/metadata check end to end: content errors annotated at file and line, in batches."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.github_standin.fixtures import AppKey
from tests.github_standin.server import GitHubStandIn
from tests.reviewworld import World, open_world

pytestmark = pytest.mark.slow  # each test starts a kennis-bot process


@pytest.fixture
def world(tmp_path: Path, github: GitHubStandIn, app_key: AppKey) -> Iterator[World]:
    yield from open_world(tmp_path, github, app_key)


def test_content_errors_are_annotated_at_file_and_line(world: World) -> None:
    broken = '---\ntitle: Broken\nowner: "@alice"\nreview_every: sometimes\n---\n# Broken\n'
    number = world.open_pr({"content/kitchen/close.md": broken})
    world.start()
    world.wait_done(world.send("pull_request", "opened", number))
    run = world.check(number, "kennis/metadata")
    assert (run.status, run.conclusion) == ("completed", "failure")
    [note] = run.annotations
    assert (note["path"], note["start_line"], note["annotation_level"]) == (
        "content/kitchen/close.md",
        4,
        "failure",
    )


def test_sixty_problems_go_out_in_batches_of_fifty(world: World) -> None:
    broken = '---\ntitle: Broken\nowner: "@alice"\nreview_every: sometimes\n---\n# Broken\n'
    number = world.open_pr({f"content/bulk/page-{i:02d}.md": broken for i in range(60)})
    world.start()
    world.wait_done(world.send("pull_request", "opened", number))
    run = world.check(number, "kennis/metadata")
    assert (run.conclusion, len(run.annotations), run.output["title"]) == (
        "failure",
        60,
        "60 problems to fix in page settings",
    )
    sizes = [
        len((r.json.get("output") or {}).get("annotations") or [])
        for r in world.github.requests
        if "check-runs" in r.path
        and r.method in ("POST", "PATCH")
        and r.json.get("name", "kennis/metadata") == "kennis/metadata"
        and r.json.get("output")
    ]
    assert max(sizes) <= 50 and sum(sizes) == 60
