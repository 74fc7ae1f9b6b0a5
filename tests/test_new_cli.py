"""``kennis new``: stays inside the content folder and names the owner it resolved, and where from."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.kbfiles import write_tree


@pytest.fixture
def kb(tmp_path):
    write_tree(
        tmp_path / "repo",
        {
            ".github/kennis.yml": 'content_dir: content\nfallback_owner: "@acme/kb"\n',
            "content/operations/kitchen/.meta.yml": '# the kitchen\nowner: "@acme/kitchen-leads"\n',
        },
    )
    (tmp_path / "repo" / ".git").mkdir()
    return tmp_path / "repo"


def new(cwd, *args):
    return subprocess.run(
        [sys.executable, "-m", "kennis", "new", *args], cwd=cwd, capture_output=True, text=True
    )


@pytest.mark.parametrize("section", ["..", "../../tmp", "../content-other", "operations/../../x"])
def test_a_folder_outside_the_content_folder_is_refused_in_one_line(kb, section):
    result = new(kb, "checklist", "Closing up", "--in", section)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: --in {section}: pages live inside content/; name a section folder there"
        " (e.g. --in kitchen)"
    ]
    assert not (kb.parent / "closing-up.md").exists() and not (kb / "closing-up.md").exists()


def test_the_success_lines_name_the_resolved_owner_and_its_source(kb):
    result = new(kb, "checklist", "Closing up", "--in", "operations/kitchen")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "owner: @acme/kitchen-leads, from content/operations/kitchen/.meta.yml:2"
    )


def test_in_a_new_folder_the_owner_is_the_fallback_and_says_so(kb):
    result = new(kb, "faq", "Parking", "--in", "facilities")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "owner: @acme/kb, from .github/kennis.yml:2"


def test_an_explicit_owner_says_it_came_from_the_option(kb):
    result = new(kb, "faq", "Parking", "--owner", "@sam")
    assert result.stdout.splitlines()[-1] == "owner: @sam, from --owner"
