"""A knowledge base loaded from a tree: config, CODEOWNERS, folder defaults and effective pages."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from .codeowners import LOCATIONS, CodeOwners, parse_codeowners
from .config import CONFIG_PATH, REVIEWS_PATH, Config, parse_config
from .errors import Problem
from .freshness import due_date_problem
from .frontmatter import parse_page
from .kb_checks import (
    META_FILE,
    PAGE_SUFFIX,
    disagreement,
    special_entries,
    typos,
    unsafe_names,
)
from .mkdocs_yml import SiteConfig, load_site_config
from .page import (
    DEFAULT,
    Attributed,
    Fields,
    Page,
    Source,
    validate_fields,
)
from .paths import is_under, join, parents
from .reviews_file import parse_reviews
from .texts import N_
from .translations import split_translation, translations_among
from .tree import Tree
from .yamlload import load_yaml

_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.M)


@dataclass
class KnowledgeBase:
    """Everything the core knows about a knowledge base, plus every problem found loading it."""

    config: Config
    codeowners: CodeOwners
    metas: dict[str, Fields] = field(default_factory=dict)  # folder → its .meta.yml
    pages: dict[str, Page] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    site: SiteConfig | None = None  # mkdocs.yml, when there is one
    reviews: dict[str, Fields] = field(default_factory=dict)  # front_matter: false sidecar
    # page.<lang>.md beside page.md: translation path → (source path, language)
    translations: dict[str, tuple[str, str]] = field(default_factory=dict)
    # page path → its front matter's text and mapping (``load_kb(keep_front_matter=True)``)
    front_matter: dict[str, tuple[str, dict[object, object]]] = field(default_factory=dict)

    def excluded(self, path: str) -> bool:
        """A page MkDocs' ``exclude_docs`` leaves out of the site: in no report, count or link."""
        if self.site is None or not path.endswith(PAGE_SUFFIX):
            return False
        content = self.config.content_dir
        if content and not is_under(path, content):
            return False
        return self.site.excluded(path[len(content) + 1 :] if content else path)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def page(self, path: str) -> Page | None:
        return self.pages.get(path)

    def problems_for(self, paths: Iterable[str]) -> list[Problem]:
        wanted = set(paths)
        return [p for p in self.problems if p.path in wanted]


def load_settings(tree: Tree) -> tuple[Config, SiteConfig | None, list[Problem]]:
    """The config with the content folder settled (kennis.yml, else mkdocs.yml's ``docs_dir``).

    Reads two small files and lists nothing: what ``kennis index`` needs.
    """
    config, problems = parse_config(tree.read(CONFIG_PATH))
    site, found = load_site_config(tree.read)
    return _docs_folder(config, site), site, problems + found + disagreement(config, site)


def load_kb(
    tree: Tree, only: Iterable[str] | None = None, *, keep_front_matter: bool = False
) -> KnowledgeBase:
    """Load config, CODEOWNERS, every ``.meta.yml`` and the pages (all, or just ``only``).

    ``keep_front_matter``: fill ``front_matter`` (a site build hands it to MkDocs).
    """
    config, site, problems = load_settings(tree)
    codeowners = CodeOwners()
    for location in LOCATIONS:
        raw = tree.read(location)
        if raw is not None:
            codeowners, found = parse_codeowners(raw, location)
            problems += found
            break
    kb = KnowledgeBase(config, codeowners, problems=problems, site=site)
    listing = [p for p in sorted(tree.files(config.content_dir)) if not kb.excluded(p)]
    kb.problems += special_entries(tree, config.content_dir) + unsafe_names(listing, config)
    for path in listing:
        if path.rsplit("/", 1)[-1] == META_FILE:
            _load_meta(kb, tree, path)
    if not config.front_matter:
        kb.reviews, found = parse_reviews(tree.read(REVIEWS_PATH))
        kb.problems += found
    wanted = set(only) if only is not None else None
    kb.translations = translations_among(p for p in listing if p.endswith(PAGE_SUFFIX))
    for path in listing:
        if path.endswith(PAGE_SUFFIX) and (wanted is None or path in wanted):
            _load_page(kb, path, tree.read(path) or b"", tree, keep_front_matter)
    return kb


def _source_owner(kb: KnowledgeBase, tree: Tree, page: Page) -> Page:
    """A translation without an owner of its own has its source's (a regional team may own it).

    Only an owner the source's front matter names: folder defaults, CODEOWNERS and the fallback
    already apply to the translation as they do to any page.
    """
    if page.source is None or page.owner_via == "page":
        return page
    front, _ = parse_page(tree.read(page.source) or b"", page.source)
    if front is None:
        return page
    own, _ = validate_fields(front.located, page.source)
    if "owner" not in own.scalars:
        return page
    owner = Attributed(*own.scalars["owner"])
    extra = [Attributed(h, where) for h, where in own.lists.get("coauthors", [])]
    coauthors = _dedupe([*extra, *page.coauthors], owner)
    return replace(page, owner=owner, owner_via="page", coauthors=coauthors)


def content_dir_of(read: Callable[[str], bytes | None]) -> str:
    """The content folder the settings read through ``read`` name (kennis.yml, else mkdocs.yml)."""
    config, _ = parse_config(read(CONFIG_PATH))
    site, _ = load_site_config(read)
    return _docs_folder(config, site).content_dir


def _docs_folder(config: Config, site: SiteConfig | None) -> Config:
    """Without ``content_dir`` in kennis.yml, the docs folder is mkdocs.yml's ``docs_dir``."""
    if site is None or config.content_dir_source != DEFAULT:
        return config
    return replace(config, content_dir=site.docs_dir)


def _load_meta(kb: KnowledgeBase, tree: Tree, path: str) -> None:
    located, problem = load_yaml(_text(tree.read(path) or b""), path)
    if problem:
        kb.problems.append(problem)
        return
    if located is not None and located.value is not None and not isinstance(located.value, dict):
        kb.problems.append(
            Problem(path, 1, 1, N_('a .meta.yml must be keys and values, e.g. `owner: "@alice"`'))
        )
        return
    fields, problems = validate_fields(located, path)
    kb.problems += problems + typos(located.value if located else None, located, path)
    kb.metas[path.rsplit("/", 1)[0] if "/" in path else ""] = fields


def _text(raw: bytes) -> str:
    return raw.decode("utf-8-sig", errors="replace")


def _load_page(kb: KnowledgeBase, path: str, raw: bytes, tree: Tree, keep: bool = False) -> None:
    front, problems = parse_page(raw, path)
    kb.problems += problems
    if front is None:
        return
    fields, problems = validate_fields(front.located, path)
    kb.problems += problems + typos(front.data, front.located, path)
    if keep and front.located is not None and isinstance(front.located.value, dict):
        kb.front_matter[path] = (front.yaml, front.located.value)
    page = effective_page(kb, path, fields, _first_heading(front.text, front.body_line))
    _check_due_date(kb, page, fields)
    _check_translation(kb, page, fields)
    page = _source_owner(kb, tree, page)
    if page.owner is None:
        kb.problems.append(
            Problem(
                path,
                1,
                1,
                N_(
                    'this page has no owner: add `owner: "@login"` to its front matter or to a '
                    ".meta.yml in its folder, add a CODEOWNERS rule, or set fallback_owner in "
                    "{config}",
                    config=CONFIG_PATH,
                ),
            )
        )
    kb.pages[path] = page


def _check_translation(kb: KnowledgeBase, page: Page, own: Fields) -> None:
    """``translation_of`` belongs on ``page.<lang>.md`` beside its source ``page.md``."""
    if "translation_of" not in own.scalars or page.source is not None:
        return
    line, col = own.where.get("translation_of", (1, 1))
    named = split_translation(page.path, lambda _source: True)
    message = (
        f"the source {named[0]} is not a page of this knowledge base"
        if named is not None
        else "this page is not a translation: name it page.<language>.md (e.g. page.nl.md) "
        "beside its source page.md, or remove the key"
    )
    kb.problems.append(Problem(page.path, line, col, f"translation_of: {message}"))


def _check_due_date(kb: KnowledgeBase, page: Page, own: Fields) -> None:
    """Report a ``reviewed:`` date whose due date falls outside the calendar, at the date itself."""
    if page.reviewed is None:
        return
    message = due_date_problem(page.reviewed, page.review_every, kb.config.due_soon)
    if message is None:
        return
    layer = next(f for f in (own, *reversed(_chain(kb, page.path))) if "reviewed" in f.scalars)
    line, col = layer.where.get("reviewed", (layer.scalars["reviewed"][1].line, 1))
    problem = Problem(layer.path, line, col, N_("{key}: {error}", key="reviewed", error=message))
    if problem not in kb.problems:  # a folder default is reported once, not once per page
        kb.problems.append(problem)


def _first_heading(text: str, body_line: int) -> str | None:
    body = text.split("\n", body_line - 1)[-1] if body_line > 1 else text
    match = _HEADING.search(body)
    return match.group(1).strip() if match else None


def _chain(kb: KnowledgeBase, path: str) -> list[Fields]:
    """The .meta.yml files that apply to ``path``, root first (Material's meta plugin order)."""
    content = kb.config.content_dir
    return [kb.metas[f] for f in parents(path) if f in kb.metas and is_under(f, content)]


def effective_page(kb: KnowledgeBase, path: str, own: Fields, heading: str | None = None) -> Page:
    """Merge folder defaults and the page (nearest scalar wins, lists add up), then owners."""
    layers = [*_chain(kb, path), own]
    if path in kb.reviews:  # front_matter: false keeps confirmations in the sidecar
        layers.append(kb.reviews[path])
    scalars: dict[str, tuple[Any, Source]] = {}
    lists: dict[str, list[tuple[Any, Source]]] = {}
    for layer in layers:
        scalars.update(layer.scalars)
        for key, items in layer.lists.items():
            lists.setdefault(key, []).extend(items)
    owner, via, extra = _resolve_owner(kb, path, scalars.get("owner"), "owner" in own.scalars)
    coauthors = _dedupe([Attributed(h, s) for h, s in lists.get("coauthors", [])] + extra, owner)
    every, every_source = scalars.get(
        "review_every", (kb.config.review_every, kb.config.review_every_source)
    )
    title = scalars["title"][0] if "title" in scalars else heading
    tags = tuple(dict.fromkeys(t for t, _ in lists.get("tags", [])))
    return Page(
        path=path,
        title=title,
        owner=owner,
        coauthors=coauthors,
        owner_via=via,
        reviewed=_value(scalars, "reviewed"),
        reviewed_by=_value(scalars, "reviewed_by"),
        review_every=every,
        review_every_source=every_source,
        type=_value(scalars, "type") or "article",
        status=_value(scalars, "status") or "published",
        tags=tags,
        archived=_value(scalars, "archived"),
        snoozed_until=_value(scalars, "snoozed_until"),
        requested_in=_value(own.scalars, "requested_in"),  # the page's own, never a folder's
        language=kb.translations[path][1] if path in kb.translations else None,
        source=kb.translations[path][0] if path in kb.translations else None,
        translation_of=_value(own.scalars, "translation_of"),  # never from a folder default
    )


def _value(scalars: dict[str, tuple[Any, Source]], key: str) -> Any:
    return scalars[key][0] if key in scalars else None


def _resolve_owner(
    kb: KnowledgeBase, path: str, from_meta: tuple[Any, Source] | None, on_page: bool
) -> tuple[Attributed | None, str, list[Attributed]]:
    """Front matter → .meta.yml chain → CODEOWNERS (last match) → fallback_owner."""
    if from_meta is not None:
        return Attributed(*from_meta), "page" if on_page else "meta", []
    rule = kb.codeowners.match(path)
    if rule is not None and rule.owners:
        owner, *rest = (Attributed(h, rule.source) for h in rule.owners)
        return owner, "codeowners", rest
    if kb.config.fallback_owner is not None:
        return Attributed(kb.config.fallback_owner, kb.config.fallback_source), "fallback", []
    return None, "none", []


def _dedupe(people: list[Attributed], owner: Attributed | None) -> tuple[Attributed, ...]:
    seen = {owner.handle.key} if owner else set()
    result = []
    for person in people:
        if person.handle.key not in seen:
            seen.add(person.handle.key)
            result.append(person)
    return tuple(result)


def meta_path(folder: str) -> str:
    return join(folder, META_FILE)


__all__ = ["DEFAULT", "KnowledgeBase", "effective_page", "load_kb", "meta_path"]
