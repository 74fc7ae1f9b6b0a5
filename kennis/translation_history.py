"""Whether each translation's source changed after its ``translation_of`` revision, from git.

Never one git call per page: at most three batched calls for the whole knowledge base, and none
without translations. One ``cat-file --batch`` reads every translation at the indexed commit, one
``git log --raw`` over the sources' paths lists every version each source had (commit, blob,
date, newest first), and only for revisions that are none of those (a commit that did not touch
the source, such as the HEAD of the day) one ``cat-file --batch-check`` finds the source's blob
at that commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import NamedTuple

from .frontmatter import parse_page
from .gitrev import GitReader
from .history import HistoryIndex, PageHistory
from .translations import TranslationHistory, parse_revision, translations_among


class Version(NamedTuple):
    """One commit that changed a source page: the blob it left, and its author date."""

    commit: str
    blob: str
    when: datetime


def with_translations(reader: GitReader, index: HistoryIndex) -> HistoryIndex:
    """``index`` with the history of every translation among its pages (same object if none)."""
    if not index.head:
        return index
    found = translation_histories(reader, index.head, index.pages, _Previous(index.pages))
    return replace(index, translations=found) if found else index


class _Previous(Mapping[str, Sequence[str]]):
    """Each page's earlier paths, read only for the sources asked about.

    A new process's cached index decodes a page when it is read (`kennis.history_store`): a
    dict of every page's paths here would decode all 40,000 of them.
    """

    def __init__(self, pages: Mapping[str, PageHistory]) -> None:
        self.pages = pages

    def __getitem__(self, path: str) -> Sequence[str]:
        return self.pages[path].previous_paths

    def __iter__(self) -> Iterator[str]:
        return iter(self.pages)

    def __len__(self) -> int:
        return len(self.pages)


def translation_histories(
    reader: GitReader,
    head: str,
    pages: Iterable[str],
    previous_paths: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, TranslationHistory]:
    """Per translation among ``pages`` (paths at ``head``) with a ``translation_of``: its history.

    ``previous_paths``: earlier paths of a source (from the history index), so a renamed source
    keeps its older versions.
    """
    pairs = translations_among(pages)
    if not pairs:
        return {}
    contents = reader.read_files(head, sorted(pairs))
    revisions = {}
    for path, raw in contents.items():
        revision = _revision(raw, path)
        if revision is not None:
            revisions[path] = revision
    if not revisions:
        return {}
    sources = sorted({pairs[path][0] for path in revisions})
    versions = source_versions(reader, head, sources, previous_paths or {})
    blobs = {path: _known_blob(rev, versions[pairs[path][0]]) for path, rev in revisions.items()}
    unknown = [(rev, pairs[path][0]) for path, rev in revisions.items() if blobs[path] is None]
    resolved = resolve_blobs(reader, unknown)
    result = {}
    for path, revision in revisions.items():
        source = pairs[path][0]
        blob = blobs[path] or resolved.get((revision, source))
        result[path] = _history(path, source, revision, blob, versions[source])
    return result


def _revision(raw: bytes | None, path: str) -> str | None:
    front, _ = parse_page(raw or b"", path)
    value = front.data.get("translation_of") if front is not None else None
    if value is None:
        return None
    try:
        return parse_revision(value)
    except ValueError:
        return None  # `kennis check` reports it; the index only answers for valid ones


def source_versions(
    reader: GitReader, head: str, sources: Sequence[str], previous: Mapping[str, Sequence[str]]
) -> dict[str, list[Version]]:
    """Every version of each source, newest first, from ONE ``git log --raw`` over their paths."""
    owner: dict[str, str] = {}
    for source in sources:
        for path in (source, *previous.get(source, ())):
            owner.setdefault(path, source)
    found: dict[str, list[Version]] = {source: [] for source in sources}
    out = reader.git(
        "log",
        "--raw",
        "--no-abbrev",
        "--no-renames",
        "-z",
        "--no-color",
        "--format=%x1e%H%x00%aI",
        head,
        "--",
        *sorted(owner),
    )
    for record in out.decode("utf-8", "surrogateescape").split("\x1e"):
        fields = record.split("\0")
        if len(fields) < 4:
            continue
        commit, when = fields[0], datetime.fromisoformat(fields[1])
        for info, path in zip(fields[2::2], fields[3::2], strict=False):
            parts = info.strip().split()
            changed = owner.get(path)
            if changed is not None and len(parts) == 5:
                versions = found[changed]
                if not versions or versions[-1].commit != commit:  # a commit counts once
                    versions.append(Version(commit, parts[3], when))
    return found


def _known_blob(revision: str, versions: Sequence[Version]) -> str | None:
    """The source's blob at ``revision`` when it is one of the versions' blobs or commits."""
    for version in versions:
        if version.blob.startswith(revision):
            return version.blob
    for version in versions:
        if version.commit.startswith(revision):
            return version.blob
    return None


def resolve_blobs(
    reader: GitReader, wanted: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], str]:
    """The blob of each ``(commit, path)``, with ONE ``cat-file --batch-check`` for all of them."""
    if not wanted:
        return {}
    request = "".join(f"{rev}:{path}\n" for rev, path in wanted).encode("utf-8", "surrogateescape")
    out = reader.git("cat-file", "--batch-check", stdin=request).decode("utf-8", "replace")
    result = {}
    for key, line in zip(wanted, out.splitlines(), strict=False):
        parts = line.split()
        if len(parts) == 3 and parts[1] == "blob":
            result[key] = parts[0]
    return result


def object_types(reader: GitReader, revisions: Sequence[str]) -> dict[str, str]:
    """``blob``, ``commit``, … per revision that exists (one ``cat-file --batch-check``)."""
    if not revisions:
        return {}
    request = "".join(f"{rev}\n" for rev in revisions).encode("ascii", "replace")
    out = reader.git("cat-file", "--batch-check", stdin=request).decode("utf-8", "replace")
    found = {}
    for rev, line in zip(revisions, out.splitlines(), strict=False):
        parts = line.split()
        if len(parts) == 3 and parts[1] not in ("missing", "ambiguous"):
            found[rev] = parts[1]
    return found


def _history(
    path: str, source: str, revision: str, blob: str | None, versions: Sequence[Version]
) -> TranslationHistory:
    """Walk the source's versions newest first until the translated blob: the change after it."""
    if blob is None or not versions:
        return TranslationHistory(path, source, revision, False)
    since = None
    for version in versions:
        if version.blob == blob:
            return TranslationHistory(path, source, revision, True, since)
        since = version.when
    return TranslationHistory(path, source, revision, True, since)
