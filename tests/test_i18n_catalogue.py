"""Every string kennis shows has a Dutch translation, and every catalogue parses and fits its msgid.

The msgids are what Babel's extractor finds at the call sites (``_``, ``gettext``, ``ngettext``,
``N_`` of kennis.texts,
also as ``tr._(...)``) in the core, the site plugins (Python and Jinja templates) and the bot.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import PoFileError, read_po

from kennis.i18n import LOCALE_DIR

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
JINJA = "jinja2.ext:babel_extract"
JINJA_OPTIONS = {"trim_blocks": "true", "lstrip_blocks": "true"}
TEMPLATES = ("**/templates/kennis/**.html", "**/templates/kennis/**.md")
SOURCES = ("kennis", "plugins/kennis_mkdocs", "review_bot")


def extracted() -> dict[str | tuple[str, ...], str]:
    """Every msgid (a plural one as a tuple) → where it was first found (``path:line``)."""
    found: dict[str | tuple[str, ...], str] = {}
    method_map = [*((pattern, JINJA) for pattern in TEMPLATES), ("**.py", "python")]
    options = dict.fromkeys(TEMPLATES, JINJA_OPTIONS)
    for folder in SOURCES:
        for name, line, message, _comments, _context in extract_from_dir(
            str(ROOT / folder), method_map, options_map=options, keywords=KEYWORDS
        ):
            found.setdefault(message, f"{folder}/{name}:{line}")
    return found


# A quoted PO string: escapes allowed, the closing quote required (Babel drops a missing one).
_QUOTED = r'"(?:[^"\\]|\\.)*"'
_LINE = re.compile(
    rf"^(?:#.*|(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+{_QUOTED}|{_QUOTED})?\s*$"
)


class BrokenCatalogue(ValueError):
    """A ``.po`` line Babel would misread silently (it drops a missing closing quote)."""


def load(po: Path) -> Catalog:
    """The catalogue in *po*; a file that does not parse fails with its name and line."""
    for number, line in enumerate(po.read_text(encoding="utf-8").splitlines(), 1):
        if not _LINE.match(line):
            raise BrokenCatalogue(f"{po}:{number}: not a PO line: {line!r}")
    with po.open("rb") as handle:
        return read_po(handle, locale=po.parent.name, abort_invalid=True)


def placeholders(text: str) -> set[str]:
    """The ``{name}`` fields of a message (``{{`` and ``}}`` are literal braces)."""
    try:
        return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}
    except ValueError:
        return {"<unbalanced braces>"}


def problems_in(catalog: Catalog) -> list[str]:
    """Translations whose placeholders differ from their msgid's (per plural form)."""
    found = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        for index, form in enumerate(forms):
            if not form:
                continue
            source = ids[min(index, len(ids) - 1)]
            if placeholders(form) != placeholders(source):
                found.append(
                    f"{ids[0]!r}: {sorted(placeholders(form))} != {sorted(placeholders(source))}"
                )
    return found


def translated(folder: Path) -> dict[str | tuple[str, ...], tuple[str, ...]]:
    """msgid → its non-empty, non-fuzzy translations, over every ``.po`` file in *folder*."""
    known: dict[str | tuple[str, ...], tuple[str, ...]] = {}
    for po in sorted(folder.glob("*.po")):
        for message in load(po):
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.id and not message.fuzzy and all(forms):
                known[message.id] = forms
    return known


CATALOGUES = sorted(LOCALE_DIR.glob("*/*.po"))


def test_every_string_kennis_shows_has_a_dutch_translation() -> None:
    dutch = translated(LOCALE_DIR / "nl")
    missing = [f"{where}: {msgid!r}" for msgid, where in extracted().items() if msgid not in dutch]
    assert not missing, "no Dutch translation in kennis/locale/nl/*.po for:\n" + "\n".join(missing)


def calls_inside_f_strings() -> list[str]:
    """Message calls written inside an f-string, which Babel's extractor does not look into."""
    found = []
    for folder in SOURCES:
        for source in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(source.read_text("utf-8"))
            for string_node in ast.walk(tree):
                if not isinstance(string_node, ast.JoinedStr):
                    continue
                for call in ast.walk(string_node):
                    if isinstance(call, ast.Call) and _called(call) in KEYWORDS:
                        found.append(f"{source.relative_to(ROOT)}:{call.lineno}")
    return found


def _called(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def test_no_message_is_hidden_in_an_f_string() -> None:
    assert calls_inside_f_strings() == []


def test_the_extractor_sees_attribute_calls_and_templates() -> None:
    found = extracted()
    assert "Last edited" in found  # {{ _("Last edited") }} in pageinfo.html
    assert ("{n} vote", "{n} votes") in found  # ngettext in health.md
    assert "Write a new how-to guide here" in found  # tr._(...) in newpage.py


@pytest.mark.parametrize("po", CATALOGUES, ids=[f"{p.parent.name}/{p.name}" for p in CATALOGUES])
def test_catalogue_parses_and_keeps_placeholders(po: Path) -> None:
    assert problems_in(load(po)) == []


BROKEN = [
    ("unclosed quote", 'msgid "Owner"\nmsgstr "Eigenaar\n'),
    ("bare text", 'msgid "Owner"\nmsgstr Eigenaar\n'),
    ("stray line", 'msgid "Owner"\nEigenaar\nmsgstr "Eigenaar"\n'),
    ("no msgstr", 'msgid "Owner"\n\nmsgid "Reviewed"\nmsgstr "Gecontroleerd"\n'),
]


@pytest.mark.parametrize("text", [b[1] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_a_broken_catalogue_fails(tmp_path: Path, text: str) -> None:
    po = tmp_path / "nl" / "broken.po"
    po.parent.mkdir()
    po.write_text(text, encoding="utf-8")
    with pytest.raises((PoFileError, BrokenCatalogue)):
        load(po)


def test_a_lost_placeholder_is_reported(tmp_path: Path) -> None:
    po = tmp_path / "nl" / "site.po"
    po.parent.mkdir()
    po.write_text(
        'msgid "Ask {who}."\nmsgstr "Vraag het {wie}."\n\n'
        'msgid "{n} vote"\nmsgid_plural "{n} votes"\nmsgstr[0] "een stem"\nmsgstr[1] "{n} stemmen"\n',
        encoding="utf-8",
    )
    found = problems_in(load(po))
    assert len(found) == 2 and re.search(r"\['wie'\] != \['who'\]", found[0])


def test_a_language_that_is_no_tag_never_becomes_a_path() -> None:
    from kennis.i18n import translator

    assert translator("nl-BE").language == "nl"
    for odd in ("../nl", "nl/../../..", "/etc", "nl_BE/x", ""):
        assert translator(odd).language == "en"


def test_a_language_with_a_trailing_newline_is_no_tag() -> None:
    from kennis.i18n import is_language_tag

    assert is_language_tag("nl_BE") and is_language_tag("pt-BR")
    assert not is_language_tag("nl\n") and not is_language_tag("../nl")
