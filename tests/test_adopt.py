"""kennis init on a generated repository: owners from history, no overdue wall, a strict site build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from kennis.cli import main
from tests.adoptrepo import ADOPTED, FOLDERS, expected_owner, generate
from tests.gitrepo import GitRepo
from tests.sitekit import build

DAY = ADOPTED.isoformat()


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--root", str(root)] if args[0] != "init" else args)


def owners_by_shortlog(root: Path) -> list[str]:
    """Each folder's top committer since the cut-off, counted by git shortlog (bots left out)."""
    found = []
    for folder in range(FOLDERS):
        out = GitRepo(root, init=False).git(
            "shortlog", "-sne", "--since=2025-06-15", "HEAD", "--", f"docs/area{folder:02d}"
        )
        people = [line.split("\t", 1)[1] for line in out.splitlines() if "[bot]" not in line]
        found.append("@" + people[0].split("+", 1)[1].split("@", 1)[0])
    return found


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
    assert owners_by_shortlog(root) == [expected_owner(f) for f in range(FOLDERS)]
    checked = run(root, "check")
    assert checked.exit_code == 0, checked.output
    assert f"checked {pages:,} pages" in checked.output and "all good" in checked.output
    stale = run(root, "stale", "--as-of", DAY, "--format", "json")
    assert stale.exit_code == 0 and json.loads(stale.output)["pages"] == []
    later = run(root, "stale", "--as-of", "2027-06-15", "--format", "json")
    assert len(json.loads(later.output)["pages"]) == pages  # one interval on, all are due
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


EXISTING_MKDOCS = """# Our handbook: keep this comment
site_name: Handbook
docs_dir: handbook   # where the pages are
theme:
  name: material
plugins:
  - search
  - tags:
      tags_file: tags.md   # a plugin with options stays as written
"""


def handbook(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "kb")
    repo.write("mkdocs.yml", EXISTING_MKDOCS).write("handbook/a/page.md", "# Page\n")
    repo.commit(
        "start", author="Ana <1+ana@users.noreply.github.com>", date="2026-05-01T10:00:00+02:00"
    )
    return repo


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def test_init_keeps_mkdocs_yml_comments_and_is_idempotent(tmp_path: Path) -> None:
    repo = handbook(tmp_path)
    first = CliRunner().invoke(main, ["init", str(repo.root), "--suggest-owners", "--on", DAY])
    assert first.exit_code == 0, first.output
    text = (repo.root / "mkdocs.yml").read_text()
    assert text.startswith("# Our handbook: keep this comment\n")
    assert "docs_dir: handbook   # where the pages are" in text
    assert "tags_file: tags.md   # a plugin with options stays as written" in text
    assert "  - meta\n  - kennis/pageinfo\n  - kennis/health" in text
    config = (repo.root / ".github/kennis.yml").read_text()
    assert f"adopted: {DAY}" in config and "content_dir" not in config  # mkdocs.yml decides
    assert "docs folder: handbook/ (docs_dir in mkdocs.yml)" in first.output
    assert "next:" in first.output and "mkdocs serve" in first.output
    before = snapshot(repo.root)
    again = CliRunner().invoke(
        main, ["init", str(repo.root), "--suggest-owners", "--on", "2026-07-01"]
    )
    assert again.exit_code == 0, again.output
    assert snapshot(repo.root) == before  # nothing rewritten, not even the adoption date
    assert "kept .github/kennis.yml (it exists; --force rewrites it)" in again.output
    assert "kept handbook/a/.meta.yml (owner @ana is set; --force replaces it)" in again.output
    forced = CliRunner().invoke(main, ["init", str(repo.root), "--force", "--on", "2026-07-01"])
    assert forced.exit_code == 0 and "rewrote .github/kennis.yml" in forced.output
    assert "adopted: 2026-07-01" in (repo.root / ".github/kennis.yml").read_text()


def test_init_github_adds_workflows_and_the_app_manifest(tmp_path: Path) -> None:
    repo = handbook(tmp_path)
    result = CliRunner().invoke(main, ["init", str(repo.root), "--github", "--on", DAY])
    assert result.exit_code == 0, result.output
    for name in ("kennis-check", "deploy", "freshness"):
        text = (repo.root / f".github/workflows/{name}.yml").read_text()
        assert "pip install kennis" in text and "pip install -e ." not in text
    deploy = yaml.safe_load((repo.root / ".github/workflows/deploy.yml").read_text())
    assert deploy["permissions"]["pull-requests"] == "read"  # review credit, read only
    steps = [s.get("name", "") for s in deploy["jobs"]["build"]["steps"]]
    assert steps.index("Review credit") < steps.index("Build (strict)")
    assert (repo.root / "app.yml").read_text() == (
        Path(__file__).parents[1] / "app.yml"
    ).read_text()


@pytest.mark.parametrize("name", ["deploy.yml", "freshness.yml"])
def test_the_shipped_workflows_follow_this_repository(name: str) -> None:
    """The copies init writes differ from this repository's own only in how kennis is installed."""
    top = Path(__file__).parents[1]
    ours = (top / ".github/workflows" / name).read_text().splitlines()
    shipped = (top / "kennis/templates/github" / name).read_text().splitlines()
    differ = [(a, b) for a, b in zip(ours, shipped, strict=True) if a != b]
    assert len(differ) == 1 and "pip install" in differ[0][0] and "kennis" in differ[0][1]


def test_init_on_an_empty_folder_writes_a_site_that_builds(tmp_path: Path) -> None:
    root = tmp_path / "new-kb"
    result = CliRunner().invoke(main, ["init", str(root), "--on", DAY])
    assert result.exit_code == 0, result.output
    assert "docs folder: docs/ (no docs folder found" in result.output
    assert "docs_dir: docs" in (root / "mkdocs.yml").read_text()
    assert (root / "docs/index.md").is_file()


@pytest.mark.parametrize(
    ("first_commit", "adopted", "due", "basis"),
    [
        ("2014-12-08", "2026-06-15", "2027-06-15", "adopted"),
        ("2026-08-01", "2026-06-15", "2027-08-01", "first_commit"),
        ("2014-12-08", None, "2015-12-08", "first_commit"),
    ],
    ids=["old-page-dated-from-adoption", "newer-page-from-its-commit", "no-adoption"],
)
def test_never_reviewed_pages_are_due_from_the_later_of_first_commit_and_adoption(
    first_commit: str, adopted: str | None, due: str, basis: str
) -> None:
    from datetime import date

    from kennis.freshness import assess
    from kennis.intervals import Interval

    found = assess(
        None,
        date.fromisoformat(first_commit),
        Interval(12, "months"),
        Interval(30, "days"),
        date(2026, 6, 15),
        date.fromisoformat(adopted) if adopted else None,
    )
    assert (found.due.isoformat() if found.due else None, found.basis) == (due, basis)
    reviewed = assess(
        date(2020, 1, 1),
        date(2014, 1, 1),
        Interval(12, "months"),
        Interval(30, "days"),
        date(2026, 6, 15),
        date(2026, 6, 15),
    )
    assert reviewed.basis == "reviewed" and reviewed.state == "overdue"  # a review is a review


def test_ignored_revisions_and_bots_do_not_make_an_owner(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "kb")
    bo, ana = "Bo <2+bo@users.noreply.github.com>", "Ana <1+ana@users.noreply.github.com>"
    for n, who in enumerate([bo, bo, bo, ana, ana, "renovate[bot] <bot@renovate.example>"] * 1):
        repo.write("docs/a/page.md", f"# Page\n\n{n}\n").commit(
            f"edit {n}", author=who, date=f"2026-05-0{n + 1}T10:00:00+02:00"
        )
    reformat = repo.git("log", "--format=%H", "--author=Bo", "-2").split()
    repo.write(".git-blame-ignore-revs", "\n".join(reformat) + "\n").commit(
        "ignore the reformatting", author=ana, date="2026-05-09T10:00:00+02:00"
    )
    result = CliRunner().invoke(
        main, ["owners", "--suggest", "--as-of", DAY, "--root", str(repo.root)]
    )
    assert result.exit_code == 0, result.output
    assert "@ana: 2 of 3 commits in docs/a since 2025-06-15; co-authors @bo (1)" in result.output


def test_equal_commits_go_to_the_most_recent_committer() -> None:
    from kennis.owners_suggest import Count, FolderSuggestion

    folder = FolderSuggestion("docs/a", total=6)
    folder.people = {
        "@early": Count(3, "2026-01-01"),
        "@late": Count(3, "2026-05-01"),
        "@few": Count(1, "2026-06-01"),
    }
    assert (folder.owner, folder.coauthors) == ("@late", ["@early", "@few"])


def test_a_nested_folder_written_by_others_gets_its_own_owner(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "kb")
    ana, bo = "Ana <1+ana@users.noreply.github.com>", "Bo <2+bo@users.noreply.github.com>"
    edits = [("kitchen/a.md", ana)] * 3 + [("kitchen/fryer/b.md", ana)] + [("bar/c.md", bo)] * 2
    for n, (page, who) in enumerate(edits):
        repo.write(f"docs/ops/{page}", f"# Page\n\n{n}\n").commit(
            f"edit {n}", author=who, date=f"2026-05-0{n + 1}T10:00:00+02:00"
        )
    result = CliRunner().invoke(main, ["init", str(repo.root), "--suggest-owners", "--on", DAY])
    assert result.exit_code == 0, result.output
    meta = {
        p.parent.relative_to(repo.root).as_posix(): yaml.safe_load(p.read_text())["owner"]
        for p in (repo.root / "docs").rglob(".meta.yml")
    }
    # ops is Ana's (4 of 6 commits); its bar folder is Bo's, so it gets its own .meta.yml; the
    # kitchen folders are Ana's like ops, so they inherit (no file of their own).
    assert meta == {"docs/ops": "@ana", "docs/ops/bar": "@bo"}
    assert "@bo: 2 of 2 commits in docs/ops/bar since" in result.output
    pages = [str(repo.root / "docs/ops" / p) for p in ("bar/c.md", "kitchen/fryer/b.md")]
    owners = json.loads(run(repo.root, "owners", *pages, "--format", "json").output)
    assert [o["owner"]["handle"] for o in owners] == ["@bo", "@ana"]
