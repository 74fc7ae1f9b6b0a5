"""The HTML the feedback plugin adds: the banner, the reported attribute and the widget's data."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig

from kennis.i18n import Translator

from ..context import SiteContext
from ..language import site_translator
from .config import FeedbackConfig

SCRIPT_URI = "assets/kennis-feedback.js"
SCRIPT_SOURCE = Path(__file__).resolve().parent.parent / "assets" / "kennis-feedback.js"
_PAGEINFO = re.compile(r'<aside class="kennis-pageinfo"')
_LEADING_H1 = re.compile(r"^\s*<h1\b[^>]*>.*?</h1>", re.S)


def widget_settings(title: str | None, tr: Translator) -> dict[str, Any]:
    """Material's ``extra.analytics.feedback``: 👍 / 👎; the script adds reasons after 👎."""
    return {
        "title": title or tr._("Was this page helpful?"),
        "ratings": [
            {
                "icon": "material/thumb-up-outline",
                "name": tr._("This page was helpful"),
                "data": 1,
                "note": tr._("Thanks for your feedback!"),
            },
            {
                "icon": "material/thumb-down-outline",
                "name": tr._("This page could be improved"),
                "data": 0,
                "note": "",
            },
        ],
    }


def script_messages(tr: Translator) -> dict[str, Any]:
    """The widget script's words (it has none of its own): the reasons after 👎 and its answers."""
    return {
        "reasons": [
            ["outdated", tr._("It is out of date")],
            ["unclear", tr._("It is unclear")],
            ["missing", tr._("Something is missing")],
            ["wrong", tr._("Something is wrong")],
            ["not_helpful", tr._("Something else")],
        ],
        "thanks": tr._("Thanks!"),
        "failed": tr._("Sorry, that did not work."),
        "unsent": tr._("Sorry, the report could not be sent."),
        "comment": tr._("What should change? (optional)"),
        "send": tr._("Send"),
    }


class FeedbackRenderer:
    """Per page: is it reported outdated (banner, attribute), and the widget's page data."""

    def __init__(
        self,
        context: SiteContext,
        reports: dict[str, dict[str, Any]],
        config: MkDocsConfig,
        options: FeedbackConfig,
    ) -> None:
        self.context = context
        self.reports = reports
        self.threshold = context.kb.config.outdated_reports
        self.endpoint = options.endpoint
        self.form_base = _form_base(config.repo_url, options.form)
        self.tr = site_translator(config)

    def reported(self, path: str) -> dict[str, Any] | None:
        found = self.reports.get(path)
        if not found:
            return None
        count = _count(found.get("outdated"))
        if found.get("reported") or found.get("by_owner") or count >= self.threshold:
            return found
        return None

    def insert(self, html: str, src_uri: str) -> str:
        path = self.context.repo_path(src_uri)
        page = self.context.kb.page(path)
        owner = page.owner.handle.text if page and page.owner else None
        block = self._data(src_uri, owner)
        found = self.reported(path)
        if found is not None:
            html = _PAGEINFO.sub(
                '<aside class="kennis-pageinfo" data-kennis-reported="outdated"', html
            )
            block = _banner(found, owner, self.tr) + block
        heading = _LEADING_H1.match(html)
        if heading is None:
            return block + html
        return html[: heading.end()] + block + html[heading.end() :]

    def _data(self, src_uri: str, owner: str | None) -> str:
        """The widget's page data, and the link that works without JavaScript."""
        form = self._form_url(src_uri)
        text = escape(self.tr._("Report this page as outdated"))
        link = f'<p class="kennis-feedback-fallback"><a href="{escape(form)}">{text}</a></p>'
        link = link if form else ""
        return (
            f'<div class="kennis-feedback" data-kennis-feedback hidden'
            f' data-page="{escape(src_uri)}" data-owner="{escape(owner or "")}"'
            f' data-endpoint="{escape(self.endpoint or "")}"></div>{link}'
        )

    def _form_url(self, src_uri: str) -> str | None:
        if self.form_base is None:
            return None
        query = urlencode(
            {"template": self.form_base[1], "title": f"[outdated] {src_uri}", "page": src_uri}
        )
        return f"{self.form_base[0]}?{query}"


def _banner(found: dict[str, Any], owner: str | None, tr: Translator) -> str:
    count = _count(found.get("outdated")) or 1
    try:
        since = date.fromisoformat(str(found.get("since")))
    except ValueError:  # a hand-edited or foreign file: still say it, without a wrong date
        since = date.today()
    title = tr._("Reported outdated")  # not inside the f-string: Babel's extractor skips those
    return (
        '<div class="admonition warning kennis-banner kennis-banner--reported"'
        ' data-kennis-reported="outdated" role="note">'
        f'<p class="admonition-title">{escape(title)}</p>'
        f"<p>{escape(banner_text(count, since, owner, tr))}</p></div>"
    )


def banner_text(count: int, since: date, owner: str | None, tr: Translator) -> str:
    """The banner: "2 colleagues reported on 3 December that this page may be out of date; …"."""
    day = tr.day_month(since)
    if owner:
        return tr.ngettext(
            "A colleague reported on {day} that this page may be out of date; {owner} has been asked.",
            "{n} colleagues reported on {day} that this page may be out of date; {owner} has been asked.",
            count,
            day=day,
            owner=owner,
        )
    return tr.ngettext(
        "A colleague reported on {day} that this page may be out of date; the knowledge team has been asked.",
        "{n} colleagues reported on {day} that this page may be out of date; the knowledge team has been asked.",
        count,
        day=day,
    )


def _form_base(repo_url: str | None, form: str) -> tuple[str, str] | None:
    if not repo_url or "github" not in repo_url:
        return None
    return repo_url.rstrip("/") + "/issues/new", form


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0
