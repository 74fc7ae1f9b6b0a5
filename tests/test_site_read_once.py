"""A page is read from disk once per build: MkDocs gets the text kennis read, as it would read it."""

from __future__ import annotations

from pathlib import Path

from tests.sitekit import build, make_kb, mkdocs_yml, page

# Runs right after kennis has loaded the knowledge base: the page file is gone before MkDocs
# would read it, so a build that still opened it would stop with "File not found".
GONE = """from mkdocs.plugins import event_priority
import pathlib


@event_priority(-100)
def on_files(files, config):
    pathlib.Path(config.docs_dir, "kitchen", "gone.md").unlink()
    return files
"""

LF = page("Lf", "First line.\n\nSecond *paragraph*.\n", owner='"@bob"')


def test_mkdocs_builds_a_page_from_the_text_kennis_read_as_mkdocs_reads_files(
    tmp_path: Path,
) -> None:
    root = tmp_path / "repo"
    repo = make_kb(root)
    repo.write("content/kitchen/gone.md", page("Gone", "Read *once*.\n", owner='"@bob"'))
    repo.write("content/kitchen/crlf.md", LF.replace("Lf", "Crlf").replace("\n", "\r\n"))
    repo.write("content/kitchen/lf.md", LF)
    repo.write("mkdocs.yml", mkdocs_yml() + "hooks: [gone.py]\n").write("gone.py", GONE)
    repo.commit("a page removed mid-build, and one with Windows line ends")
    built = build(root)
    assert built.returncode == 0, built.output
    assert "Read <em>once</em>." in built.html("kitchen/gone/")
    crlf, lf = built.html("kitchen/crlf/"), built.html("kitchen/lf/")
    body = "<p>First line.</p>\n<p>Second <em>paragraph</em>.</p>"
    assert body in crlf and body in lf and "\r" not in crlf
