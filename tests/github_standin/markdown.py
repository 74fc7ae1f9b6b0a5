"""What GitHub would link in a comment body: @-mentions and #references outside code."""

from __future__ import annotations

import re

# GitHub skips text inside code spans and <code>/<pre> elements when it links mentions and
# references; a mention needs a non-word character (or nothing) right before the "@".
_CODE_ELEMENT = re.compile(r"<(code|pre)\b[^>]*>.*?</\1>", re.S | re.I)
_MENTION = re.compile(r"(?<![\w`@])@([A-Za-z0-9][A-Za-z0-9-]*(?:/[A-Za-z0-9][\w.-]*)?)")
_REFERENCE = re.compile(r"(?<![\w&])(?:[\w.-]+/[\w.-]+)?#(\d+)\b")
_HIDDEN = re.compile(r"<!--.*?-->", re.S)


def _outside_code(body: str) -> str:
    """The body with code spans (CommonMark: equal backtick runs) and code elements removed."""
    text = _HIDDEN.sub(" ", _CODE_ELEMENT.sub(" ", body))
    out, i = [], 0
    while i < len(text):
        if text[i] == "`":
            run = len(text[i:]) - len(text[i:].lstrip("`"))
            fence = "`" * run
            end = text.find(fence, i + run)
            while end != -1 and text[end + run : end + run + 1] == "`":
                end = text.find(fence, end + run + 1)
            if end != -1:
                out.append(" ")
                i = end + run
                continue
            out.append(fence)
            i += run
            continue
        out.append(text[i])
        i += 1
    return "".join(out)


def mentions(body: str) -> list[str]:
    """Logins and teams GitHub would notify for this Markdown (``acme/kitchen-leads``, ``alice``)."""
    return _MENTION.findall(_outside_code(body))


def references(body: str) -> list[str]:
    """Issue or pull request numbers GitHub would link (and notify) for this Markdown."""
    return _REFERENCE.findall(_outside_code(body))
