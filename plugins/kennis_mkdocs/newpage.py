"""Write-a-new-page buttons on section indexes, wanted stubs and the Wanted pages page."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from kennis.i18n import Translator
from kennis.kb import effective_page
from kennis.newpage import WriteLink, branch_of, write_links
from kennis.page import Attributed, Fields
from kennis.paths import join

from .context import SiteContext
from .language import script_with_messages, site_translator

JS_URI = "assets/kennis/kennis-write.js"
JS_SOURCE = Path(__file__).parent / "assets" / "kennis-write.js"


def write_labels(tr: Translator) -> dict[str, str]:
    """Each type's button (a whole sentence per type: word order differs between languages)."""
    return {
        "article": tr._("Write a new article here"),
        "how-to": tr._("Write a new how-to guide here"),
        "checklist": tr._("Write a new checklist here"),
        "sop": tr._("Write a new standard procedure (SOP) here"),
        "story": tr._("Write a new story here"),
        "faq": tr._("Write a new FAQ here"),
        "quiz": tr._("Write a new quiz here"),
        "video": tr._("Write a new video here"),
        "podcast": tr._("Write a new podcast here"),
    }


@dataclass(frozen=True)
class WriteBlock:
    """What ``kennis/write.html`` shows for one folder."""

    folder: str
    intro: str
    links: list[WriteLink]
    owner: str | None
    prompt: bool = field(default=True)  # ask for the title in the browser


def add_script(config: MkDocsConfig, files: Files) -> None:
    """The small script that asks for the title (the links work without it)."""
    if JS_URI not in [str(s) for s in config.extra_javascript]:
        config.extra_javascript.append(JS_URI)
    if files.get_file_from_path(JS_URI) is None:
        words = {"title": site_translator(config)._("What is the title of the new page?")}
        code = script_with_messages("write", words, JS_SOURCE)
        files.append(File.generated(config, JS_URI, content=code))


def folder_owner(context: SiteContext, folder: str) -> Attributed | None:
    """Who would own a new page in ``folder`` (repo-relative), and the file that says so."""
    probe = join(folder, "new-page.md")
    return effective_page(context.kb, probe, Fields(probe, {}, {})).owner


def block_for(
    context: SiteContext, config: MkDocsConfig, folder: str, title: str | None, name: str | None
) -> WriteBlock | None:
    if not config.repo_url:
        return None
    owner = folder_owner(context, folder)
    links = write_links(config.repo_url, branch_of(config.edit_uri), folder, owner, title)
    tr = site_translator(config)
    labels = write_labels(tr)
    links = [WriteLink(link.kind, labels.get(link.kind, link.label), link.url) for link in links]
    if name is not None:  # a named file (a wanted page): keep its name
        links = [_renamed(link, name) for link in links]
    if title is None:
        intro = tr._("Know something this section is missing? Start a new page here:")
    else:
        intro = tr._("Know about this? Write it: pick the kind of page it should be.")
    who = owner.handle.text if owner else None
    return WriteBlock(folder, intro, links, who, prompt=title is None)


def _renamed(link: WriteLink, name: str) -> WriteLink:
    parts = urlsplit(link.url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query["filename"] = name
    url = parts._replace(query=urlencode(query, quote_via=quote)).geturl()
    return WriteLink(link.kind, link.label, url)


def page_block(
    context: SiteContext, config: MkDocsConfig, src_uri: str, env: jinja2.Environment
) -> str:
    """The buttons for a section index or a wanted stub, as HTML ("" for other pages)."""
    path = context.repo_path(src_uri)
    page = context.kb.pages.get(path)
    folder = posixpath.dirname(path)
    block = None
    if posixpath.basename(src_uri) in ("index.md", "README.md"):
        block = block_for(context, config, folder, None, None)
    elif page is not None and page.status == "wanted":
        stem = posixpath.basename(path).removesuffix(".md")
        title = page.title or stem.replace("-", " ").capitalize()
        block = block_for(context, config, folder, title, None)
        if block is not None:  # the stub's own name is taken: the new page sits next to it
            block = WriteBlock(
                folder,
                block.intro,
                [_renamed(link, f"{stem}-{link.kind}.md") for link in block.links],
                block.owner,
                prompt=False,
            )
    if block is None:
        return ""
    return env.get_template("kennis/write.html").render(write=block)


def missing_block(
    context: SiteContext, config: MkDocsConfig, src_uri: str, title: str
) -> WriteBlock | None:
    """Buttons for a page someone linked to: its own folder and file name, the suggested title."""
    path = context.repo_path(src_uri)
    return block_for(context, config, posixpath.dirname(path), title, posixpath.basename(path))
