"""Put text from pages (titles, paths) into GitHub comments and issues so it shows literally.

This is the one neutraliser for everything the bot echoes: paths, titles, commands, ``/verify``
arguments. ``escape_inline`` makes prose (no HTML, no Markdown, no @-mention, no ``#123``
reference, no table break); ``code`` (in table cells) and ``inline_code`` (elsewhere) make a path
or argument a code span that cannot break out.
"""

from __future__ import annotations

import html
import re

# Markdown punctuation is backslash-escaped; "<>&" and "|" (table cells) become HTML entities.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!~-])")
# A zero-width joiner after "@" shows the same text but mentions nobody: a page title such as
# "@acme/everyone" must not notify a whole team when the bot quotes it.
_MENTION = re.compile(r"@(?=[A-Za-z0-9])")
# The same joiner after "#" keeps "#123" or "acme/kb#123" from linking (and notifying) an issue.
_REFERENCE = re.compile(r"#(?=\d)")
_BACKTICKS = re.compile(r"`+")


def escape_inline(text: str) -> str:
    """One line of literal text: no HTML, no Markdown, no table breaks, no mention or reference."""
    flat = " ".join(text.split())
    # Quotes need no escaping in text, and "&#x27;" would have its "#" backslashed below.
    escaped = _SPECIAL.sub(r"\\\1", html.escape(flat, quote=False))
    neutral = _REFERENCE.sub("#\u200d", _MENTION.sub("@\u200d", escaped))
    return neutral.replace("|", "&#124;")  # last: the entity's "#1" is not a reference


def code(text: str) -> str:
    """A path or name as inline code that survives tables and cannot break out of the span.

    GitHub neither mentions nor links references inside ``<code>``; a newline or other control
    character is shown as its escape (a backslash and "n"), so it cannot end a table row.
    """
    shown = _visible(text)
    return "<code>" + html.escape(shown, quote=True).replace("|", "&#124;") + "</code>"


def inline_code(text: str) -> str:
    """A path or argument as a Markdown code span (for lists and prose, not table cells).

    Inside a code span GitHub mentions nobody and links nothing; the fence is one backtick longer
    than any run of backticks in ``text``, so the text cannot close it early, and control
    characters are shown as escapes so a newline cannot start a new line of Markdown.
    """
    shown = _visible(text)
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(shown)), default=0) + 1)
    pad = " " if "`" in shown else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


def _visible(text: str) -> str:
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def escape_lines(text: str) -> str:
    """Several lines of literal text (a reader's paragraphs): each line as `escape_inline` makes it."""
    return "\n".join(escape_inline(line) if line.strip() else "" for line in text.splitlines())


def plain_title(text: str, limit: int = 100) -> str:
    """One line for an issue or PR title (not Markdown): mentions and references made inert."""
    flat = " ".join(text.split())[:limit]
    return _REFERENCE.sub("#\u200d", _MENTION.sub("@\u200d", flat))
