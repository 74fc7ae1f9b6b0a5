"""A page is read from disk once per build: MkDocs gets the text kennis read, as it would read it."""

from __future__ import annotations

import json
from pathlib import Path

from mkdocs.utils.meta import get_data

from tests.sitekit import build, make_kb, mkdocs_yml, page

# Runs right after kennis has loaded the knowledge base: the page file is gone before MkDocs
# would read it, so a build that still opened it would stop with "File not found"; and another
# page gets content from this "plugin", which is what MkDocs must build.
GONE = """from mkdocs.plugins import event_priority
import pathlib


@event_priority(-100)
def on_files(files, config):
    pathlib.Path(config.docs_dir, "kitchen", "gone.md").unlink()
    files.get_file_from_path("kitchen/fridge.md").content_string = "# Replaced\\n\\nBy a plugin."
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
    assert "By a plugin." in built.html("kitchen/fridge/")  # content a plugin gave is built
    crlf, lf = built.html("kitchen/crlf/"), built.html("kitchen/lf/")
    body = "<p>First line.</p>\n<p>Second <em>paragraph</em>.</p>"
    assert body in crlf and body in lf and "\r" not in crlf


# Records each front matter block MkDocs' own parse found (the generated report pages have theirs),
# and what the
# plugins after kennis' first step see: the page's Markdown and meta.
PROBE = """import json, pathlib
from mkdocs.plugins import event_priority
import mkdocs.utils.meta as meta

PARSED, SEEN = [], {}
_get_data = meta.get_data


def get_data(doc):
    found = meta.YAML_RE.match(doc)
    if found:
        PARSED.append(found.group(1))
    return _get_data(doc)


meta.get_data = get_data


@event_priority(50)
def on_page_markdown(markdown, page, config, files):
    SEEN[page.file.src_uri] = json.loads(json.dumps([markdown, page.meta], default=str))
    return markdown


def on_post_build(config):
    seen = {"parsed_yaml": PARSED, "pages": SEEN}
    pathlib.Path(config.site_dir, "..", "seen.json").write_text(json.dumps(seen, default=str))
"""


def test_plugins_see_the_markdown_and_meta_mkdocs_would_have_parsed(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    repo = make_kb(root)
    # A first line that reads like MultiMarkdown metadata stays text.
    repo.write(
        "content/kitchen/note.md",
        page("Note", "Note: this line is text.\n\n---\n\nA rule above.\n", owner='"@bob"'),
    )
    repo.write("content/kitchen/tags.md", page("Tags", owner='"@bob"', tags="[a, 'b: c']"))
    # A YAML tag: kennis builds the list itself, MkDocs' loader pairs: MkDocs parses this one.
    repo.write("content/kitchen/omap.md", page("Omap", owner='"@bob"', order="!!omap [{a: 1}]"))
    repo.write("mkdocs.yml", mkdocs_yml() + "hooks: [probe.py]\n").write("probe.py", PROBE)
    repo.commit("pages with lists, dates and a line like metadata")
    built = build(root)
    assert built.returncode == 0, built.output
    seen = json.loads((built.site.parent / "seen.json").read_text(encoding="utf-8"))
    pages = sorted((root / "content").rglob("*.md"))
    assert len(seen["pages"]) > len(pages) - 2  # every page but those kennis leaves out
    for path in pages:
        src_uri = path.relative_to(root / "content").as_posix()
        if src_uri not in seen["pages"]:
            continue
        text = path.read_text(encoding="utf-8-sig")
        markdown, meta = get_data(text)
        assert seen["pages"][src_uri] == json.loads(json.dumps([markdown, meta], default=str))
        yaml = text.split("---\n")[1]
        # MkDocs parsed none a second time, but the one with a tag.
        assert (yaml in seen["parsed_yaml"]) == ("!!" in yaml), src_uri
    assert seen["pages"]["kitchen/omap.md"][1]["order"] == [["a", 1]]
    assert "Note: this line is text." in built.html("kitchen/note/")
