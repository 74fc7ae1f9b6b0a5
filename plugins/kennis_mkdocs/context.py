"""The knowledge base and its history, loaded ONCE per build and shared by every kennis plugin.

MkDocs builds a new config (and new plugin instances) for every build, ``mkdocs serve`` rebuilds
included, so the cache is keyed by the identity of the build's config. The history index is also
kept across rebuilds while HEAD does not move: a rebuild after editing a page reads no git history.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files

from kennis.config import CONFIG_PATH
from kennis.errors import KennisError
from kennis.history import HistoryIndex
from kennis.history_build import index_for
from kennis.i18n import Translator
from kennis.kb import KnowledgeBase, load_kb
from kennis.repository import commit_command, git_program
from kennis.status import PageStatus, assess_pages
from kennis.tree import WorkTree

from .language import site_translator
from .options import KennisConfig, resolve_as_of, resolve_history_cache

log = get_plugin_logger(__name__)

#: How often the expensive parts ran in this process (the benchmark and tests read these).
STATS = {"kb_loads": 0, "history_reads": 0}


class RecordingTree(WorkTree):
    """A work tree that keeps the Markdown it read, so links can be scanned without a re-read.

    It walks each folder once (loading the base lists its files, then its special entries).
    Without a ``.github/kennis.yml`` the content folder is MkDocs' ``docs_dir`` (the core's default
    is ``content``): a site with its docs elsewhere needs no kennis.yml just to say so.
    """

    def __init__(self, root: Path, docs_dir: str) -> None:
        super().__init__(root)
        self.markdown: dict[str, str] = {}
        self.walked: dict[str, list[tuple[str, str]]] = {}
        self.default_config = f"content_dir: {json.dumps(docs_dir or '.')}\n".encode()

    def files(self, folder: str) -> Iterable[str]:
        return [path for path, kind in self._entries(folder) if kind == ""]

    def special(self, folder: str) -> Iterable[tuple[str, str]]:
        return [(path, kind) for path, kind in self._entries(folder) if kind]

    def _entries(self, folder: str) -> list[tuple[str, str]]:
        """One walk of a folder per build: loading the base asks for its files and specials."""
        found = self.walked.get(folder)
        if found is None:
            found = self.walked[folder] = list(self._walk(folder))
        return found

    def read(self, path: str) -> bytes | None:
        raw = super().read(path)
        if raw is None and path == CONFIG_PATH:
            return self.default_config
        if raw is not None and path.endswith(".md"):
            self.markdown[path] = raw.decode("utf-8-sig", errors="replace")
        return raw


@dataclass
class SiteContext:
    """What every kennis plugin needs for one build: pages, history and freshness as of a day."""

    root: Path
    content_dir: str
    kb: KnowledgeBase
    index: HistoryIndex | None
    as_of: date
    markdown: dict[str, str]
    _statuses: dict[str, PageStatus] | None = field(default=None, repr=False)

    def repo_path(self, src_uri: str) -> str:
        """``sharing/index.md`` (MkDocs, relative to docs_dir) → ``content/sharing/index.md``."""
        return f"{self.content_dir}/{src_uri}" if self.content_dir else src_uri

    def src_uri(self, repo_path: str) -> str:
        prefix = f"{self.content_dir}/" if self.content_dir else ""
        return repo_path.removeprefix(prefix)

    def built_file(self, files: Files, repo_path: str) -> File | None:
        """The build's file of the page at ``repo_path`` (None: not in this build).

        Looked up by its ``src_uri`` as it is: the knowledge base's paths are POSIX and
        normalised already, and MkDocs' ``get_file_from_path`` normalising each again through
        ``PurePath`` cost ~35,000 instructions a call, several calls a page (issue 19).
        """
        return files.src_uris.get(self.src_uri(repo_path))

    @property
    def statuses(self) -> dict[str, PageStatus]:
        """Every page's status as of ``as_of``, keyed by repo-relative path."""
        if self._statuses is None:
            found = assess_pages(self.kb, self.index, self.as_of)
            self._statuses = {s.page.path: s for s in found}
        return self._statuses


_current: tuple[MkDocsConfig, SiteContext] | None = None
_history_cache: dict[tuple[str, str, str, str | None], HistoryIndex] = {}


def site_context(config: MkDocsConfig) -> SiteContext:
    """The shared context of this build; loaded by whichever kennis plugin asks first."""
    global _current
    if _current is not None and _current[0] is config:
        return _current[1]
    context = _load(config)
    _current = (config, context)
    return context


def _shared(config: MkDocsConfig) -> tuple[date | None, str | None, str | bool]:
    """``as_of``, ``manifest`` and ``history_cache``: the first enabled kennis plugin's that sets it."""
    as_of, manifest = None, None
    cache: str | bool | None = None
    for plugin in config.plugins.values():
        options = getattr(plugin, "config", None)
        if isinstance(options, KennisConfig) and options.enabled:
            as_of = as_of or options.as_of
            manifest = manifest or options.manifest
            value = options.history_cache
            if cache is None and value is not True and isinstance(value, str | bool):
                cache = value
    return as_of, manifest, True if cache is None else cache


def _load(config: MkDocsConfig) -> SiteContext:
    root = Path(config.config_file_path or ".").resolve().parent
    tree = RecordingTree(root, _docs_dir(root, Path(config.docs_dir)))
    kb = load_kb(tree, keep_front_matter=True)  # MkDocs gets it: pageinfo/sources.py
    STATS["kb_loads"] += 1
    content_dir = _content_dir(root, Path(config.docs_dir), kb)
    report_problems(kb, site_translator(config))
    as_of, manifest, cache = _shared(config)
    cache_file = resolve_history_cache(cache, root, config.site_dir)
    index = _history(root, kb, Path(manifest) if manifest else None, cache_file)
    return SiteContext(root, content_dir, kb, index, resolve_as_of(as_of), tree.markdown)


def _docs_dir(root: Path, docs_dir: Path) -> str:
    """``docs_dir`` relative to the folder of mkdocs.yml (the repository root)."""
    try:
        relative = docs_dir.resolve().relative_to(root).as_posix()
    except ValueError:
        raise PluginError(f"kennis: docs_dir {docs_dir} must lie inside {root}") from None
    return "" if relative == "." else relative


def _content_dir(root: Path, docs_dir: Path, kb: KnowledgeBase) -> str:
    relative = _docs_dir(root, docs_dir)
    if relative != kb.config.content_dir.strip("./"):
        raise PluginError(
            f"kennis: docs_dir is {relative!r} but .github/kennis.yml says content_dir is "
            f"{kb.config.content_dir!r}; make them name the same folder"
        )
    return relative


def report_problems(kb: KnowledgeBase, tr: Translator) -> None:
    """Warnings go to the log (``--strict`` fails on them); errors stop the build, all at once.

    Both in the site's language, as far as the core made them translatable.
    """
    for problem in kb.problems:
        if problem.severity != "error":
            log.warning(problem.said(tr))
    errors = [problem.said(tr) for problem in kb.errors]
    if errors:
        found = tr.ngettext(
            "kennis found {n} problem in the content:",
            "kennis found {n} problems in the content:",
            len(errors),
        )
        raise PluginError(found + "\n  " + "\n  ".join(errors))


def _head(root: Path) -> str:
    """HEAD's commit, in one ``git rev-parse``; empty when there is none to key the memo by.

    Not GitPython: its import and its two ``git version`` calls cost a build ~0.1 s of CPU.
    """
    try:
        found = subprocess.run(
            commit_command(git_program(), root, "HEAD"), capture_output=True, check=False
        )
    except OSError:
        return ""
    return found.stdout.decode("ascii", "replace").strip() if found.returncode == 0 else ""


def _history(
    root: Path, kb: KnowledgeBase, manifest: Path | None, cache: Path | bool
) -> HistoryIndex:
    key = (str(root), kb.config.content_dir, _head(root), str(manifest) if manifest else None)
    if key[2] and key in _history_cache:
        log.debug("history unchanged since the last build (HEAD %s)", key[2][:10])
        return _history_cache[key]
    started = time.perf_counter()
    try:
        index = index_for(root, kb.config, manifest=manifest, cache=cache)
    except KennisError as error:
        text = "; ".join(str(p) if p.path else p.message for p in error.problems)
        hint = ""
        if "not a git repository" in text:
            hint = (
                ": kennis dates pages and credits contributors from git history. Build from a git"
                " clone, give a history manifest (`manifest:`), or set `enabled: false` on the"
                " kennis plugins"
            )
        raise PluginError(f"kennis: {text}{hint}") from None
    STATS["history_reads"] += 1
    log.info(
        "read the history of %d pages in %.2f s", len(index.pages), time.perf_counter() - started
    )
    _history_cache.clear()
    _history_cache[key] = index
    return index
