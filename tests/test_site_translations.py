"""Translations on the site (real git, real mkdocs build): the Dutch page's banner in Dutch after
the grace period, none within it or once confirmed, and the health page's per-language table."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.gitrepo import GitRepo
from tests.sitekit import KENNIS_YML, build, mkdocs_yml, page

SOURCE = "content/kitchen/closing.md"
DUTCH = "content/kitchen/closing.nl.md"
BANNER_NL = "Het origineel is op 2 maart gewijzigd; deze vertaling loopt mogelijk achter"


def make_site(root: Path) -> GitRepo:
    repo = GitRepo(root)
    repo.write("mkdocs.yml", mkdocs_yml()).write(".github/kennis.yml", KENNIS_YML)
    repo.write("content/index.md", page("Welcome", owner='"@alice"', reviewed="2026-01-01"))
    repo.write(SOURCE, page("Closing", "Lock up.\n", owner='"@alice"', reviewed="2026-01-01"))
    repo.write("content/kitchen/fryer.md", page("Fryer", owner='"@alice"', reviewed="2026-01-01"))
    first = repo.commit("Start", date="2026-01-01T09:00:00+00:00")
    blob = repo.git("rev-parse", f"{first}:{SOURCE}")
    repo.write(
        DUTCH,
        page(
            "Afsluiten",
            "Doe alles op slot.\n",
            owner='"@nl-team"',
            reviewed="2026-01-05",
            translation_of=f'"{blob}"',
        ),
    )
    repo.commit("Dutch", date="2026-01-05T09:00:00+00:00")
    repo.append(SOURCE, "\nAnd the windows.\n")
    repo.commit("Closing: windows", date="2026-03-02T09:00:00+00:00")
    return repo


def test_a_behind_translation_says_so_in_its_own_language_after_the_grace_period(tmp_path):
    repo = make_site(tmp_path / "kb")
    within = build(repo.root, as_of="2026-03-10")
    assert within.returncode == 0, within.output
    assert "kennis-banner--translation" not in within.html("kitchen/closing.nl/")

    after = build(repo.root, as_of="2026-03-20")
    assert after.returncode == 0, after.output
    html = after.html("kitchen/closing.nl/")
    assert BANNER_NL in re.sub(r"<[^>]+>", "", html)
    assert '<time datetime="2026-03-02">2 maart</time>' in html
    assert "Deze vertaling loopt mogelijk achter" in html
    assert '<a href="../closing/" hreflang="en">lees het origineel</a>' in html
    assert "This page is due for review" not in html  # one banner, the translation's
    marks = ("</h1>", "kennis-languages", "kennis-banner--translation", "kennis-pageinfo")
    under_title = [html.index(mark) for mark in marks]  # in this order, right under the title
    assert under_title == sorted(under_title)
    assert "kennis-banner--translation" not in after.html("kitchen/closing/")

    health = after.html("knowledge/health/")
    row = health.split('<tr data-language="nl">', 1)[1].split("</tr>", 1)[0]
    assert "Nederlands" in row
    assert 'data-count="up_to_date">0<' in row and 'data-count="behind">1<' in row
    # index and fryer have no Dutch translation; the Dutch page itself is not counted as missing
    assert 'data-count="missing">2<' in row

    done = subprocess.run(
        [sys.executable, "-m", "kennis", "verify", DUTCH, "--by", "@nl-team", "--on", "2026-03-20"],
        cwd=repo.root,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    repo.commit("Confirm the Dutch page", date="2026-03-20T10:00:00+00:00")
    confirmed = build(repo.root, as_of="2026-03-20")
    assert confirmed.returncode == 0, confirmed.output
    assert "kennis-banner--translation" not in confirmed.html("kitchen/closing.nl/")
    health = confirmed.html("knowledge/health/")
    row = health.split('<tr data-language="nl">', 1)[1].split("</tr>", 1)[0]
    assert 'data-count="up_to_date">1<' in row and 'data-count="behind">0<' in row


def test_translations_leave_the_navigation_and_each_page_links_its_other_languages(tmp_path):
    repo = make_site(tmp_path / "kb")
    built = build(repo.root, as_of="2026-03-10")
    assert built.returncode == 0, built.output
    original, dutch = built.html("kitchen/closing/"), built.html("kitchen/closing.nl/")
    # Not a sibling in the English navigation, nor "next" after its original ...
    assert not re.search(r'class="md-nav__link[^"]*"[^>]*href="[^"]*closing\.nl/', original)
    assert 'href="../closing.nl/" class="md-nav__link' not in original
    assert 'rel="next" href="../closing.nl/"' not in original
    # ... but linked from it, in the original's words, and back, in the translation's.
    assert (
        '<p class="kennis-languages" data-search-exclude>Also in: '
        '<a href="../closing.nl/" hreflang="nl" lang="nl">Nederlands</a></p>'
    ) in original
    assert (
        '<p class="kennis-languages" data-search-exclude>Origineel: '
        '<a href="../closing/" hreflang="en" lang="en">English</a></p>'
    ) in dutch
    assert "kennis-languages" not in built.html("kitchen/fryer/")  # one language: no line
    search = (built.site / "search" / "search_index.json").read_text("utf-8")
    assert "kitchen/closing.nl/" in search  # still found by search
