"""The body of an owner's verify pull request: the pages it confirms or decides, and how."""

from __future__ import annotations

from kennis.config import REVIEWS_PATH
from kennis.i18n import Translator
from kennis.markdown import inline_code
from kennis.reviews_file import parse_reviews
from review_bot.mirror import Mirror


def pull_body(
    mirror: Mirror, default: str, branch: str, sender: str, issue: int, tr: Translator
) -> str:
    """The pull request's text: who decided, every page *branch* changes, and how.

    With ``front_matter: false`` the pages listed are those whose entry in
    ``.github/kennis-reviews.yml`` changed (the file itself is not a page).
    """
    changes = mirror.diff_name_status(f"refs/heads/{default}", f"refs/heads/{branch}")
    paths = [c.new_path for c in changes]
    sidecar = REVIEWS_PATH in paths
    if sidecar:  # front_matter: false: name the pages whose entries changed, not the file
        paths.remove(REVIEWS_PATH)
        paths += sidecar_pages(mirror, f"refs/heads/{default}", f"refs/heads/{branch}")
    lines = "\n".join(f"- {inline_code(p)}" for p in paths)
    intro = tr._(
        "{sender} confirmed that these pages are still accurate, or decided what happens to "
        "them (archive, hand over, snooze):",
        sender=sender,
    )
    if sidecar:
        how = tr._(
            "Each commit records one decision in `.github/kennis-reviews.yml` "
            "(`reviewed`/`reviewed_by`, `status: archived`, `owner`, `snoozed_until`) and names "
            "who made it in a trailer; no page file changes. Refs #{issue}.",
            issue=issue,
        )
    else:
        how = tr._(
            "Each commit records one decision in the pages' front matter "
            "(`reviewed`/`reviewed_by`, `status: archived`, `owner`, `snoozed_until`) and names "
            "who made it in a trailer; nothing else changes. Refs #{issue}.",
            issue=issue,
        )
    return f"{intro}\n\n{lines}\n\n{how}"


def sidecar_pages(mirror: Mirror, base: str, head: str) -> list[str]:
    """Pages whose entry in the sidecar differs between *base* and *head*, sorted."""
    files = [mirror.read_files(rev, [REVIEWS_PATH]).get(REVIEWS_PATH) for rev in (base, head)]
    before, after = (parse_reviews(raw)[0] for raw in files)
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
