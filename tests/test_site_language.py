"""The starter site built with ``theme.language: nl`` shows no English kennis text, and Dutch dates.

The starter repository is cloned (its pages' dates come from its git history), its mkdocs.yml
switched to Dutch, and the real ``mkdocs build`` run. Every page's HTML is then searched for the
English text of the site catalogue: each msgid whose Dutch differs, cut at its placeholders, every
piece of two words or more. A piece the page's own Markdown contains is the author's, not kennis'.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from kennis.i18n import LOCALE_DIR
from tests.sitekit import build as sitekit_build
from tests.sitekit import make_kb, mkdocs_yml

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2026-11-27"  # the day the starter's review dates were chosen for: some pages are due
DUTCH_MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
)
ENGLISH_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)


def english_pieces() -> set[str]:
    """Pieces of English the site catalogue translates differently, placeholders cut out."""
    with (LOCALE_DIR / "nl" / "site.po").open("rb") as handle:
        catalog = read_po(handle, locale="nl")
    pieces = set()
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            if english in forms:
                continue  # the same in Dutch ("Checklist", "FAQ")
            for piece in re.split(r"\{\w+\}", english):
                piece = piece.strip(" .,;:()!?“”")
                if len(piece.split()) > 1:
                    pieces.add(piece)
    return pieces


def build(config: Path, site: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "KENNIS_AS_OF": AS_OF}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.fixture(scope="module")
def dutch_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the clone, its site) for the starter repository with ``theme.language: nl``."""
    clone = tmp_path_factory.mktemp("starter") / "kb"
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
    config = clone / "mkdocs.yml"
    text = config.read_text("utf-8")
    assert "\n  language: en\n" in text and "\n      enabled_by_default: false\n" in text
    # Nothing else changes: mkdocs-quiz ships no Dutch, kennis lends it its own (quiz_language).
    config.write_text(text.replace("\n  language: en\n", "\n  language: nl\n"), "utf-8")
    site = clone / "site"
    build(config, site)
    return clone, site


def source_of(clone: Path, site: Path, page: Path) -> str:
    """The Markdown a built page came from ("" for a page kennis generated)."""
    relative = page.parent.relative_to(site)
    for candidate in (f"{relative}.md", f"{relative}/index.md", f"{relative}/README.md"):
        source = clone / "content" / candidate.removeprefix("./")
        if source.is_file():
            return source.read_text("utf-8")
    return ""


def test_no_english_kennis_text_on_any_page(dutch_site: tuple[Path, Path]) -> None:
    clone, site = dutch_site
    pieces = english_pieces()
    assert "This page is due for review" in pieces and "Last edited" in pieces
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    found = []
    for page in pages:
        text = html.unescape(page.read_text("utf-8"))
        own = source_of(clone, site, page)
        found += [
            f"{page.relative_to(site)}: {piece!r}"
            for piece in sorted(pieces)
            if piece in text and piece not in own
        ]
    assert not found, "English kennis text on the Dutch site:\n" + "\n".join(found)


def test_dates_are_dutch(dutch_site: tuple[Path, Path]) -> None:
    _, site = dutch_site
    times = [
        html.unescape(m)
        for page in site.rglob("*.html")
        for m in re.findall(r"<time [^>]*>([^<]*)</time>", page.read_text("utf-8"))
    ]
    assert any(re.fullmatch(rf"\d{{1,2}} ({DUTCH_MONTHS}) \d{{4}}", t) for t in times)
    assert not [t for t in times if re.search(ENGLISH_MONTHS, t)]


def test_dutch_page_info_banner_and_reports(dutch_site: tuple[Path, Path]) -> None:
    _, site = dutch_site
    home = html.unescape((site / "index.html").read_text("utf-8"))
    assert "<dt>Eigenaar</dt>" in home and "<dt>Laatst bewerkt</dt>" in home
    banners = [p for p in site.rglob("*.html") if 'data-kennis-banner="' in p.read_text("utf-8")]
    assert banners, "the starter has pages due for review as of " + AS_OF
    assert any(
        "Deze pagina moet gecontroleerd worden" in p.read_text("utf-8")
        or "De controle van deze pagina is te laat" in p.read_text("utf-8")
        for p in banners
    )
    health = html.unescape((site / "knowledge" / "health" / "index.html").read_text("utf-8"))
    assert "Gezondheid van de kennisbank" in health and "Actualiteit per sectie" in health
    script = (site / "assets" / "kennis" / "kennis-write.js").read_text("utf-8")
    assert "Wat is de titel van de nieuwe pagina?" in script


def test_dutch_feedback_widget_banner_and_script_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reports = tmp_path / "reports.json"
    reports.write_text(
        json.dumps(
            {"pages": {"content/kitchen/fridge.md": {"outdated": 2, "since": "2026-05-30"}}}
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("KENNIS_FEEDBACK_REPORTS", str(reports))
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    repo = make_kb(tmp_path / "kb")
    config = mkdocs_yml(extra="  - kennis/feedback:\n      endpoint: /feedback\n")
    config = config.replace("  name: material\n", "  name: material\n  language: nl\n")
    config = config.replace(
        "enabled_by_default: false\n", "enabled_by_default: false\n      language: en\n"
    )
    repo.write("mkdocs.yml", config).commit("Dutch site with reader feedback")
    result = sitekit_build(repo.root)
    assert result.returncode == 0, result.output
    fridge = html.unescape(result.html("kitchen/fridge/"))
    assert "Gemeld als verouderd" in fridge
    assert "2 collega’s meldden op 30 mei dat deze pagina mogelijk verouderd is" in fridge
    assert "Had je iets aan deze pagina?" in fridge  # Material's widget, our question
    assert "Reported outdated" not in fridge and "Was this page helpful?" not in fridge
    script = (result.site / "assets" / "kennis-feedback.js").read_text("utf-8")
    words = json.loads(
        script.split('window.KENNIS_MESSAGES["feedback"] = ', 1)[1].split(";\n", 1)[0]
    )
    assert words["send"] == "Versturen" and words["reasons"][0] == [
        "outdated",
        "De pagina is verouderd",
    ]
    assert '"Send"' not in script and "It is out of date" not in script


def test_a_dutch_build_stops_on_bad_content_in_dutch(tmp_path: Path) -> None:
    repo = make_kb(tmp_path / "kb")
    config = mkdocs_yml().replace("  name: material\n", "  name: material\n  language: nl\n")
    config = config.replace(
        "enabled_by_default: false\n", "enabled_by_default: false\n      language: en\n"
    )
    repo.write("mkdocs.yml", config)
    repo.write("content/kitchen/bad.md", "---\ntitle: Bad\nowner: chef\n---\n")
    repo.commit("A page with a bad owner")
    result = sitekit_build(repo.root)
    assert result.returncode == 1
    assert "kennis vond 1 probleem in de inhoud:" in result.output
    assert 'content/kitchen/bad.md:3:8: owner: bij "chef" ontbreekt de "@" (schrijf "@chef")' in (
        result.output
    )


def test_banner_sentences_are_separated(dutch_site: tuple[Path, Path]) -> None:
    _, site = dutch_site
    text = html.unescape((site / "operations" / "expenses-faq" / "index.html").read_text("utf-8"))
    assert "dagen geleden). Overleg met de mensen die het weten" in re.sub(r"<[^>]+>", "", text)


def test_the_quiz_speaks_dutch_and_the_strict_build_stays_clean(
    dutch_site: tuple[Path, Path],
) -> None:
    _, site = dutch_site  # built with --strict: mkdocs-quiz's "no Dutch" warning would stop it
    html = (site / "sharing" / "check-yourself" / "index.html").read_text("utf-8")
    # mkdocs-quiz's script draws the buttons from the words the build gives it
    assert '"Submit": "Controleren"' in html and '"Question {n}": "Vraag {n}"' in html
