"""Write-a-new-page buttons: GitHub new-file editor links with a type's template filled in.

GitHub opens ``{repo}/new/{branch}/{folder}?filename=…&value=…`` with the file name and text in
place; a person without write access gets a fork and a pull request from the same page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from .page import TYPES, Attributed
from .scaffold import slugify, template

TITLE_PLACEHOLDER = "{{title}}"
LABELS = {"how-to": "how-to guide", "sop": "standard procedure (SOP)", "faq": "FAQ"}


@dataclass(frozen=True)
class WriteLink:
    """One button: which type, its label and the editor address."""

    kind: str
    label: str
    url: str


def filled_template(kind: str, title: str | None, owner: Attributed | None) -> str:
    """The type's template for the web editor, ready to write in.

    The title is filled (or left for the author to fill), ``reviewed:`` is left out (the first
    commit counts) and the inherited owner is named in a comment.
    """
    text = template(kind)
    if title is not None:
        text = text.replace(TITLE_PLACEHOLDER, title.replace("\\", "\\\\").replace('"', '\\"'))
    text = re.sub(r"(?m)^reviewed:.*\{\{reviewed\}\}.*\n", "", text)
    text = re.sub(r"(?m)^status: draft.*\n", "", text)  # the pull request is the draft
    who = (
        f"# Reviewed by this folder's owner, {owner.handle.text} (set in {owner.source})."
        if owner is not None
        else '# Nobody owns this folder yet: add a line owner: "@your-login".'
    )
    return re.sub(r"(?m)^owner:.*\{\{owner\}\}.*\n", who + "\n", text)


def new_file_url(repo_url: str, branch: str, folder: str, filename: str, value: str) -> str:
    """GitHub's new-file editor in ``folder`` with ``filename`` and ``value`` filled in."""
    path = quote(f"{branch}/{folder}".strip("/"), safe="/")
    query = urlencode({"filename": filename, "value": value}, quote_via=quote)
    return f"{repo_url.rstrip('/')}/new/{path}?{query}"


def write_links(
    repo_url: str,
    branch: str,
    folder: str,
    owner: Attributed | None,
    title: str | None = None,
    kinds: tuple[str, ...] = TYPES,
) -> list[WriteLink]:
    """One link per content type for a new page in ``folder`` (repo-relative)."""
    links = []
    for kind in kinds:
        name = f"{slugify(title)}.md" if title else f"new-{kind}.md"
        value = filled_template(kind, title, owner)
        label = f"Write a new {LABELS.get(kind, kind)} here"
        links.append(WriteLink(kind, label, new_file_url(repo_url, branch, folder, name, value)))
    return links


def branch_of(edit_uri: str | None, default: str = "main") -> str:
    """The branch in MkDocs' ``edit_uri`` (``edit/main/content/`` → ``main``)."""
    match = re.match(r"^/?(?:edit|blob|tree)/([^/]+)/", edit_uri or "")
    return match.group(1) if match else default
