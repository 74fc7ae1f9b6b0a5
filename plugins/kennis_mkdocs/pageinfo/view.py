"""What the page info box and banner show for one page, computed once per build in on_files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from string import Formatter
from urllib.parse import quote

from kennis.handles import Handle
from kennis.history import Person
from kennis.i18n import Translator
from kennis.people import page_contributors
from kennis.status import PageStatus

from ..render import Link, handle_link, person_link


def state_labels(tr: Translator) -> dict[str, str]:
    """The badge of each freshness state, in the site's language."""
    return {
        "evergreen": tr._("Evergreen"),
        "fresh": tr._("Fresh"),
        "due_soon": tr._("Review due soon"),
        "due": tr._("Review due"),
        "overdue": tr._("Overdue for review"),
    }


def type_labels(tr: Translator) -> dict[str, str]:
    """The badge of each page type (an unknown type shows its own name, capitalised)."""
    return {
        "article": tr._("Article"),
        "how-to": tr._("How-to"),
        "checklist": tr._("Checklist"),
        "sop": tr._("SOP"),
        "story": tr._("Story"),
        "faq": tr._("FAQ"),
        "quiz": tr._("Quiz"),
        "video": tr._("Video"),
        "podcast": tr._("Podcast"),
    }


def status_labels(tr: Translator) -> dict[str, str]:
    return {
        "draft": tr._("Draft"),
        "published": tr._("Published"),
        "wanted": tr._("Wanted"),
        "archived": tr._("Archived"),
    }


@dataclass(frozen=True)
class PageInfo:
    """Everything the ``kennis/pageinfo.html`` template renders; all values are plain data."""

    title: str
    path: str
    state: str
    state_label: str
    type_label: str
    status: str
    status_label: str
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


class Labels:
    """The badges in the site's language, and each person's link, made once per build."""

    def __init__(self, tr: Translator) -> None:
        self.tr = tr
        self.states = state_labels(tr)
        self.types = type_labels(tr)
        self.statuses = status_labels(tr)
        self._people: dict[Person, Link] = {}
        self._handles: dict[Handle, Link] = {}

    @cached_property
    def issue(self) -> IssueText:
        """Made on first use: a site without a GitHub repository shows no Report outdated link."""
        return IssueText(self.tr)

    def person(self, person: Person) -> Link:
        link = self._people.get(person)
        if link is None:
            link = self._people[person] = person_link(person)
        return link

    def people(self, people: list[Person]) -> tuple[Link, ...]:
        known, make = self._people.get, self.person
        return tuple([known(p) or make(p) for p in people])

    def handle(self, handle: Handle) -> Link:
        link = self._handles.get(handle)
        if link is None:
            link = self._handles[handle] = handle_link(handle)
        return link


def page_info(
    status: PageStatus,
    *,
    page_url: str | None,
    repo_url: str | None,
    label: str,
    max_contributors: int,
    banner: bool,
    labels: Labels,
) -> PageInfo:
    page, history, fresh = status.page, status.history, status.freshness
    title = page.title or page.path.rsplit("/", 1)[-1].removesuffix(".md")
    people = labels.people(page_contributors(history)) if history else ()
    shown = people[:max_contributors] if max_contributors > 0 else ()
    return PageInfo(
        title=title,
        path=page.path,
        state=fresh.state,
        state_label=labels.states[fresh.state],
        type_label=labels.types.get(page.type) or page.type.capitalize(),
        status=page.status,
        status_label=labels.statuses.get(page.status) or page.status.capitalize(),
        owner=labels.handle(page.owner.handle) if page.owner else None,
        coauthors=tuple(labels.handle(a.handle) for a in page.coauthors),
        reviewed=page.reviewed,
        reviewed_by=labels.handle(page.reviewed_by) if page.reviewed_by else None,
        last_edited=history.last_modified.date() if history else None,
        contributors=shown,
        more_contributors=len(people) - len(shown) if max_contributors > 0 else 0,
        due=fresh.due,
        since=fresh.since,
        days_overdue=fresh.days_overdue,
        report_url=report_url(status, title, page_url, repo_url, label, labels),
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
    status: PageStatus,
    title: str,
    page_url: str | None,
    repo_url: str | None,
    label: str,
    labels: Labels,
) -> str | None:
    """A new-issue link on GitHub, pre-filled so the reader reaches the owner in one click."""
    if not repo_url or "github" not in repo_url:
        return None
    text, page = labels.issue, status.page
    lines = [text.outdated(title=title, path=page.path)]
    if page_url:
        lines.append(text.page(url=page_url))
    if page.owner:
        people = [page.owner.handle.text, *(a.handle.text for a in page.coauthors)]
        lines.append(text.owner(owner=people[0]))
        if len(people) > 1:
            lines.append(text.coauthors(names=", ".join(people[1:])))
    lines.append(text.end)
    query = f"title={text.title(title=title)}&body={'%0A'.join(lines)}&labels={_quote(label)}"
    return f"{repo_url.rstrip('/')}/issues/new?{query}"


class IssueText:
    """The pre-filled issue of "Report outdated" in the site's language, quoted once per build.

    Percent-encoding goes character by character, so a quoted sentence is its quoted pieces: a
    page quotes only its own title, path and people (issue 19: translating and quoting the
    whole text was a sixth of building a page's info).
    """

    def __init__(self, tr: Translator) -> None:
        self.outdated = _Quoted(tr._("The page **{title}** (`{path}`) looks outdated."))
        self.page = _Quoted(tr._("Page: {url}"))
        self.owner = _Quoted(tr._("Owner: {owner}, please take a look."))
        self.coauthors = _Quoted(tr._("Co-authors: {names}"))
        self.title = _Quoted(tr._("Outdated: {title}"))
        self.end = _quote("\n".join(["", tr._("What is wrong or missing?"), "", ""]))


class _Quoted:
    """A translated sentence with ``{name}`` fields, quoted but for the values filled in."""

    def __init__(self, template: str) -> None:
        self.template = template
        self.parts: list[tuple[str, str | None]] | None = []
        for literal, name, spec, conversion in Formatter().parse(template):
            if name is not None and (spec or conversion or not name.isidentifier()):
                self.parts = None  # a translation that formats its values: filled, then quoted
                break
            self.parts.append((_quote(literal), name))

    def __call__(self, **values: str) -> str:
        if self.parts is None:
            return _quote(self.template.format(**values))
        return "".join([lit + _quote(values[name]) if name else lit for lit, name in self.parts])


# ``quote(text, safe="")`` for ASCII text in one C call (urllib quotes byte by byte in Python,
# the larger part of building a page's info at 1,000s of pages); other text goes to urllib.
_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~")
_ASCII = {c: chr(c) if chr(c) in _SAFE else f"%{c:02X}" for c in range(128)}


def _quote(text: str) -> str:
    return text.translate(_ASCII) if text.isascii() else quote(text, safe="")
