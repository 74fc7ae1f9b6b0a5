"""Translations out of the navigation, and a link between each page and its other languages.

A site without mkdocs-static-i18n builds ``page.nl.md`` as a page of its own: it would sit in
the navigation next to its original ("Closing the kitchen" then "De keuken afsluiten"). kennis
takes translations out of the navigation (they stay reachable and searchable) and puts a line
under the original's title, "Also in: Nederlands", and under a translation's, "Original:
English", each in the language of the page it is on.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from markupsafe import Markup, escape
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from kennis.i18n import translator

from ..context import SiteContext


@dataclass(frozen=True)
class Languages:
    """Each original's translations, and each translation's original (repository paths)."""

    site_language: str
    translations: dict[str, list[tuple[str, str]]]  # original → [(language, translation)]
    originals: dict[str, str]  # translation → original

    @classmethod
    def of(cls, context: SiteContext, site_language: str) -> Languages:
        translations: dict[str, list[tuple[str, str]]] = defaultdict(list)
        originals: dict[str, str] = {}
        pages = context.kb.pages
        for path, page in pages.items():
            if page.source is not None and page.language and page.source in pages:
                translations[page.source].append((page.language, path))
                originals[path] = page.source
        for found in translations.values():
            found.sort()
        return cls(site_language, dict(translations), originals)

    def unlisted(self, context: SiteContext) -> frozenset[str]:
        """Docs-relative paths of the translations (left out of the navigation only)."""
        return frozenset(context.src_uri(path) for path in self.originals)

    def links(self, context: SiteContext, page: Page, files: Files) -> str:
        """The "Also in" / "Original" line for *page* (empty for a page in one language)."""
        path = context.repo_path(page.file.src_uri)
        if path in self.originals:
            language = context.kb.pages[path].language or self.site_language
            tr = translator(language)
            label = tr._("Original:")
            targets = [(self.site_language, self.originals[path])]
        elif path in self.translations:
            tr = translator(self.site_language)
            label = tr._("Also in:")
            targets = self.translations[path]
        else:
            return ""
        anchors = []
        for language, target in targets:
            file = context.built_file(files, target)
            if file is None:
                continue
            anchors.append(
                Markup('<a href="{}" hreflang="{}" lang="{}">{}</a>').format(
                    file.url_relative_to(page.file),
                    _tag(language),
                    _tag(language),
                    display_name(language),
                )
            )
        if not anchors:
            return ""
        return (
            '<p class="kennis-languages" data-search-exclude>'
            f"{escape(label)} {Markup(', ').join(anchors)}</p>\n"
        )


def display_name(language: str) -> str:
    """A language named in itself: "Nederlands", "English", "français"."""
    try:
        locale = Locale.parse(language.replace("-", "_"))
        name = locale.get_display_name(locale)
    except (UnknownLocaleError, ValueError):
        return language
    return name[:1].upper() + name[1:] if name else language


def _tag(language: str) -> str:
    return language.replace("_", "-")
