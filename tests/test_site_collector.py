"""The build keeps the collector off its long-lived objects while pages render, and hands them
back afterwards (``mkdocs serve`` rebuilds in one process: nothing may stay frozen)."""

from __future__ import annotations

from pathlib import Path

from tests.sitekit import build, make_kb, mkdocs_yml

WATCH = """
import gc
from pathlib import Path

from mkdocs.plugins import event_priority

SEEN = {"during": 0}


def on_page_context(context, page, config, nav):
    SEEN["during"] = max(SEEN["during"], gc.get_freeze_count())
    return context


@event_priority(-100)  # after every plugin's own on_post_build
def on_post_build(config):
    Path(config.config_file_path).with_name("frozen.txt").write_text(
        f"{SEEN['during']} {gc.get_freeze_count()}"
    )
"""


def frozen(root: Path) -> tuple[int, int]:
    during, after = (root / "frozen.txt").read_text().split()
    return int(during), int(after)


def test_long_lived_objects_are_frozen_while_pages_render_and_thawed_after(
    tmp_path: Path,
) -> None:
    repo = make_kb(tmp_path / "kb")
    repo.write("watch_gc.py", WATCH)
    repo.write("mkdocs.yml", mkdocs_yml(extra="hooks: [watch_gc.py]\n")).commit("Watch the gc")
    built = build(repo.root)
    assert built.returncode == 0, built.output
    during, after = frozen(repo.root)
    assert during > 10_000  # the pages, navigation, history and MkDocs' own objects
    assert after == 0


def test_a_build_without_kennis_freezes_nothing(tmp_path: Path) -> None:
    repo = make_kb(tmp_path / "kb", enabled=False)
    repo.write("watch_gc.py", WATCH)
    repo.write("mkdocs.yml", mkdocs_yml(False, "hooks: [watch_gc.py]\n")).commit("Watch the gc")
    built = build(repo.root)
    assert built.returncode == 0, built.output
    assert frozen(repo.root) == (0, 0)
