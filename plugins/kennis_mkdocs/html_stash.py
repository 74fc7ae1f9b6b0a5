"""A report page's long lists kept out of Markdown: stashed while rendering, put back after."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from html.parser import HTMLParser

from markupsafe import Markup


class HtmlStash:
    """Pieces of HTML a report template renders as a placeholder, put back into the page's HTML.

    A report's lists and tables are HTML already (escaped by the template). Left in the Markdown,
    each would be read twice only to be passed through unchanged: by MkDocs' anchor scan and by
    Python-Markdown's HTML block parser (0.1 s for the Contributors page of 1,000 pages, issue 19).
    A template wraps the inside of a list in ``{% call stash() %}…{% endcall %}``: Markdown then
    reads only the frame around it, the placeholder stays inside that raw HTML block, and the
    page's HTML after ``restore`` is the same byte for byte.
    """

    def __init__(self) -> None:
        # A placeholder is plain text (Markdown leaves it alone anywhere) that no page can hold.
        self._prefix = f"kennis-stash-{secrets.token_hex(8)}-"
        # It ends in a letter: a digit right after one in the page is not read as part of it.
        self._pattern = re.compile(re.escape(self._prefix) + r"(\d+)x")
        self._pieces: list[str] = []

    def __call__(self, caller: Callable[[], str]) -> Markup:
        """``{% call stash() %}html{% endcall %}``: the placeholder of the rendered ``html``."""
        self._pieces.append(self.restore(caller()))  # a stash inside a stash: already its own
        return Markup(self._placeholder(len(self._pieces) - 1))

    def _placeholder(self, number: int) -> str:
        return f"{self._prefix}{number}x"

    def restore(self, html: str) -> str:
        """``html`` with every placeholder replaced by its piece."""
        if not self._pieces:
            return html
        return self._pattern.sub(lambda found: self._pieces[int(found[1])], html)

    def hide(self, html: str) -> str:
        """``html`` with its pieces as placeholders again, until `restore`.

        Only pieces still in the page unchanged, and none holding a ``data-search-`` attribute:
        the search plugin's clean-up would have removed that, and so must still see it. Where
        the same text also stands earlier in the page, that copy is the one hidden: `restore`
        puts the same text back, so the page comes back the same either way.
        """
        for number, piece in enumerate(self._pieces):
            if not piece or "data-search-" in piece:
                continue
            # Found by its start, then compared whole: a search for the whole piece would first
            # index all of it (~10 M instructions for the Contributors table).
            start = piece[:64]
            at = html.find(start)
            while at >= 0 and not html.startswith(piece, at):
                at = html.find(start, at + 1)
            if at >= 0:
                html = f"{html[:at]}{self._placeholder(number)}{html[at + len(piece) :]}"
        return html

    def anchor_ids(self) -> set[str]:
        """The ids the pieces hold, for MkDocs' anchor validation (which never saw them)."""
        ids: set[str] = set()
        for piece in self._pieces:
            if "id=" in piece or "name=" in piece:  # the reports' own templates have none
                parser = _Anchors(ids)
                parser.feed(piece)
                parser.close()
        return ids


class _Anchors(HTMLParser):
    """Collects ``id`` attributes and ``<a name>``, as MkDocs does for raw HTML."""

    def __init__(self, ids: set[str]) -> None:
        super().__init__()
        self.ids = ids

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if value is not None and (key == "id" or (key == "name" and tag == "a")):
                self.ids.add(value)
