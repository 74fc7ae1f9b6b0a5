"""``kennis check --format json``: every YAML and value problem at its true line and column."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.kbfiles import write_tree

CASES = [
    # id, front matter lines, (line, col), words the message must have
    ("impossible date", 'title: A\nowner: "@al"\nreviewed: 2026-13-45', (4, 11), "2026-13-45"),
    (
        "unclosed quote",
        'title: "Closing time\nowner: "@al"\nreviewed: 2026-01-01',
        (2, 8),
        "never closed",
    ),
    ("unquoted handle", "title: A\nowner: @sam-okafor", (3, 8), 'owner: "@sam-okafor"'),
    ("handle in a list", 'title: A\nowner: "@al"\ncoauthors: [@bob]', (4, 13), '"@bob"'),
    ("title placeholder", 'title: "{{title}}"\nowner: "@al"', (2, 9), "placeholder"),
    (
        "colon in a value",
        'title: Closing: the kitchen\nowner: "@al"',
        (2, 15),
        'title: "Closing: the kitchen"',
    ),
    (
        "unclosed list",
        'title: A\ncoauthors: ["@b"\nowner: "@al"',
        (3, 12),
        "never closed: end it with ]",
    ),
    ("tab indentation", 'title: A\nowner: "@al"\ntags:\n\t- a', (5, 1), "not tabs"),
    (
        "reviewed placeholder",
        'title: A\nowner: "@al"\nreviewed: {{reviewed}}',
        (4, 11),
        "placeholder",
    ),
]


@pytest.mark.parametrize(
    ("front", "where", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_check_json_reports_the_true_position(tmp_path, front, where, words):
    write_tree(
        tmp_path,
        {
            ".github/kennis.yml": "content_dir: content\n",
            "content/page.md": f"---\n{front}\n---\n\nText.\n",
        },
    )
    result = subprocess.run(
        [sys.executable, "-m", "kennis", "check", "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stderr
    problems = [p for p in json.loads(result.stdout) if p["path"] == "content/page.md"]
    assert [(p["line"], p["col"]) for p in problems] == [where], problems
    assert words in problems[0]["message"]
    assert "Traceback" not in result.stderr
