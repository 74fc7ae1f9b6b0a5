"""Messages made before the reader's language is known: English text that can be said again later.

The core validates content long before anyone picks a language (a page is checked while the
config that names the language is still being read). ``N_("{key}: {error}", key=..., error=...)``
is the English text, a ``str`` like any other message, that also keeps its catalogue message and
values; :func:`say` turns it into another language at the boundary (``kennis check``, the bot).
Babel's extractor finds ``N_`` like ``_``; the values may be texts themselves.
"""

from __future__ import annotations

from typing import Any

from .i18n import Translator


class Text(str):
    """English text that remembers the message it was made from, and the values filled in."""

    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, values: dict[str, Any]) -> Text:
        text = super().__new__(cls, template.format(**values) if values else template)
        text.template, text.values = template, values
        return text

    def __reduce__(self) -> tuple[Any, ...]:  # copies and pickles keep the message
        return (Text, (self.template, self.values))

    def say(self, tr: Translator) -> str:
        """The text in *tr*'s language (values that are texts are said in it too)."""
        return tr._(self.template, **{key: say(v, tr) for key, v in self.values.items()})


def N_(template: str, /, **values: Any) -> Text:
    """The English text of *template* with *values*; said in another language with :func:`say`."""
    return Text(template, values)


def say(text: object, tr: Translator) -> Any:
    """*text* in *tr*'s language if it is a :class:`Text`; anything else unchanged."""
    return text.say(tr) if isinstance(text, Text) else text


def error_text(exc: Exception) -> str:
    """The message of a ``ValueError`` the core raised, a :class:`Text` when it was made as one."""
    first = exc.args[0] if len(exc.args) == 1 else None
    return first if isinstance(first, str) else str(exc)
