"""Ask for a page: the box on the Wanted pages page and section indexes, and the search hook."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from kennis.i18n import Translator

from .language import script_with_messages, site_translator

JS_URI = "assets/kennis/kennis-ask.js"
JS_SOURCE = Path(__file__).parent / "assets" / "kennis-ask.js"
FORM = "request.yml"  # .github/ISSUE_TEMPLATE/request.yml


@dataclass(frozen=True)
class AskBox:
    """What ``kennis/ask.html`` shows: where to send a request, with or without a GitHub account."""

    section: str
    endpoint: str | None  # POST /requests of the App (readers without GitHub)
    issue_url: str | None  # the issue form on GitHub, the section filled in


def ask_box(config: MkDocsConfig, endpoint: str | None, section: str = "") -> AskBox | None:
    """The box, or None when the site has neither the App's endpoint nor a GitHub repository."""
    issue_url = None
    if config.repo_url and "github" in config.repo_url:
        # "Request: " is the issue form's title prefix, which the App reads: not translated.
        query = {"template": FORM, "title": "Request: ", "labels": "kennis:request"}
        if section:
            query["section"] = section  # GitHub fills an issue form's field from its id
        issue_url = f"{config.repo_url.rstrip('/')}/issues/new?{urlencode(query, quote_via=quote)}"
    if not endpoint and not issue_url:
        return None
    return AskBox(section, endpoint or None, issue_url)


def add_ask_script(config: MkDocsConfig, files: Files, wanted_src_uri: str) -> None:
    """The script behind the box and the "Ask for a page" link under an empty search result.

    It learns where the Wanted pages page is from a first line written here (site-root
    relative), so every page's search can send the reader there with the query filled in.
    """
    if JS_URI not in [str(s) for s in config.extra_javascript]:
        config.extra_javascript.append(JS_URI)
    wanted = files.get_file_from_path(wanted_src_uri)
    where = json.dumps(wanted.url if wanted is not None else "")
    words = script_messages(site_translator(config))
    code = f"var KENNIS_WANTED_URL = {where};\n" + script_with_messages("ask", words, JS_SOURCE)
    existing = files.get_file_from_path(JS_URI)
    if existing is not None:
        files.remove(existing)
    files.append(File.generated(config, JS_URI, content=code))


def script_messages(tr: Translator) -> dict[str, str]:
    """The ask script's words (it has none of its own)."""
    return {
        "unsent": tr._("Not sent: {error}"),
        "unreachable": tr._("Not sent: the server could not be reached."),
        "about": tr._("Ask for a page about “{query}”"),
        # Material's own words under a search that found nothing, which the script looks for.
        "none": tr._("No matching documents"),
    }
