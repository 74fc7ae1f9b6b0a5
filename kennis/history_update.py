"""The history index through its cache: the commits since the cached one, merged page by page.

`kennis.history_build.build_index` comes here unless asked for no cache; the answer is always
the full pass's (see `kennis.history_cache` for the file and what invalidates it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from kennis import gitlog, history_cache, history_store
from kennis.history import HistoryIndex, PageHistory
from kennis.history_build import _finish, _full_pass, _NotNewest, _walk
from kennis.history_lines import ManifestLines
from kennis.history_store import CachedPages
from kennis.repository import Repository

#: A cache file this many commits behind is rewritten after an update (fewer: walked again).
REWRITE_AFTER = 50


def cached_build(
    repo: Repository,
    cache: Path | None,
    content_dir: str,
    paths: list[bytes] | None,
    ignored_shas: frozenset[bytes],
    bot_set: frozenset[bytes],
    env: Mapping[str, str] | None,
    head: str,
    on_page: Callable[[PageHistory], None] | None = None,
) -> HistoryIndex:
    """The index at ``head``: the cache updated with the new commits, else a full pass (cached).

    ``cache`` is the cache file; None: the repository's own, in its git folder. ``paths``: the
    pages at ``head`` if known, else listed for a full pass only. An update lists no tree: the
    pages at ``head`` are the cached ones and what the new commits added or removed.
    ``on_page``: a full pass's pages as they are finished (`kennis.history_build.build_index`).
    """
    where = cache or history_cache.default_path(repo.common_dir, content_dir)
    decisive = ignored_shas | {b"bot:" + b for b in bot_set}  # what else decides the answer
    key = history_cache.fingerprint(content_dir, decisive, history_cache.mailmap(repo, env))

    def full_pass(at: str) -> Callable[[], Mapping[str, PageHistory]]:
        """Every page at ``at`` by a full pass: for a cached row that does not decode."""

        def rebuild() -> Mapping[str, PageHistory]:
            paths = gitlog.head_markdown(repo, content_dir, at)
            return _full_pass(repo, paths, ignored_shas, env, at, bot_set)

        return rebuild

    cached, from_file = history_cache.load(where, key, full_pass)
    if cached is not None and cached.content_dir == content_dir:
        updated = _update(repo, cached, ignored_shas, env, head, bot_set, full_pass(head))
        if updated is not None:
            index, new_commits = updated
            if index is not cached:
                # Walking a few commits again costs less than rewriting the file each time:
                # it is rewritten when it lags REWRITE_AFTER commits (the memory copy is current).
                behind = from_file and new_commits >= REWRITE_AFTER
                history_cache.save(where, index, key, to_file=behind)
            return index
    if paths is None:
        paths = gitlog.head_markdown(repo, content_dir, head)
    # An older revision never replaces a newer cache. The new file's rows are encoded as the
    # pages are finished, most of them while git still streams.
    rows = None
    if cached is None or not history_cache.is_ancestor(repo, head, cached.head):
        # The manifest's lines (``kennis index``) are made with the rows, from the same look-ups.
        rows = history_store.NewRows(on_page if isinstance(on_page, ManifestLines) else None)
    texts = None if rows is None else rows.texts
    pages = _full_pass(repo, paths, ignored_shas, env, head, bot_set, _both(rows, on_page), texts)
    if texts is not None:
        texts.clear()  # the pass's dates may be gone: their ids mean nothing any more
    index = HistoryIndex(head, pages, content_dir)
    if rows is not None:
        history_cache.save(where, index, key, rows=rows)
    return index


def _both(
    rows: history_store.NewRows | None, on_page: Callable[[PageHistory], None] | None
) -> Callable[[PageHistory], None] | None:
    """``on_page`` after the cache row is encoded (whichever of them there is)."""
    if rows is not None and rows.lines is not None:
        return rows.add  # it makes the manifest's line too
    if rows is None or on_page is None:
        return on_page if rows is None else rows.add
    add = rows.add

    def both(page: PageHistory) -> None:
        add(page)
        on_page(page)

    return both


def _update(
    repo: Repository,
    cached: HistoryIndex,
    ignored: frozenset[bytes],
    env: Mapping[str, str] | None,
    head: str,
    bots: frozenset[bytes],
    rebuild: Callable[[], Mapping[str, PageHistory]],
) -> tuple[HistoryIndex, int] | None:
    """The index at ``head`` from the cached one, and how many commits came since.

    None: do a full pass.
    Only when the new commits are exactly the first ones a full walk reads and they rest on the
    cached commit alone (a branch forked earlier and merged since falls back to a full pass), so
    the answer is the full pass's, page by page. Untouched pages stay as cached (not decoded).
    """
    if cached.head == head:
        return cached, 0
    newest = history_cache.newer_commits(repo, cached.head, head)
    if newest is None:
        return None
    added, removed = history_cache.tree_changes(repo, cached.head, head, cached.content_dir)
    before = cached.pages

    def at_head(path: bytes) -> bool:
        if path in added:
            return True
        return path not in removed and path.decode("utf-8", "surrogateescape") in before

    # Only pages some new commit touched are walked (most of 40,000 pages are not).
    touched = history_cache.touched_paths(repo, cached.head, head) | added | removed
    walked = sorted(path for path in touched if at_head(path))
    try:
        tallies, open_paths = _walk(repo, walked, ignored, env, head, newest, bots)
    except _NotNewest:
        return None
    fresh = _finish(repo, {p: t for p, t in tallies.items() if t.created is not None}, env)
    waiting = {id(tally): path for path, tally in open_paths.items()}
    changed: dict[str, PageHistory] = {}
    for path in walked:
        text = path.decode("utf-8", "surrogateescape")
        tally = tallies[path]
        old = waiting.get(id(tally))
        if old is None:  # added since the cached commit: the new commits tell it all
            changed[text] = fresh[text]
            continue
        older = before.get(old.decode("utf-8", "surrogateescape"))
        if older is None:
            return None  # it came from outside the content folder: only a full pass knows
        if tally.created is None:
            changed[text] = history_cache.renamed(older, text)
        else:
            changed[text] = history_cache.merge_page(fresh[text], older, tally.last is not None)
    gone = {p.decode("utf-8", "surrogateescape") for p in touched} - changed.keys()
    pages: Mapping[str, PageHistory]
    if isinstance(before, CachedPages):
        pages = before.derive(gone, changed, rebuild)
    else:
        pages = {p: page for p, page in before.items() if p not in gone} | changed
    return HistoryIndex(head=head, pages=pages, content_dir=cached.content_dir), len(newest)
