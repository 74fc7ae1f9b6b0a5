"""A report's long lists skip Markdown and come back unchanged: same HTML, anchors, search text."""

from __future__ import annotations

import json

import jinja2
import markdown
import pytest

from kennis_mkdocs.html_stash import HtmlStash
from tests.sitekit import Built, build, make_kb, mkdocs_yml, page

# The same Markdown page twice: the list inside a stash call, and as the reports wrote it before.
FRAMES = {
    "list": '<ul class="people">\n{% for x in items %}\n<li data-x="{{ x }}">{{ x }}</li>\n'
    "{% endfor %}\n</ul>\n",
    "table": "<table>\n<thead><tr><th>Who</th></tr></thead>\n<tbody>\n{% for x in items %}\n"
    "<tr><td>{{ x }}</td></tr>\n{% endfor %}\n</tbody>\n</table>\n",
    "sections": '<div class="groups">\n{% for x in items %}\n<section>\n<h3>{{ x }}</h3>\n'
    "<ul>\n<li>{{ x }} *not emphasis*</li>\n</ul>\n</section>\n{% endfor %}\n</div>\n",
}


def stashed(frame: str) -> str:
    """``frame`` with its loop wrapped in ``{% call stash() %}``, as the report templates do."""
    start, end = frame.index("{% for"), frame.index("{% endfor %}\n") + len("{% endfor %}\n")
    return (
        frame[:start] + "{% call stash() %}\n" + frame[start:end] + "{% endcall %}\n" + frame[end:]
    )


def page_html(frame: str, stash: HtmlStash | None) -> str:
    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    source = "# Report\n\n## A list\n\n" + (stashed(frame) if stash else frame) + "\nThe end.\n"
    items = ["Alice", "<Bob & co>", "Dana_under_score", ""]
    text = env.from_string(source).render(items=items, stash=stash)
    html = markdown.markdown(text, extensions=["toc", "attr_list", "md_in_html"])
    return stash.restore(html) if stash else html


@pytest.mark.parametrize("frame", FRAMES.values(), ids=FRAMES.keys())
def test_a_stashed_list_converts_to_the_same_html_byte_for_byte(frame: str) -> None:
    stash = HtmlStash()
    html = page_html(frame, stash)
    assert html == page_html(frame, None)
    assert "&lt;Bob &amp; co&gt;" in html and "kennis-stash" not in html


def test_markdown_reads_only_the_frame_around_a_stash() -> None:
    stash = HtmlStash()
    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    text = env.from_string(stashed(FRAMES["list"])).render(items=["Al"], stash=stash)
    assert text.startswith('<ul class="people">\n') and "<li" not in text and "Al" not in text
    assert stash.restore(text) == '<ul class="people">\n<li data-x="Al">Al</li>\n</ul>'


def test_a_stash_inside_a_stash_comes_back_whole() -> None:
    stash = HtmlStash()
    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    source = "{% call stash() %}<ol>{% call stash() %}<li>in</li>{% endcall %}</ol>{% endcall %}"
    assert stash.restore(env.from_string(source).render(stash=stash)) == "<ol><li>in</li></ol>"


def test_ids_in_stashed_html_are_anchors_and_other_pages_placeholders_stay() -> None:
    stash, other = HtmlStash(), HtmlStash()
    stash(lambda: '<li id="alice">Alice</li><a name="top"></a><b name="no">x</b>')
    placeholder = stash(lambda: "<li>plain</li>")
    assert stash.anchor_ids() == {"alice", "top"}
    assert other.restore(placeholder) == placeholder  # each page its own placeholders


CUSTOM_CONTRIBUTORS = """---
title: {{ title|tojson }}
---

# {{ title }}

<ul class="house">
{% call stash() %}
{% for c in record.people %}
<li id="who-{{ loop.index }}">{{ person(c.link) }}</li>
{% endfor %}
{% endcall %}
</ul>
"""


# A hook at Material's search plugin's priority, after it: it sees each report page as the
# search step did, and writes what it saw beside the site.
PROBE = """import json, pathlib
from mkdocs.plugins import event_priority

SEEN = {}


@event_priority(0)
def on_page_context(context, page, config, nav):
    if page.file.src_uri.startswith("knowledge/"):
        SEEN[page.file.src_uri] = page.content
    return context


def on_post_build(config):
    pathlib.Path(config.site_dir, "..", "probe.json").write_text(json.dumps(SEEN))
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("kb") / "repo"
    repo = make_kb(root)
    yml = mkdocs_yml().replace("  name: material\n", "  name: material\n  custom_dir: overrides\n")
    yml = yml.replace("    not_found: info\n", "    not_found: info\n    anchors: warn\n")
    repo.write("overrides/kennis/contributors.md", CUSTOM_CONTRIBUTORS)
    repo.write("mkdocs.yml", yml + "hooks: [probe.py]\n")
    repo.write("probe.py", PROBE)
    repo.write(
        "content/thanks.md",
        page("Thanks", "Thank [our top writer](knowledge/contributors.md#who-1).\n", owner='"@a"'),
    )
    repo.commit("house contributors page and a link into it")
    built = build(root)  # --strict: a link to a missing anchor fails the build
    assert built.returncode == 0, built.output
    return built


def test_a_link_to_an_id_in_a_stashed_list_is_a_valid_anchor(site: Built) -> None:
    html = site.html("knowledge/contributors/")
    assert '<ul class="house">\n<li id="who-1"><span class="kennis-person">Alice Example' in html
    assert "does not contain an anchor" not in site.output


def test_search_indexes_the_wanted_pages_lists_not_placeholders(site: Built) -> None:
    index = json.loads((site.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    text = " ".join(
        doc["text"] for doc in index["docs"] if doc["location"].startswith("knowledge/wanted/")
    )
    assert "Allergen labels" in text and "Fire drill" in text
    pages = [path.read_text(encoding="utf-8") for path in site.site.rglob("*.html")]
    assert pages and not any("kennis-stash" in html for html in pages)


def test_the_search_step_skips_the_lists_of_a_page_it_does_not_index(site: Built) -> None:
    seen = json.loads((site.site.parent / "probe.json").read_text(encoding="utf-8"))
    # Health (out of search): Material's clean-up regular expression scans placeholders.
    assert "kennis-stash" in seen["knowledge/health.md"]
    assert '<tr data-section="(all)">' not in seen["knowledge/health.md"]
    # Wanted, and this site's own Contributors page (in search): their lists stay for the index.
    for src_uri, text in [("wanted", "Allergen labels"), ("contributors", '<li id="who-1">')]:
        assert "kennis-stash" not in seen[f"knowledge/{src_uri}.md"]
        assert text in seen[f"knowledge/{src_uri}.md"]
    # The page as published: the lists are back, unchanged.
    html = site.html("knowledge/health/")
    assert '<tr data-section="(all)">' in html and "kennis-stash" not in html


def test_hidden_pieces_come_back_where_they_were() -> None:
    stash = HtmlStash()
    row = "<tr><td>" + "x" * 100 + "</td></tr>"
    first = stash(lambda: row + "<tr><td>one</td></tr>")
    kept = stash(lambda: '<li data-search-exclude="yes">hidden from search</li>')
    page = f"<p>{row}</p><table>{stash.restore(first)}</table>{stash.restore(kept)}"
    hidden = stash.hide(page)
    # The row that only starts the same is left; a piece with data-search- stays for the search.
    assert hidden == f"<p>{row}</p><table>{first}</table>{stash.restore(kept)}"
    assert stash.restore(hidden) == page


def test_a_hidden_piece_followed_by_a_digit_comes_back_whole() -> None:
    stash = HtmlStash()
    name = stash(lambda: "<b>Ann</b>")
    page = f"<p><b>Ann</b>2 pages</p><ul>{stash.restore(name)}</ul>"
    assert stash.restore(stash.hide(page)) == page  # the earlier copy hidden, put back the same
    empty = stash(lambda: "")
    assert stash.hide(stash.restore(empty)) == "" and stash.restore(empty) == ""
