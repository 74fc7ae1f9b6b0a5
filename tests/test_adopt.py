"""kennis init on a generated repository: owners from history, no overdue wall, a strict site build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kennis.cli import main
from tests.adoptrepo import ADOPTED, FOLDERS, expected_owner, generate
from tests.gitrepo import GitRepo
from tests.sitekit import build

DAY = ADOPTED.isoformat()


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--root", str(root)] if args[0] != "init" else args)


def adopt_and_check(root: Path, pages: int) -> None:
    generate(root, pages)
    adopted = CliRunner().invoke(main, ["init", str(root), "--suggest-owners", "--on", DAY])
    assert adopted.exit_code == 0, adopted.output
    for folder in range(FOLDERS):
        meta = (root / f"docs/area{folder:02d}/.meta.yml").read_text()
        assert f"owner: '{expected_owner(folder)}'" in meta, meta  # the last year's top committer
        assert f"{expected_owner(folder)}: " in adopted.output  # with its evidence
    assert "dependabot" not in adopted.output + "".join(
        p.read_text() for p in root.glob("docs/*/.meta.yml")
    )
    checked = run(root, "check")
    assert checked.exit_code == 0, checked.output
    assert f"checked {pages} pages" in checked.output and "all good" in checked.output
    stale = run(root, "stale", "--as-of", DAY, "--format", "json")
    assert stale.exit_code == 0 and json.loads(stale.output)["pages"] == []
    built = build(root, as_of=DAY)
    assert built.returncode == 0, built.output[-3000:]
    html = sorted(built.site.glob("area*/page-*/index.html"))
    assert len(html) == pages
    assert all('class="kennis-pageinfo"' in p.read_text() for p in html)


def test_adopting_a_generated_repository(tmp_path: Path) -> None:
    adopt_and_check(tmp_path / "handbook", 200)


@pytest.mark.slow
def test_adopting_two_thousand_pages(tmp_path: Path) -> None:
    adopt_and_check(tmp_path / "handbook", 2000)


def test_evidence_names_commits_and_the_cut_off(tmp_path: Path) -> None:
    root = generate(tmp_path / "kb", 100)
    result = CliRunner().invoke(main, ["owners", "--suggest", "--as-of", DAY, "--root", str(root)])
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.startswith(f"{expected_owner(0)}: ") and " commits in docs/area00 since " in first


def test_a_year_without_commits_is_left_to_the_fallback(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "kb")
    repo.write("docs/old/a.md", "# A\n").commit(
        "old", author="Ana <1+ana@users.noreply.github.com>", date="2020-01-01T10:00:00+01:00"
    )
    repo.write("docs/new/b.md", "# B\n").commit(
        "new", author="Bo <2+bo@users.noreply.github.com>", date="2026-05-01T10:00:00+01:00"
    )
    result = CliRunner().invoke(main, ["init", str(repo.root), "--suggest-owners", "--on", DAY])
    assert result.exit_code == 0, result.output
    assert "docs/old: no commits since 2025-06-15: left to fallback_owner" in result.output
    assert not (repo.root / "docs/old/.meta.yml").exists()
    assert 'fallback_owner: "@bo"' in (repo.root / ".github/kennis.yml").read_text()
    assert run(repo.root, "check").exit_code == 0


def test_logins_file_maps_company_addresses(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "kb")
    repo.write("docs/a/a.md", "# A\n").commit(
        "a", author="Ana <ana@acme.example>", date="2026-05-01T10:00:00+01:00"
    )
    logins = tmp_path / "logins.yml"
    logins.write_text('ana@acme.example: "@ana-acme"\n')
    without = CliRunner().invoke(
        main, ["owners", "--suggest", "--as-of", DAY, "--root", str(repo.root)]
    )
    assert "no commits by a known GitHub login" in without.output
    assert "--logins FILE" in without.output
    result = CliRunner().invoke(
        main,
        ["owners", "--suggest", "--as-of", DAY, "--logins", str(logins), "--root", str(repo.root)],
    )
    assert result.exit_code == 0, result.output
    assert "@ana-acme: 1 of 1 commits in docs/a" in result.output
    bad = tmp_path / "bad.yml"
    bad.write_text("ana@acme.example: not a handle!\n")
    refused = CliRunner().invoke(
        main, ["owners", "--suggest", "--logins", str(bad), "--root", str(repo.root)]
    )
    assert refused.exit_code == 1 and f"{bad}:1:" in refused.output
