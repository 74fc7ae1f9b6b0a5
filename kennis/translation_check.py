"""``kennis check`` for translations: ``translation_of`` names a revision this repository has.

Three batched git calls for all translations (never one per page): the object type of every
revision, the source's blob at every commit named, and the versions of the sources whose
translation names a blob (it must be one the source had).
"""

from __future__ import annotations

from pathlib import Path

from .errors import Problem
from .frontmatter import parse_page
from .gitrev import GitError, GitReader
from .kb import KnowledgeBase
from .translation_history import object_types, resolve_blobs, source_versions
from .tree import Tree


def translation_problems(kb: KnowledgeBase, tree: Tree, root: Path) -> list[Problem]:
    """A ``translation_of`` git does not know, or a commit without the source, is an error."""
    named = {
        page.path: (page.source, page.translation_of)
        for page in kb.pages.values()
        if page.source is not None and page.translation_of is not None
    }
    if not named or not (root / ".git").exists():
        return []  # no history to check against (an export, a tarball): the site says so
    reader = GitReader(root)
    try:
        types = object_types(reader, sorted({rev for _source, rev in named.values()}))
        commits = [(rev, src) for src, rev in named.values() if types.get(rev) == "commit"]
        blobs = resolve_blobs(reader, commits)
        named_blobs = sorted({src for src, rev in named.values() if types.get(rev) == "blob"})
        versions = source_versions(reader, "HEAD", named_blobs, {}) if named_blobs else {}
    except GitError as error:
        return [Problem(".", 0, 0, f"cannot read the git history to check translations: {error}")]
    problems = []
    for path, (source, revision) in sorted(named.items()):
        kind = types.get(revision)
        if kind is None:
            message = (
                f"translation_of: {revision} is no commit or blob in this repository (commit the "
                f"source first, or run `kennis translate` again for the source's current revision)"
            )
        elif kind == "commit" and (revision, source) not in blobs:
            message = f"translation_of: the source {source} does not exist at commit {revision}"
        elif kind not in ("commit", "blob"):
            message = f"translation_of: {revision} is a {kind}, not a commit or a blob"
        elif kind == "blob" and not any(v.blob.startswith(revision) for v in versions[source]):
            message = f"translation_of: {revision} was never the content of {source} (committed)"
        else:
            continue
        line, col = _where(tree, path)
        problems.append(Problem(path, line, col, message))
    return problems


def _where(tree: Tree, path: str) -> tuple[int, int]:
    front, _ = parse_page(tree.read(path) or b"", path)
    if front is None or front.located is None:
        return 1, 1
    return front.located.where("translation_of")
