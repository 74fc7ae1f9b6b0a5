"""Which pages a build publishes and lists, and which pages reminders and counts cover: one rule."""

from __future__ import annotations

from dataclasses import dataclass

from .page import Page

#: Statuses of pages that are not (yet, or any more) knowledge readers rely on.
NOT_CONTENT = ("draft", "wanted", "archived")


@dataclass(frozen=True)
class Audience:
    """Who a build is for.

    ``preview`` is ``kennis serve`` and pull-request previews, where a draft is shown (with a
    Draft badge) so its author and reviewers can read it.
    """

    preview: bool = False


PRODUCTION = Audience(preview=False)
PREVIEW = Audience(preview=True)


def is_published(page: Page, audience: Audience = PRODUCTION) -> bool:
    """Whether a build writes this page at all: drafts only for a preview audience."""
    return audience.preview or page.status != "draft"


def is_listed(page: Page, audience: Audience = PRODUCTION) -> bool:
    """Whether the page is in the navigation, the search index and the sitemap."""
    return is_published(page, audience) and page.status != "archived"


def is_counted(page: Page) -> bool:
    """Whether reminders (``kennis stale``, the review-due scan) and health counts cover the page.

    Only knowledge readers rely on: never a draft, a wanted stub or an archived page.
    """
    return page.status not in NOT_CONTENT
