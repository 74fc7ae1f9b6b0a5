"""The developer habits hold: lint runs the same checks everywhere; bot suites carry `slow`."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
# Calls that start a kennis-bot process (serve or a CLI command) for a test.
STARTERS = {"start_bot", "bot_command", "run_cli", "open_world", "open_site", "SiteBot"}


def lint_commands() -> list[str]:
    """The commands of the Makefile's `lint` target, without the venv prefix."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    body = re.search(r"^lint:.*\n((?:\t.*\n)+)", text, re.MULTILINE)
    assert body, "the Makefile has a lint target"
    return [line.strip().removeprefix("$(BIN)/") for line in body.group(1).splitlines()]


def test_make_lint_and_pre_commit_run_ruff_ruff_format_and_mypy() -> None:
    assert lint_commands() == ["ruff check .", "ruff format --check .", "mypy"]
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert sorted(hooks) == ["mypy", "ruff", "ruff-format"]
    assert hooks["ruff"]["entry"].startswith(".venv/bin/ruff check")
    assert hooks["ruff-format"]["entry"].startswith(".venv/bin/ruff format")
    assert hooks["mypy"]["entry"] == ".venv/bin/mypy" and hooks["mypy"]["pass_filenames"] is False


def _names_called(node: ast.AST) -> set[str]:
    return {
        call.func.id if isinstance(call.func, ast.Name) else call.func.attr
        for call in ast.walk(node)
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name | ast.Attribute)
    }


def _is_slow(decorators: list[ast.expr]) -> bool:
    return any("mark.slow" in ast.unparse(d) for d in decorators)


def bot_tests_without_slow(path: Path) -> list[str]:
    """Test functions of *path* that start kennis-bot (directly, or through a helper or fixture
    of the same module) but are not marked slow."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    module_slow = any(
        isinstance(n, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in n.targets)
        and "mark.slow" in ast.unparse(n.value)
        for n in tree.body
    )
    starts = set(STARTERS) | {  # classes of the module with a method that starts the bot
        n.name for n in tree.body if isinstance(n, ast.ClassDef) and _names_called(n) & STARTERS
    }
    changed = True
    while changed:  # helpers and fixtures that start the bot, transitively
        found = {name for name, fn in functions.items() if _names_called(fn) & starts}
        changed, starts = bool(found - starts), starts | found
    missing = []
    for name, fn in functions.items():
        params = {a.arg for a in fn.args.args}
        uses_bot = bool(_names_called(fn) & starts) or bool(params & starts)
        if (
            name.startswith("test_")
            and uses_bot
            and not (module_slow or _is_slow(fn.decorator_list))
        ):
            missing.append(f"{path.name}::{name}")
    return missing


def test_every_test_that_starts_kennis_bot_is_marked_slow() -> None:
    modules = sorted((ROOT / "tests").glob("test_*.py"))
    starting = [p for p in modules if STARTERS & _names_called(ast.parse(p.read_text("utf-8")))]
    assert len(starting) >= 5, "the end-to-end bot suites are found"
    assert [name for path in starting for name in bot_tests_without_slow(path)] == []


@pytest.mark.parametrize(
    ("source", "missing"),
    [
        ("def test_a():\n    start_bot(1)\n", ["m.py::test_a"]),
        ("import pytest\n@pytest.mark.slow\ndef test_a():\n    start_bot(1)\n", []),
        ("import pytest\npytestmark = pytest.mark.slow\ndef test_a():\n    start_bot(1)\n", []),
        ("def bot():\n    return run_cli()\ndef test_a(bot):\n    pass\n", ["m.py::test_a"]),
        ("def helper():\n    bot_command()\ndef test_a():\n    helper()\n", ["m.py::test_a"]),
        (
            "class W:\n    def go(self):\n        start_bot()\ndef test_a():\n    W()\n",
            ["m.py::test_a"],
        ),
        ("def test_a():\n    assert 1 + 1 == 2\n", []),
    ],
    ids=[
        "direct",
        "marked",
        "module-mark",
        "through-a-fixture",
        "through-a-helper",
        "a-class",
        "no-bot",
    ],
)
def test_the_slow_check_sees_bots_started_through_fixtures_and_helpers(
    tmp_path: Path, source: str, missing: list[str]
) -> None:
    module = tmp_path / "m.py"
    module.write_text(source, encoding="utf-8")
    assert bot_tests_without_slow(module) == missing


def test_the_formatter_decides_the_layout_everywhere() -> None:
    """No ``fmt: skip`` / ``fmt: off``: the formatter's layout is the house layout (issue 11)."""
    marker = "fmt" + ": "  # spelled apart, so this file does not match itself
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for folder in ("kennis", "plugins", "review_bot", "tests", "benchmarks")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if f"# {marker}skip" in line or f"# {marker}off" in line
    ]
    assert found == []
