"""The banner of a translation whose source changed, in the translation's own language."""

from __future__ import annotations

import re
from dataclasses import replace

from markupsafe import Markup, escape
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from kennis.i18n import translator
from kennis.status import PageStatus

from ..context import SiteContext
from .view import PageInfo

_LEADING_H1 = re.compile(r"^\s*<h1\b[^>]*>.*?</h1>", re.S)


def translation_banner(status: PageStatus, original_url: str | None) -> str:
    """HTML of the "may be behind" banner (empty unless the translation is behind)."""
    state = status.translation
    if state is None or not state.behind or state.changed_on is None:
        return ""
    tr = translator(state.language)  # the page's own language: its readers read that one
    when = Markup('<time datetime="{}">{}</time>').format(
        state.changed_on.isoformat(), tr.day_month(state.changed_on)
    )
    words = tr._("read the original")
    link = Markup('<a href="{}" hreflang="en">{}</a>').format(original_url, words)
    text = escape(
        tr._(
            "The original was changed on {when}; this translation may be behind — {original}",
        )
    ).format(when=when, original=link if original_url else words)
    title = escape(tr._("This translation may be behind"))
    return (
        f'<div class="admonition warning kennis-banner kennis-banner--translation" '
        f'data-search-exclude data-kennis-banner="translation" role="note" '
        f'lang="{escape(state.language.replace("_", "-"))}">\n'
        f'<p class="admonition-title">{title}</p>\n<p>{text}</p>\n</div>\n'
    )


def original_url(context: SiteContext, status: PageStatus, page: Page, files: Files) -> str | None:
    """The source page's URL relative to the translation (None when it is not in the site)."""
    if status.translation is None:
        return None
    file = context.built_file(files, status.translation.source)
    return file.url_relative_to(page.file) if file is not None else None


def insert_banner(html: str, banner: str) -> str:
    """Put ``banner`` right under the page's own title, above the other banners."""
    if not banner:
        return html
    heading = _LEADING_H1.match(html)
    if heading is None:
        return banner + html
    return html[: heading.end()] + banner + html[heading.end() :]


def without_due_banner(infos: dict[str, PageInfo], context: SiteContext) -> None:
    """A translation due only because it is behind shows the translation banner, not both."""
    for src_uri, info in infos.items():
        status = context.statuses.get(context.repo_path(src_uri))
        state = status.translation if status is not None else None
        if (
            state is not None
            and state.behind
            and info.banner == "due"
            and status is not None
            and status.freshness.due == state.behind_from
        ):
            infos[src_uri] = replace(info, banner=None)
