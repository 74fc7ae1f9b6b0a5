"""Put text from pages (titles, paths) into GitHub comments and issues so it shows literally."""

from __future__ import annotations

import html
import re

# Markdown punctuation is backslash-escaped; "<>&" and "|" (table cells) become HTML entities.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!~-])")
# A zero-width joiner after "@" shows the same text but mentions nobody: a page title such as
# "@acme/everyone" must not notify a whole team when the bot quotes it.
_MENTION = re.compile(r"@(?=[A-Za-z0-9])")


def escape_inline(text: str) -> str:
    """One line of literal text: no HTML, no Markdown, no table breaks, no @-mentions."""
    flat = " ".join(text.split())
    escaped = _SPECIAL.sub(r"\\\1", html.escape(flat, quote=True)).replace("|", "&#124;")
    return _MENTION.sub("@\u200d", escaped)


def code(text: str) -> str:
    """A path or name as inline code that survives tables and cannot break out of the span."""
    return "<code>" + html.escape(text, quote=True).replace("|", "&#124;") + "</code>"
