"""The history index through its cache: the commits since the cached one, merged page by page.

`kennis.history_build.build_index` comes here unless asked for no cache; the answer is always
the full pass's (see `kennis.history_cache` for the file and what invalidates it).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import git

from kennis import history_cache
from kennis.history import HistoryIndex, PageHistory
from kennis.history_build import DEFAULT_BOTS, _finish, _NotNewest, _walk

#: A cache file this many commits behind is rewritten after an update (fewer: walked again).
REWRITE_AFTER = 50


def cached_build(
    repo: git.Repo,
    cache: Path | None,
    content_dir: str,
    paths: list[bytes],
    ignored_shas: frozenset[bytes],
    bot_set: frozenset[bytes],
    env: Mapping[str, str] | None,
    head: str,
) -> HistoryIndex:
    """The index at ``head``: the cache updated with the new commits, else a full pass (cached).

    ``cache`` is the cache file; None: the repository's own, in its git folder.
    """
    where = cache or history_cache.default_path(Path(repo.common_dir), content_dir)
    decisive = ignored_shas | {b"bot:" + b for b in bot_set}  # what else decides the answer
    key = history_cache.fingerprint(content_dir, decisive, history_cache.mailmap(repo, env))
    cached, from_file = history_cache.load(where, key)
    if cached is not None and cached.content_dir == content_dir:
        updated = _update(repo, cached, paths, ignored_shas, env, head, bot_set)
        if updated is not None:
            index, new_commits = updated
            if index is not cached:
                # Rewriting 40,000 pages costs more than walking a few commits again: the file
                # is rewritten when it lags REWRITE_AFTER commits (the memory copy is current).
                behind = from_file and new_commits >= REWRITE_AFTER
                history_cache.save(where, index, key, to_file=behind)
            return index
    tallies, _ = _walk(repo, paths, ignored_shas, env, head, bots=bot_set)
    index = HistoryIndex(head, _finish(repo, tallies, env), content_dir)
    if cached is None or not history_cache.is_ancestor(repo, head, cached.head):
        history_cache.save(where, index, key)  # an older revision never replaces a newer cache
    return index


def _update(
    repo: git.Repo,
    cached: HistoryIndex,
    paths: list[bytes],
    ignored: frozenset[bytes],
    env: Mapping[str, str] | None,
    head: str,
    bots: frozenset[bytes] = DEFAULT_BOTS,
) -> tuple[HistoryIndex, int] | None:
    """The index at ``head`` from the cached one, and how many commits came since.

    None: do a full pass.
    Only when the new commits are exactly the first ones a full walk reads and they rest on the
    cached commit alone (a branch forked earlier and merged since falls back to a full pass), so
    the answer is the full pass's, page by page.
    """
    if cached.head == head:
        return cached, 0
    newest = history_cache.newer_commits(repo, cached.head, head)
    if newest is None:
        return None
    # Only pages some new commit touched are walked (most of 40,000 pages are not).
    touched = history_cache.touched_paths(repo, cached.head, head)
    try:
        walked = [path for path in paths if path in touched]
        tallies, open_paths = _walk(repo, walked, ignored, env, head, newest, bots)
    except _NotNewest:
        return None
    fresh = _finish(repo, {p: t for p, t in tallies.items() if t.created is not None}, env)
    waiting = {id(tally): path for path, tally in open_paths.items()}
    pages: dict[str, PageHistory] = {}
    for path in paths:
        text = path.decode("utf-8", "surrogateescape")
        tally = tallies.get(path)
        if tally is None:  # no new commit touched it: the cached page as it was
            same = cached.pages.get(text)
            if same is None:
                return None
            pages[text] = same
            continue
        before = waiting.get(id(tally))
        if before is None:  # added since the cached commit: the new commits tell it all
            pages[text] = fresh[text]
            continue
        older = cached.pages.get(before.decode("utf-8", "surrogateescape"))
        if older is None:
            return None  # it came from outside the content folder: only a full pass knows
        if tally.created is None:
            pages[text] = history_cache.renamed(older, text)
        else:
            pages[text] = history_cache.merge_page(fresh[text], older, tally.last is not None)
    return HistoryIndex(head=head, pages=pages, content_dir=cached.content_dir), len(newest)
