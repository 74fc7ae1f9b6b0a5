"""A build's long-lived objects are kept from the garbage collector while it runs, and only then.

``longlived.hold`` freezes them when the navigation is made; the build's end — or its failure —
gives them back, so a ``mkdocs serve`` rebuild, or anything else in the process, starts clean.
A hook records ``gc.get_freeze_count()`` while pages render and after every kennis plugin's last
hook has run.
"""

from __future__ import annotations

import gc
import json
from pathlib import Path
from typing import Any, Literal, cast

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from kennis_mkdocs.longlived import started
from tests.sitekit import AS_OF, build, make_kb, mkdocs_yml

Command = Literal["build", "gh-deploy", "serve"]
PROBE = """\
import gc, json, os
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

seen = {{}}

def on_page_context(context, page, config, nav):
    seen.setdefault("during", gc.get_freeze_count())
    if os.environ.get("PROBE_FAIL"):
        raise PluginError("probe: failing on purpose")
    return context

def _write(key):
    seen[key] = gc.get_freeze_count()
    with open({out!r}, "w") as file:
        json.dump(seen, file)

@event_priority(-100)
def on_post_build(config):
    _write("after")

@event_priority(-100)
def on_build_error(error):
    _write("after_error")
"""


@pytest.fixture()
def probed(tmp_path: Path) -> tuple[Path, Path]:
    root, out = tmp_path / "kb", tmp_path / "seen.json"
    repo = make_kb(root)
    repo.write("hooks/probe.py", PROBE.format(out=str(out)))
    repo.write("mkdocs.yml", mkdocs_yml(extra="hooks:\n  - hooks/probe.py\n"))
    return root, out


def test_mkdocs_build_renders_pages_frozen_and_keeps_them_so_to_its_exit(
    probed: tuple[Path, Path],
) -> None:
    root, out = probed
    built = build(root)
    assert built.returncode == 0, built.output
    seen = json.loads(out.read_text())
    assert seen["during"] > 0
    assert seen["after"] >= seen["during"]  # the exit frees it; no full collection first


@pytest.mark.parametrize("command", [None, "serve"])
def test_a_process_that_goes_on_gets_everything_back_when_the_build_ends(
    probed: tuple[Path, Path], command: Command | None
) -> None:
    """``mkdocs serve`` rebuilds in its process; a program may call ``build`` (no on_startup)."""
    root, _ = probed
    seen = in_process(root, command)
    assert seen["during"] > 0
    assert seen["after"] == 0
    assert gc.get_freeze_count() == 0


@pytest.mark.parametrize(
    "off", [("kennis/health", "kennis/contributors", "kennis/wanted"), ("kennis/pageinfo",)]
)
def test_any_kennis_plugin_alone_holds_and_gives_back(
    probed: tuple[Path, Path], off: tuple[str, ...]
) -> None:
    root, _ = probed
    text = (root / "mkdocs.yml").read_text()
    for name in off:
        text = text.replace(f"  - {name}: {{}}", f"  - {name}:\n      enabled: false")
    (root / "mkdocs.yml").write_text(text)
    seen = in_process(root, "serve")
    assert seen["during"] > 0
    assert seen["after"] == 0


def test_serve_clean_starts_as_a_build_then_gives_back_every_rebuild(
    probed: tuple[Path, Path],
) -> None:
    """``mkdocs serve --clean`` says ``build`` in on_startup; on_serve follows the first build."""
    root, _ = probed
    monkey = pytest.MonkeyPatch()
    monkey.chdir(root)
    monkey.setenv("KENNIS_AS_OF", AS_OF)
    try:
        config = load_config("mkdocs.yml", site_dir=str(root.parent / "serve-site"))
        config.plugins.on_startup(command="build", dirty=False)
        mkdocs_build(config)
        assert gc.get_freeze_count() > 0  # as a build would keep it to its exit
        for name, plugin in config.plugins.items():  # MkDocs' on_serve, without a live server
            if name.startswith("kennis/"):
                plugin.on_serve(cast(Any, None), config=config, builder=lambda: None)
        assert gc.get_freeze_count() == 0
        for _ in range(2):  # the rebuilds
            mkdocs_build(load_config("mkdocs.yml", site_dir=str(root.parent / "serve-site")))
            assert json.loads((root.parent / "seen.json").read_text())["during"] > 0
            assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()
        started("")
        monkey.undo()


def test_a_failed_build_unfreezes_too(
    probed: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, out = probed
    monkeypatch.setenv("PROBE_FAIL", "1")
    built = build(root)
    assert built.returncode != 0
    assert "failing on purpose" in built.output
    seen = json.loads(out.read_text())
    assert seen["during"] > 0
    assert seen["after_error"] == 0
    with pytest.raises(Abort):
        in_process(root, "build")
    assert gc.get_freeze_count() == 0


def in_process(root: Path, command: Command | None) -> dict[str, int]:
    """Build in this process, as ``mkdocs serve`` or a program calling MkDocs would."""
    monkey = pytest.MonkeyPatch()
    monkey.chdir(root)
    monkey.setenv("KENNIS_AS_OF", AS_OF)
    try:
        config = load_config("mkdocs.yml", site_dir=str(root.parent / "in-process-site"))
        if command is not None:
            config.plugins.on_startup(command=command, dirty=False)
        mkdocs_build(config)
        return json.loads((root.parent / "seen.json").read_text())
    finally:
        started("")  # this test process is no ``mkdocs build``
        monkey.undo()


def test_without_kennis_plugins_nothing_is_frozen(probed: tuple[Path, Path]) -> None:
    root, out = probed
    (root / "mkdocs.yml").write_text(
        mkdocs_yml(enabled=False, extra="hooks:\n  - hooks/probe.py\n")
    )
    built = build(root)
    assert built.returncode == 0, built.output
    assert json.loads(out.read_text()) == {"during": 0, "after": 0}
