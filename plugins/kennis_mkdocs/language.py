"""The site's language (``theme.language``): its translator, and ``_``/``ngettext`` for templates.

Template text goes through the same catalogue as Python text. The template helpers return
Markup: the translation itself is escaped and so is every value filled into it, unless the value
already is Markup (a link made by a macro), so ``_("Ask {who}", who=people(info.ask))`` works.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape
from mkdocs.config.defaults import MkDocsConfig

from kennis.i18n import SOURCE_LANGUAGE, Translator, translator


def site_language(config: MkDocsConfig) -> str:
    """Material's ``theme.language`` (MkDocs' own themes call it ``locale``); default English."""
    theme = config.theme
    found = (theme.get("language") or theme.get("locale")) if theme is not None else None
    return str(found or SOURCE_LANGUAGE)


def site_translator(config: MkDocsConfig) -> Translator:
    return translator(site_language(config))


def install(env: jinja2.Environment, tr: Translator) -> None:
    """Give the templates ``_``, ``gettext``, ``ngettext`` and locale dates for *tr*'s language."""
    escaped: dict[str, Markup] = {}  # each message looked up and escaped once per environment

    def gettext(message: str, /, **values: Any) -> Markup:
        text = escaped.get(message)
        if text is None:
            text = escaped[message] = escape(tr._(message))
        return text.format(**values) if values else text

    def ngettext(singular: str, plural: str, n: int, /, **values: Any) -> Markup:
        # ``{n}`` is filled by the translator (a locale number); the rest stays for Markup.
        keep = {key: "{" + key + "}" for key in values}
        form = tr.ngettext(singular, plural, n, **keep)
        return escape(form).format(**values)

    env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext, tr=tr)
    env.filters["human_date"] = lambda day: tr.date(_day(day)) if day is not None else ""
    env.filters["day_month"] = lambda day: tr.day_month(_day(day)) if day is not None else ""
    env.filters["number"] = tr.number


def _day(day: Any) -> Any:
    return day.date() if hasattr(day, "date") and callable(day.date) else day


def script_with_messages(name: str, messages: dict[str, Any], source: Path) -> str:
    """The script at *source*, preceded by its words: ``KENNIS_MESSAGES[name]`` (it has none)."""
    words = json.dumps(messages, ensure_ascii=True, sort_keys=True)
    head = (
        "window.KENNIS_MESSAGES = window.KENNIS_MESSAGES || {};\n"
        f"window.KENNIS_MESSAGES[{json.dumps(name)}] = {words};\n"
    )
    return head + source.read_text(encoding="utf-8")
