"""``kennis new``: a new page from its type's template, placed and owned sensibly."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from importlib import resources

from .errors import KennisError
from .handles import Handle
from .kb import KnowledgeBase, effective_page
from .page import TYPES, Attributed, Fields
from .paths import is_under, join, normalize
from .texts import N_


@dataclass(frozen=True)
class NewPage:
    """What ``kennis new`` is about to write."""

    path: str
    text: str
    owner: Handle | None  # None: inherited, so not written into the page
    owner_via: str
    resolved: Attributed | None = None  # who will own it, and the file and line that says so

    def owner_line(self) -> str:
        """``@acme/kitchen-leads, from content/operations/kitchen/.meta.yml:2``."""
        if self.owner is not None:
            return N_("{owner}, from --owner", owner=self.owner.text)
        if self.resolved is None:
            return N_("nobody yet")
        return N_(
            "{owner}, from {source}", owner=self.resolved.handle.text, source=self.resolved.source
        )


def slugify(title: str) -> str:
    """A file name from a title: ``"Closing the kitchen (night)"`` → ``closing-the-kitchen-night``."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:80].rstrip("-") or "page"


def template(kind: str) -> str:
    if kind not in TYPES:
        raise KennisError(
            N_(
                'unknown page type "{kind}" (choose one of: {types})',
                kind=kind,
                types=", ".join(TYPES),
            )
        )
    return resources.files("kennis").joinpath("templates", f"{kind}.md").read_text("utf-8")


def _yaml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def plan_new_page(
    kb: KnowledgeBase, kind: str, title: str, section: str, owner: Handle | None, today: date
) -> NewPage:
    """Fill the template; refuse when nobody would own the page or the file already exists."""
    if not title.strip():
        raise KennisError(N_("the title is empty"))
    folder = section_folder(kb.config.content_dir, section)
    path = join(folder, slugify(title) + ".md")
    inherited = effective_page(kb, path, Fields(path, {}, {}))
    if owner is None and inherited.owner is None:
        raise KennisError(N_("nobody owns {folder}/ yet: pass --owner @your-login", folder=folder))
    text = template(kind).replace("{{title}}", _yaml_string(title.strip())[1:-1])
    text = text.replace("{{reviewed}}", today.isoformat())
    if owner is not None:
        text = text.replace("{{owner}}", owner.text)
        via = "page"
    else:
        # Inherit the folder's owner rather than copying it: a later change of folder owner applies.
        text = re.sub(r"(?m)^owner:.*\{\{owner\}\}.*\r?\n", "", text)
        via = inherited.owner_via
    return NewPage(path, text, owner, via, inherited.owner)


def section_folder(content_dir: str, section: str) -> str:
    """The folder of ``--in SECTION``; refused when it is not inside the content folder."""
    content = normalize(content_dir)
    try:
        folder = normalize(join(content, section.strip().lstrip("/"))) if section else content
    except ValueError:
        folder = None
    if folder is None or not is_under(folder, content):
        raise KennisError(
            N_(
                "--in {section}: pages live inside {folder}/; name a section folder there"
                " (e.g. --in kitchen)",
                section=section,
                folder=content or N_("the repository"),
            )
        )
    return folder
