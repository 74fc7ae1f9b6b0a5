"""The sites also build with ProperDocs, the maintained MkDocs 1.x continuation.

ProperDocs installs its own ``properdocs`` package next to ``mkdocs`` in the same virtualenv (Material
and mkdocs-quiz still pull in ``mkdocs``). When ``python -m properdocs`` runs, it redirects every
``import mkdocs.*`` to ``properdocs.*`` and loads plugins registered under the ``mkdocs.plugins``
entry points too, so the kennis plugins, Material and mkdocs-quiz load unchanged from one venv.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.sitekit import build, make_kb

REPO = Path(__file__).resolve().parent.parent


def test_starter_site_builds_strict_with_properdocs(tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "properdocs",
            "build",
            "--strict",
            "-f",
            "mkdocs.yml",
            "-d",
            str(site),
        ],
        cwd=REPO,
        env={**os.environ, "DISABLE_MKDOCS_2_WARNING": "true", "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'content="mkdocs-ProperDocs 1.' in home  # built by ProperDocs, not MkDocs
    assert "data-kennis-state=" in home
    assert (site / "knowledge" / "health" / "index.html").is_file()
    quiz = (site / "sharing" / "check-yourself" / "index.html").read_text(encoding="utf-8")
    assert len(re.findall(r'<div class="quiz[" ]', quiz)) == 5  # rendered by mkdocs-quiz


def test_kennis_plugins_run_under_properdocs(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    make_kb(root)
    built = build(root, "-f", "mkdocs.yml", command=("properdocs",))
    assert built.returncode == 0, built.output
    assert "mkdocs-ProperDocs" in built.html("")
    assert 'data-kennis-banner="overdue"' in built.html("kitchen/closing/")
    assert 'data-missing="kitchen/fire-drill.md"' in built.html("knowledge/wanted/")
