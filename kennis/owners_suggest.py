"""Owners suggested from history: who wrote each folder in the last 12 months, from one git log pass.

Per folder of the content folder (a commit counts for every folder above the pages it touched)
the owner is the person with the most commits there since the cut-off (ties: the most recent
commit wins), the next two are co-authors. Bots and
commits in the ignore-revs file do not count. A person counts only with a GitHub login: from a
GitHub no-reply address (``12345+ana@users.noreply.github.com``) or a ``--logins`` map. A folder
nobody touched since the cut-off gets no suggestion: its pages go to ``fallback_owner``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import gitlog
from .config import Config
from .errors import KennisError, Problem
from .gitrev import GitReader
from .handles import is_bot, noreply_login, parse_handle
from .history_build import DEFAULT_BOTS, bot_idents, ignored_revisions
from .paths import is_under
from .repository import open_repository
from .yamlload import load_yaml

_IDENT = re.compile(r"^\s*(?P<name>[^<>]*?)\s*<(?P<email>[^<>]*)>\s*$")
CO_AUTHORS = 2


@dataclass
class Count:
    commits: int = 0
    last: str = ""  # ISO date of the newest commit


@dataclass
class FolderSuggestion:
    """Who should own one folder, and the commits that say so."""

    folder: str
    total: int = 0  # commits that touched the folder since the cut-off (bots, ignored excluded)
    people: dict[str, Count] = field(default_factory=dict)  # "@login" → commits
    unknown: int = 0  # commits by people without a known login

    def ranked(self) -> list[tuple[str, Count]]:
        # Most commits, then the most recent commit (ISO dates sort as text).
        return sorted(self.people.items(), key=lambda kv: (-kv[1].commits, _neg(kv[1].last)))

    @property
    def owner(self) -> str | None:
        ranked = self.ranked()
        return ranked[0][0] if ranked else None

    @property
    def coauthors(self) -> list[str]:
        return [login for login, _ in self.ranked()[1 : 1 + CO_AUTHORS]]


def _neg(iso: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in iso)


def login_of(name: str, email: str, logins: Mapping[str, str]) -> str | None:
    """``@login`` for an author: the ``--logins`` map (by e-mail, then name), else a no-reply address."""
    for key in (email.lower(), name.lower()):
        if key in logins:
            return logins[key]
    login = noreply_login(email)
    return f"@{login}" if login else None


def _is_bot(name: str, email: str, bots: frozenset[bytes]) -> bool:
    """GitHub's ``[bot]`` accounts, the App's own commits and the config's ``bots:``."""
    if name.lower().encode() in bots or email.lower().encode() in bots:
        return True
    return is_bot(name) or is_bot(noreply_login(email) or "") or "[bot]@" in email.lower()


def read_logins(path: Path) -> dict[str, str]:
    """A ``--logins`` file: ``e-mail or name: "@login"`` per line (YAML); bad lines are errors."""
    where = str(path)
    try:
        text = path.read_text("utf-8-sig")
    except OSError as exc:
        raise KennisError(f"{where}: cannot read: {exc.strerror}") from None
    located, problem = load_yaml(text, where)
    if problem:
        raise KennisError(problem)
    value = located.value if located else None
    if not isinstance(value, dict):
        raise KennisError(Problem(where, 1, 1, 'expected lines like `ana@example.com: "@ana"`'))
    assert located is not None
    found: dict[str, str] = {}
    problems: list[Problem] = []
    for key, login in value.items():
        try:
            found[str(key).lower()] = parse_handle(login).text
        except ValueError as exc:
            line, col = located.where(key)
            problems.append(Problem(where, line, col, f"{key}: {exc}"))
    if problems:
        raise KennisError(problems)
    return found


def suggest_owners(
    root: Path,
    config: Config,
    folders: Iterable[str],
    since: date,
    logins: Mapping[str, str] | None = None,
) -> list[FolderSuggestion]:
    """One suggestion per folder (repo-relative) from ONE git log pass since ``since``."""
    logins = logins or {}
    reader = GitReader(root)
    wanted = {folder: FolderSuggestion(folder) for folder in folders}
    if reader.rev_parse("HEAD") is None:
        return list(wanted.values())
    ignored = {sha.encode() for sha in ignored_revisions(reader, config, "HEAD")}
    bots = DEFAULT_BOTS | bot_idents(config.bots)
    repo = open_repository(root)
    extra = [f"--since={since.isoformat()}", "HEAD", "--", config.content_dir or "."]
    cut = since.isoformat()
    with gitlog.GitLogStream(repo, extra, env=reader.env()) as commits:
        for commit in commits:
            day = commit.date[:10].decode("ascii")
            if commit.sha in ignored or day < cut:  # --since is the committer's date
                continue
            touched = _folders(commit, wanted, config.content_dir)
            if touched:
                _count(commit, day, touched, wanted, logins, bots)
    return list(wanted.values())


def folder_of(path: str, content_dir: str) -> str | None:
    """The top-level folder under the content folder holding ``path`` (None: outside it).

    A page directly in the content folder belongs to the content folder itself.
    """
    if content_dir and not is_under(path, content_dir):
        return None
    inside = path[len(content_dir) + 1 :] if content_dir else path
    first = inside.split("/", 1)[0] if "/" in inside else ""
    return "/".join(p for p in (content_dir, first) if p)


def folders_of(path: str, content_dir: str) -> list[str]:
    """Every folder from the top-level one down to the one holding ``path`` ([] outside)."""
    top = folder_of(path, content_dir)
    if top is None:
        return []
    found = [top]
    parent = path.rsplit("/", 1)[0] if "/" in path else ""
    while parent and parent != top and is_under(parent, top):
        found.append(parent)
        parent = parent.rsplit("/", 1)[0] if "/" in parent else ""
    return found


def _folders(
    commit: gitlog.LogCommit, wanted: Mapping[str, FolderSuggestion], content_dir: str
) -> set[str]:
    found: set[str] = set()
    for change in commit.changes:
        path = change.path.decode("utf-8", "surrogateescape")
        if path.endswith(".md"):
            found.update(f for f in folders_of(path, content_dir) if f in wanted)
    return found


def _people(commit: gitlog.LogCommit) -> list[tuple[str, str]]:
    people = [(commit.name.decode("utf-8", "replace"), commit.email.decode("utf-8", "replace"))]
    for raw in commit.trailers.split(b"\x1f") if commit.trailers else ():
        match = _IDENT.match(raw.decode("utf-8", "replace"))
        if match:
            people.append((match["name"], match["email"]))
    return people


def _count(
    commit: gitlog.LogCommit,
    day: str,
    touched: set[str],
    wanted: Mapping[str, FolderSuggestion],
    logins: Mapping[str, str],
    bots: frozenset[bytes],
) -> None:
    people = [(n, e) for n, e in _people(commit) if not _is_bot(n, e, bots)]
    if not people:
        return
    handles = {login_of(n, e, logins) for n, e in people}
    for folder in touched:
        suggestion = wanted[folder]
        suggestion.total += 1
        if None in handles and len(handles) == 1:
            suggestion.unknown += 1
        for login in handles - {None}:
            assert login is not None
            count = suggestion.people.setdefault(login, Count())
            count.commits += 1
            count.last = max(count.last, day)


def twelve_months_before(today: date) -> date:
    try:
        return today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 1, day=28)


def evidence(suggestion: FolderSuggestion, since: date) -> str:
    """``@ana: 41 of 63 commits in content/kitchen since 2025-12-02`` (or why there is none)."""
    owner = suggestion.owner
    where = suggestion.folder or "the content folder"
    if owner is None:
        why = "no commits" if not suggestion.total else "no commits by a known GitHub login"
        hint = " (map e-mails to logins with --logins FILE)" if suggestion.unknown else ""
        return f"{where}: {why} since {since.isoformat()}{hint}: left to fallback_owner"
    n = suggestion.people[owner].commits
    line = f"{owner}: {n} of {suggestion.total} commits in {where} since {since.isoformat()}"
    if suggestion.coauthors:
        shown = ", ".join(f"{c} ({suggestion.people[c].commits})" for c in suggestion.coauthors)
        line += f"; co-authors {shown}"
    return line


def top_overall(suggestions: Iterable[FolderSuggestion]) -> str | None:
    """The person with the most commits across every folder: the fallback owner's suggestion."""
    total: dict[str, Count] = {}
    for suggestion in suggestions:
        for login, count in suggestion.people.items():
            entry = total.setdefault(login, Count())
            entry.commits += count.commits
            entry.last = max(entry.last, count.last)
    ranked = sorted(total.items(), key=lambda kv: (-kv[1].commits, _neg(kv[1].last)))
    return ranked[0][0] if ranked else None
