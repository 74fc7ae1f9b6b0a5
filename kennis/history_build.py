"""Build the history index: one streaming ``git log`` pass, ignored revisions read at that revision.

``index_for`` is the one entry point for the CLI, the site and the App.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from kennis import gitlog
from kennis.config import Config
from kennis.errors import KennisError
from kennis.gitlog import LogCommit, parse_ignore_revs, read_ignore_revs
from kennis.gitrev import GitReader
from kennis.history import HistoryIndex, PageHistory, load_manifest
from kennis.history_finish import Finisher
from kennis.repository import Repository, commit_of, open_repository
from kennis.translation_history import with_translations

#: The ignore-revs file read when ``ignore_revs`` is not configured (git blame's convention).
DEFAULT_IGNORE_REVS = ".git-blame-ignore-revs"
_RENAMED = ord("R")
_CREATED = frozenset(b"AC")  # added, or copied from another file (only with -C, never here)
#: Credit trailers the App writes on its commits (kennis.owner_actions.TRAILERS), by kind.
CREDIT_KINDS = {
    b"confirmed-by": "confirmed",
    b"archived-by": "archived",
    b"handed-over-by": "handed_over",
    b"snoozed-by": "snoozed",
}
#: Authors whose commits are never edits: the App itself; ``[bot]`` accounts are matched by suffix.
DEFAULT_BOTS = frozenset({b"kennis-bot", b"kennis-bot@users.noreply.github.com"})
_BOT_EMAIL = b"[bot]@users.noreply.github.com"


class ShallowCloneError(KennisError):
    """The repository is a shallow clone, so page dates would be wrong."""


class _NotNewest(Exception):
    """A commit older than the cached one came first in the walk (dates out of order)."""


_Ident = tuple[bytes, bytes]  # (name, email) as git printed them, .mailmap already applied


class _Tally:
    """Mutable per-page accumulator while walking history newest-first; raw bytes until the end."""

    __slots__ = (
        "authors",
        "coauthors",
        "commits",
        "created",
        "credits",
        "last",
        "path",
        "previous",
        "sha",
    )

    def __init__(self, path: bytes) -> None:
        self.path = path  # at HEAD
        self.sha = b""
        self.created: tuple[bytes, _Ident] | None = None  # oldest commit seen: date, author
        self.last: tuple[bytes, _Ident] | None = None  # newest commit that counts
        self.commits = 0
        # author ident (or raw trailer value, for co-authors) -> [walk position of their oldest
        # commit, their commits, date of their oldest commit]: newest-first, the last seen wins
        self.authors: dict[_Ident, list[Any]] = {}
        self.coauthors: dict[bytes, list[Any]] = {}
        self.previous: list[bytes] = []
        self.credits: list[tuple[str, bytes, bytes]] = []  # (kind, raw ident, date), newest first

    def touch(
        self, commit: LogCommit, ident: _Ident, seq: int, counted: bool, credits: bool
    ) -> None:
        """The walk met this page in ``commit`` (``ident``: its author's name and e-mail)."""
        if commit.sha == self.sha:
            return  # one commit touching two historical paths of the page counts once
        self.sha = commit.sha
        self.created = (commit.date, ident)
        # The App's (a bot's) commits: no edit, but credit to who confirmed or decided. A
        # person's own commit cannot credit someone else by writing such a trailer.
        if credits and commit.credits:
            for raw in commit.credits.split(b"\x1f"):
                key, _, value = raw.partition(b":")
                kind = CREDIT_KINDS.get(key.strip().lower())
                if kind is not None and value.strip():
                    self.credits.append((kind, value.strip(), commit.date))
        if not counted:
            return
        if self.last is None:
            self.last = self.created
        self.commits += 1
        entry = self.authors.get(ident)  # inlined: this runs for every page of every commit
        if entry is None:
            self.authors[ident] = [seq, 1, commit.date]
        else:
            entry[0] = seq
            entry[1] += 1
            entry[2] = commit.date
        if commit.trailers:
            own = b"<" + commit.email.lower() + b">"
            for raw in commit.trailers.split(b"\x1f"):
                key = raw.strip()
                if own in key.lower():
                    continue  # the author listing themself as co-author counts once
                found = self.coauthors.get(key)
                if found is None:
                    self.coauthors[key] = [seq, 1, commit.date]
                else:
                    found[0], found[1], found[2] = seq, found[1] + 1, commit.date


def _check_not_shallow(repo: Repository) -> None:
    if repo.shallow:
        raise ShallowCloneError(
            f"{repo.run_dir}: this is a shallow clone, so git history is incomplete and page "
            "dates would be wrong. Fetch the full history: in GitHub Actions set `fetch-depth: 0` "
            "on actions/checkout, or run `git fetch --unshallow`. Or pass a manifest written by "
            "`kennis index --out FILE` on a full clone (`--manifest FILE`)."
        )


def _walk(
    repo: Repository,
    pages: list[bytes],
    ignored: frozenset[bytes],
    env: Mapping[str, str] | None,
    rev: str = "HEAD",
    newest: frozenset[bytes] | None = None,
    bots: frozenset[bytes] = DEFAULT_BOTS,
    done: Callable[[_Tally], None] | None = None,
) -> tuple[dict[bytes, _Tally], dict[bytes, _Tally]]:
    """Walk history newest-first; map every historical path of a HEAD page to its tally.

    Also returns the paths still open (pages not yet traced to the commit that added them).
    With ``newest``, only those commits are read, and they must be the walk's first ones (else
    `_NotNewest`): the tallies are then exactly what a full pass has at that point. ``done``
    gets each tally as the walk reaches the commit that created its page (it is final then).
    """
    tallies = {p: _Tally(p) for p in pages}
    alias = dict(tallies)  # historical path -> tally of the page it became at HEAD
    if not tallies or newest == frozenset():
        return tallies, alias
    left = len(newest) if newest is not None else -1
    botlike: dict[_Ident, bool] = {}  # author (name, e-mail) -> whether a bot wrote the commit
    with gitlog.GitLogStream(repo, [rev, "--"], env=env) as commits:
        for seq, commit in enumerate(commits):
            if newest is not None:
                if commit.sha not in newest:
                    raise _NotNewest(commit.sha)
                left -= 1
            # Per commit: a few hundred authors write 20,000 commits, so they are asked once each.
            ident = (commit.name, commit.email)
            by_bot = botlike.get(ident)
            if by_bot is None:
                by_bot = botlike[ident] = (
                    commit.email.lower() in bots
                    or commit.name.lower() in bots
                    or commit.email.endswith(_BOT_EMAIL)
                )
            counted = not by_bot and (not ignored or commit.sha not in ignored)
            for status, path, old_path in commit.changes:
                if status == _RENAMED and old_path is not None:
                    tally = alias.pop(path, None)
                    if tally is not None:
                        alias[old_path] = tally
                        tally.previous.append(old_path)
                elif status in _CREATED:
                    tally = alias.pop(path, None)  # older commits on this path: another file
                    if tally is not None:
                        tally.touch(commit, ident, seq, counted, by_bot)
                        if done is not None:
                            done(tally)  # no path leads to it any more: nothing can change it
                    continue
                else:
                    tally = alias.get(path)
                if tally is not None:
                    tally.touch(commit, ident, seq, counted, by_bot)
            if not alias or left == 0:
                # Every page has reached the commit that added it, and only the alias map leads
                # from a path to a page: no older commit can change any answer.
                break
    return tallies, alias


def bot_idents(bots: Iterable[str]) -> frozenset[bytes]:
    """Lower-case names and e-mails a ``bots:`` entry matches (a login also by its no-reply)."""
    found: set[bytes] = set()
    for entry in bots:
        text = entry.strip().lstrip("@").lower()
        found.add(text.encode("utf-8"))
        if "@" not in text:
            found.add(f"{text}@users.noreply.github.com".encode())
    return frozenset(found)


def build_index(
    repo_root: Path,
    content_dir: str = "content",
    ignore_revs: Path | Iterable[str] | None = None,
    env: Mapping[str, str] | None = None,
    rev: str = "HEAD",
    cache: Path | bool = False,
    bots: Iterable[str] = (),
    on_page: Callable[[PageHistory], None] | None = None,
) -> HistoryIndex:
    """Index every ``*.md`` page under ``content_dir`` at ``rev`` with ONE streaming git log pass.

    ``env`` is the environment for git (the App's blobless mirror passes its credentials, so
    rename detection can fetch old file versions); default: this process's environment.
    ``rev`` is the commit to index (the App indexes a pull request's base commit).
    ``ignore_revs``: commits that count as no edit, as SHAs or a file of them. Callers use
    ``index_for``, which reads that file from the indexed revision.

    ``cache``: a file (True: the repository's own, in ``.git/kennis/``) keeping the index at the commit it was built for (`kennis.history_cache`);
    the next call reads only the commits since, when that gives the full pass's answer.

    ``bots``: logins or e-mails (the ``bots:`` config) whose commits, like the App's own and any
    ``[bot]`` account's, count as no edit; their credit trailers still count.

    ``on_page`` sees each page of a full pass once, as soon as its history is final: most of
    them while git still streams older commits (``kennis index`` encodes its output meanwhile).

    Raises ShallowCloneError on a shallow clone and KennisError for a bad ignore-revs file or a
    path that is not a git repository. A repository without commits gives an empty index.
    """
    if isinstance(ignore_revs, Path):
        ignored: Iterable[str] = read_ignore_revs(ignore_revs)
    else:
        ignored = ignore_revs or ()
    ignored_shas = frozenset(sha.encode("ascii") for sha in ignored)
    bot_set = DEFAULT_BOTS | bot_idents(bots)
    repo = open_repository(Path(repo_root))
    content_dir = content_dir.strip("/") or "."
    head = commit_of(repo, rev)
    if head is None and rev == "HEAD":  # no commits yet
        return HistoryIndex(head="", pages={}, content_dir=content_dir)
    _check_not_shallow(repo)
    if head is None:
        raise KennisError(f"{repo_root}: no commit {rev!r}")
    if cache is False:
        paths = gitlog.head_markdown(repo, content_dir, head)
        pages = _full_pass(repo, paths, ignored_shas, env, head, bot_set, on_page)
        return HistoryIndex(head, pages, content_dir)
    from kennis.history_update import cached_build  # it builds on this module's walk

    where = None if cache is True else cache
    return cached_build(repo, where, content_dir, None, ignored_shas, bot_set, env, head, on_page)


def _finish(
    repo: Repository, tallies: Mapping[bytes, _Tally], env: Mapping[str, str] | None
) -> dict[str, PageHistory]:
    """The pages of a walk without early finishing (a cache update's few pages)."""
    return Finisher(repo, env).finish(tallies)


def _full_pass(
    repo: Repository,
    paths: list[bytes],
    ignored: frozenset[bytes],
    env: Mapping[str, str] | None,
    head: str,
    bots: frozenset[bytes],
    on_page: Callable[[PageHistory], None] | None = None,
    texts: dict[int, str] | None = None,
) -> dict[str, PageHistory]:
    """Every page at ``head``, most finished while git still streams older history.

    ``texts`` gets each date's ISO text by the date's id (`kennis.history_finish.Finisher`).
    """
    finisher = Finisher(repo, env, on_page, texts)
    tallies, _ = _walk(repo, paths, ignored, env, head, bots=bots, done=finisher.early)
    if _KEEPING:
        _KEEPING[-1].append((tallies, finisher))
    return finisher.finish(tallies)


#: The lists `kept_to_exit` gives, innermost last: a full pass leaves its walk's data in it.
_KEEPING: list[list[object]] = []


@contextlib.contextmanager
def kept_to_exit(keep: list[object]) -> Iterator[None]:
    """Full passes inside leave their walk's tallies and finisher in ``keep``, not freed.

    For ``kennis index``, a process that ends after its one pass: freeing the walk's ~10⁵
    objects one by one is ~40M instructions at 5,000 pages (~2 % of the command) that nobody
    needs. ``keep`` holds itself: a cycle, freed only by a full collection (a long-lived
    process runs one some time; the command freezes its objects at exit instead). For a
    single-threaded command: a pass in another thread meanwhile would leave its walk here too.
    """
    _KEEPING.append(keep)
    try:
        yield
    finally:  # by identity: ``remove`` compares lists by content, and ``keep`` holds itself
        del _KEEPING[max(at for at, kept in enumerate(_KEEPING) if kept is keep)]


def index_for(
    source: GitReader | Path,
    config: Config,
    rev: str | None = None,
    manifest: Path | None = None,
    cache: Path | bool = True,
    on_page: Callable[[PageHistory], None] | None = None,
) -> HistoryIndex:
    """The history index of ``config.content_dir`` at ``rev`` (default HEAD), for every caller.

    From ``manifest`` when given; else one git log pass over ``source`` (a work tree, a bare mirror
    or its reader) that counts no commit listed in the ignore-revs file as the indexed revision has
    it (``ignore_revs`` from the config, else ``.git-blame-ignore-revs`` when there is one). No work
    tree is read or moved.

    ``cache`` (default: a file in the repository's git folder, ``.git/kennis/`` or the App's
    mirror) keeps the index at the commit it was built for, so the next call reads only newer
    commits; pass a path to keep it elsewhere (e.g. for ``actions/cache``), False for none.
    ``on_page``: see `build_index`.
    """
    if manifest is not None:
        return load_manifest(manifest)
    reader = source if isinstance(source, GitReader) else GitReader(Path(source))
    rev = rev or "HEAD"
    ignored = ignored_revisions(reader, config, rev)
    index = build_index(
        reader.git_dir, config.content_dir, ignored, reader.env(), rev, cache, config.bots, on_page
    )
    return with_translations(reader, index)


def ignored_revisions(reader: GitReader, config: Config, rev: str) -> frozenset[str]:
    """Commits the ignore-revs file at ``rev`` lists; a configured file must exist there."""
    if config.ignore_revs is None:  # kennis index listed the commit's files as it started
        files = gitlog.early_files(reader.git_dir, rev)
        if files is not None and DEFAULT_IGNORE_REVS.encode() not in files:
            return frozenset()
    if reader.rev_parse(rev) is None:
        return frozenset()  # nothing to read: build_index says why, or gives an empty index
    name = config.ignore_revs or DEFAULT_IGNORE_REVS
    raw = reader.read_file(rev, name)
    if raw is None:
        if config.ignore_revs is None:
            return frozenset()
        raise KennisError(
            f"{name}: ignore-revs file not found at {rev} (named by ignore_revs in the config)"
        )
    return parse_ignore_revs(raw, name)
