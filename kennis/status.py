"""Pages with their history and freshness: what the site, ``kennis stale`` and the scan all show."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from .freshness import Freshness, assess
from .history import Credit, HistoryIndex, PageHistory
from .intervals import NEVER, Interval
from .kb import KnowledgeBase
from .page import Page
from .translations import TranslationState, judge
from .visibility import is_counted


@dataclass(frozen=True)
class PageStatus:
    """One page, what git knows of it, and whether it can still be trusted as of a date."""

    page: Page
    history: PageHistory | None
    freshness: Freshness
    translation: TranslationState | None = None  # for page.<lang>.md: is it behind its source?

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.page.path,
            "title": self.page.title,
            "owner": self.page.owner.handle.text if self.page.owner else None,
            "coauthors": [c.handle.text for c in self.page.coauthors],
            "reviewed": self.page.reviewed.isoformat() if self.page.reviewed else None,
            "reviewed_by": self.page.reviewed_by.text if self.page.reviewed_by else None,
            "review_every": str(self.page.review_every),
            **self.freshness.to_json(),
            **({"translation": self.translation.to_json()} if self.translation else {}),
        }


def assess_pages(
    kb: KnowledgeBase,
    index: HistoryIndex | Callable[[], HistoryIndex | None] | None,
    as_of: date,
    *,
    paths: Iterable[str] | None = None,
) -> list[PageStatus]:
    """Freshness of the pages of ``kb``, dated by ``index`` when a page has no ``reviewed:``.

    Every page in path order, or those of ``paths`` that ``kb`` holds, in the order given.
    ``index`` may be a function giving the index: it is called (once) only when a selected page
    has no ``reviewed:`` and so is dated by its first commit, which spares the pull-request path
    a pass over history that would change nothing.
    """
    chosen = sorted(kb.pages) if paths is None else [p for p in paths if p in kb.pages]
    pages = [kb.pages[path] for path in chosen]
    if callable(index):
        needed = any(page.reviewed is None or page.source for page in pages)
        index = index() if needed else None
    result = []
    for page in pages:
        history = index.get(page.path) if index else None
        created = history.created.date() if history else None
        freshness = assess(
            page.reviewed, created, page.review_every, kb.config.due_soon, as_of, kb.config.adopted
        )
        translation = None
        if page.source is not None and page.language is not None:
            found = index.translations.get(page.path) if index else None
            grace = kb.config.translation_grace
            translation = judge(found, page.source, page.language, grace, as_of)
            freshness = behind_is_due(freshness, translation, as_of)
        result.append(PageStatus(page, history, freshness, translation))
    return result


def behind_is_due(freshness: Freshness, translation: TranslationState, as_of: date) -> Freshness:
    """A translation behind its source is due for review from the day its grace period ended.

    Its owner's review-due issue then lists it, unless it already needs review for its own sake.
    """
    if not translation.behind or translation.behind_from is None or freshness.needs_review:
        return freshness
    due = translation.behind_from
    return Freshness("due", due, freshness.since, (as_of - due).days, freshness.basis)


def most_urgent_first(statuses: list[PageStatus]) -> list[PageStatus]:
    """Pages needing review: overdue before due before due soon, longest overdue first.

    Drafts, wanted stubs and archived pages never need review (``visibility.is_counted``).
    """
    needing = [s for s in statuses if s.freshness.needs_review and is_counted(s.page)]
    return sorted(
        needing,
        key=lambda s: (
            -s.freshness.urgency[0],
            -s.freshness.days_overdue,
            s.freshness.due or date.max,
            s.page.path,
        ),
    )


def confirmations_on_time(
    history: PageHistory, every: Interval, adopted: date | None = None
) -> list[tuple[Credit, bool]]:
    """The App's confirmations of a page, oldest first, each with whether it came by the due date.

    The due date is the one ``assess_pages`` showed that day: the previous review plus the page's
    interval. The previous review is the previous confirmation; before the first one, the later of
    the page's first commit and the adoption day (the index keeps no older ``reviewed:`` dates).
    A snooze does not move it. A confirmation on the due date itself is on time; an evergreen
    page's always is.
    """
    previous: date | None = None
    result = []
    for credit in sorted(
        (c for c in history.credits if c.kind == "confirmed"), key=lambda c: c.when
    ):
        day = credit.when.date()
        due = assess(previous, history.created.date(), every, NEVER, day, adopted).due
        result.append((credit, due is None or day <= due))
        previous = day
    return result
