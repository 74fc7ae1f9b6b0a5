"""The tree matches the README's layout table, and data flows one way: core → {site, bot}."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What each side may not import: the core neither adapter, nor the adapters each other.
FORBIDDEN = {
    "kennis": {"mkdocs", "material", "properdocs", "github", "githubkit", "waitress"}
    | {"kennis_mkdocs", "review_bot"},
    "plugins/kennis_mkdocs": {"review_bot", "github", "githubkit", "waitress"},
    "review_bot": {"kennis_mkdocs", "mkdocs", "material", "properdocs"},
}


def layout_rows() -> list[tuple[list[str], list[str]]]:
    """(paths, names) per row of the README's layout table: backticked file and folder names."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Layout\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = line.split(" | ")
        if not line.startswith("| `") or len(cells) < 2:
            continue
        paths = re.findall(r"`([^`]+)`", cells[0])
        named = re.findall(r"`([\w./-]+(?:\.py|\.md|\.yml|/))`", " | ".join(cells[1:]))
        rows.append((paths, named))
    return rows


def test_every_path_in_the_layout_table_exists() -> None:
    rows = layout_rows()
    assert len(rows) >= 8
    missing = [path for paths, _ in rows for path in paths if not (ROOT / path).exists()]
    assert missing == []


def test_every_file_the_layout_table_names_is_where_it_says() -> None:
    missing = []
    for paths, named in layout_rows():
        folders = [ROOT / p for p in paths if (ROOT / p).is_dir()]
        for name in named:
            candidates = [f / name for f in folders] + [ROOT / name]
            if not any(c.exists() for c in candidates) and not any(
                next(f.rglob(name.rstrip("/")), None) for f in folders
            ):
                missing.append(f"{paths[0]}: {name}")
    assert missing == []


def test_every_top_level_folder_and_subpackage_has_a_row() -> None:
    listed = [path.rstrip("/") for paths, _ in layout_rows() for path in paths]
    tracked = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    folders = {f.split("/")[0] for f in tracked if "/" in f}
    folders |= {str(p.parent.relative_to(ROOT)) for p in ROOT.glob("*/*/__init__.py")}
    folders -= {"tests/github_standin"}  # the tests row names it
    unlisted = [
        f for f in sorted(folders) if not any(p == f or p.startswith(f"{f}/") for p in listed)
    ]
    assert unlisted == []


def imported_packages(folder: Path) -> dict[str, set[str]]:
    """Top-level packages each module below *folder* imports (absolute imports only)."""
    found: dict[str, set[str]] = {}
    for module in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(str(module.relative_to(ROOT)))
    return found


@pytest.mark.parametrize("side", list(FORBIDDEN), ids=list(FORBIDDEN))
def test_data_flows_one_way(side: str) -> None:
    imports = imported_packages(ROOT / side)
    assert {name: sorted(imports[name]) for name in FORBIDDEN[side] & imports.keys()} == {}


def test_no_module_is_over_400_lines() -> None:
    """A module that grows past 400 lines is split by concern (issue 11's rule, kept by CI)."""
    long = {
        str(path.relative_to(ROOT)): n
        for folder in ("kennis", "plugins/kennis_mkdocs", "review_bot")
        for path in (ROOT / folder).rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}
