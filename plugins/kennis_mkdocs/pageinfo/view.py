"""What the page info box and banner show for one page, computed once per build in on_files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import quote, urlencode

from kennis.people import page_contributors
from kennis.status import PageStatus

from ..render import Link, handle_link, person_link

STATE_LABELS = {
    "evergreen": "Evergreen",
    "fresh": "Fresh",
    "due_soon": "Review due soon",
    "due": "Review due",
    "overdue": "Overdue for review",
}
TYPE_LABELS = {"how-to": "How-to", "sop": "SOP", "faq": "FAQ"}


@dataclass(frozen=True)
class PageInfo:
    """Everything the ``kennis/pageinfo.html`` template renders; all values are plain data."""

    title: str
    path: str
    state: str
    state_label: str
    type_label: str
    status: str
    owner: Link | None
    coauthors: tuple[Link, ...]
    reviewed: date | None
    reviewed_by: Link | None
    last_edited: date | None
    contributors: tuple[Link, ...]  # the latest editor first, then the most active
    more_contributors: int
    due: date | None
    since: date | None
    days_overdue: int
    report_url: str | None
    banner: str | None  # "due" | "overdue" | "archived" | None
    hidden_contributors: tuple[Link, ...] = ()  # behind "and N more", expandable
    archived: date | None = None

    requested_in: str | None = None  # the request it was written for (a web address)

    @property
    def ask(self) -> tuple[Link, ...]:
        """Who to ask about this page: the owner, then co-authors."""
        return ((self.owner,) if self.owner else ()) + self.coauthors


def page_info(
    status: PageStatus,
    *,
    page_url: str | None,
    repo_url: str | None,
    label: str,
    max_contributors: int,
    banner: bool,
) -> PageInfo:
    page, history, fresh = status.page, status.history, status.freshness
    title = page.title or page.path.rsplit("/", 1)[-1].removesuffix(".md")
    people = tuple(person_link(p) for p in page_contributors(history)) if history else ()
    shown = people[:max_contributors] if max_contributors > 0 else ()
    return PageInfo(
        title=title,
        path=page.path,
        state=fresh.state,
        state_label=STATE_LABELS[fresh.state],
        type_label=TYPE_LABELS.get(page.type, page.type.capitalize()),
        status=page.status,
        owner=handle_link(page.owner.handle) if page.owner else None,
        coauthors=tuple(handle_link(a.handle) for a in page.coauthors),
        reviewed=page.reviewed,
        reviewed_by=handle_link(page.reviewed_by) if page.reviewed_by else None,
        last_edited=history.last_modified.date() if history else None,
        contributors=shown,
        more_contributors=len(people) - len(shown) if max_contributors > 0 else 0,
        due=fresh.due,
        since=fresh.since,
        days_overdue=fresh.days_overdue,
        report_url=report_url(status, title, page_url, repo_url, label),
        banner=_banner(page.status, fresh.state) if banner else None,
        hidden_contributors=people[len(shown) :] if max_contributors > 0 else (),
        archived=page.archived,
        requested_in=page.requested_in,
    )


def _banner(status: str, state: str) -> str | None:
    """Archived pages say so (kept for history); others warn when due or overdue."""
    if status == "archived":
        return "archived"
    return state if state in ("due", "overdue") else None


def report_url(
    status: PageStatus, title: str, page_url: str | None, repo_url: str | None, label: str
) -> str | None:
    """A new-issue link on GitHub, pre-filled so the reader reaches the owner in one click."""
    if not repo_url or "github" not in repo_url:
        return None
    page = status.page
    lines = [f"The page **{title}** (`{page.path}`) looks outdated."]
    if page_url:
        lines.append(f"Page: {page_url}")
    if page.owner:
        people = [page.owner.handle.text, *(a.handle.text for a in page.coauthors)]
        lines.append(f"Owner: {page.owner.handle.text}, please take a look.")
        if len(people) > 1:
            lines.append(f"Co-authors: {', '.join(people[1:])}")
    lines += ["", "What is wrong or missing?", "", ""]
    query = urlencode(
        {"title": f"Outdated: {title}", "body": "\n".join(lines), "labels": label},
        quote_via=quote,
    )
    return f"{repo_url.rstrip('/')}/issues/new?{query}"
