"""Build-time validation and build options: content errors stop the build, warnings fail --strict."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sitekit import build, make_kb, mkdocs_yml, page

GOOD = {"content/index.md": page("Home", owner='"@alice"', reviewed="2026-03-01")}


def kb_with(tmp_path: Path, extra: dict[str, str]) -> Path:
    root = tmp_path / "repo"
    make_kb(root, {**GOOD, **extra})
    return root


def test_content_errors_stop_the_build_naming_every_page_and_line(tmp_path: Path) -> None:
    root = kb_with(
        tmp_path,
        {
            "content/bad.md": '---\ntitle: Bad\nowner: "@al ice"\nreviewed: yesterday\n---\n',
            "content/worse.md": "---\ntitle: Worse\nstatus: finished\n---\n",
        },
    )
    built = build(root)
    assert built.returncode != 0
    assert "kennis found 3 problems in the content" in built.output
    assert "content/bad.md:3:8: owner" in built.output
    assert "content/bad.md:4:" in built.output
    assert "content/worse.md:3:" in built.output
    assert "Traceback" not in built.output


@pytest.mark.parametrize("strict", [True, False], ids=["strict-fails", "lenient-builds"])
def test_content_warnings_fail_only_strict_builds(tmp_path: Path, strict: bool) -> None:
    root = kb_with(
        tmp_path, {"content/typo.md": page("Typo", owner='"@bob"', reviewd="2026-01-01")}
    )
    built = build(root, strict=strict)
    assert 'content/typo.md:4:1: warning: unknown key "reviewd": did you mean "reviewed"?' in (
        built.output
    )
    assert (built.returncode != 0) is strict


def test_as_of_option_pins_the_day_freshness_is_judged(tmp_path: Path) -> None:
    root = kb_with(tmp_path, {})
    extra = "      as_of: 2027-09-02\n"
    text = mkdocs_yml().replace("  - kennis/pageinfo: {}\n", "  - kennis/pageinfo:\n" + extra)
    (root / "mkdocs.yml").write_text(text)
    built = build(root, as_of="2026-04-01")  # the option wins over KENNIS_AS_OF
    assert built.returncode == 0, built.output
    assert 'data-kennis-state="due"' in built.html("")
    assert 'data-kennis-banner="due"' in built.html("")


def test_bad_as_of_is_a_config_error_not_a_traceback(tmp_path: Path) -> None:
    root = kb_with(tmp_path, {})
    built = build(root, as_of="next tuesday")
    assert built.returncode != 0
    assert "KENNIS_AS_OF='next tuesday' is not a date" in built.output
    assert "Traceback" not in built.output


def test_shallow_clone_is_refused_unless_a_manifest_is_given(tmp_path: Path) -> None:
    root = kb_with(tmp_path, {})
    shallow = make_kb(tmp_path / "full", GOOD).clone(tmp_path / "shallow", depth=1).root
    built = build(shallow)
    assert built.returncode != 0
    assert "shallow clone" in built.output and "Traceback" not in built.output
    import subprocess
    import sys

    manifest = tmp_path / "history.json"
    subprocess.run(
        [sys.executable, "-m", "kennis", "index", "--out", str(manifest)],
        cwd=root,
        check=True,
        capture_output=True,
    )
    text = mkdocs_yml().replace(
        "  - kennis/pageinfo: {}\n", f"  - kennis/pageinfo:\n      manifest: {manifest}\n"
    )
    (shallow / "mkdocs.yml").write_text(text)
    built = build(shallow)
    assert built.returncode == 0, built.output
    assert '<time datetime="2024-01-05">' in built.html("")  # last edit, from the manifest


def test_without_kennis_yml_the_content_folder_is_docs_dir(tmp_path: Path) -> None:
    from tests.gitrepo import GitRepo

    root = tmp_path / "repo"
    repo = GitRepo(root)
    repo.write("mkdocs.yml", mkdocs_yml().replace("docs_dir: content", "docs_dir: docs"))
    repo.write("docs/index.md", page("Home", owner='"@alice"', reviewed="2026-03-01"))
    repo.commit("docs elsewhere", date="2026-01-02T10:00:00+00:00")
    built = build(root)
    assert built.returncode == 0, built.output
    assert 'data-kennis-state="fresh"' in built.html("")


def test_a_folder_that_is_not_a_git_repository_is_refused_with_advice(tmp_path: Path) -> None:
    root = tmp_path / "export"
    (root / "content").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(mkdocs_yml())
    (root / "content" / "index.md").write_text(page("Home", owner='"@alice"'))
    built = build(root)
    assert built.returncode != 0
    assert "not a git repository: kennis dates pages" in built.output
    assert "enabled: false" in built.output and "Traceback" not in built.output
