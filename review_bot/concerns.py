"""The composition root: which concerns the App runs, in the order their handlers run."""

from __future__ import annotations

from collections.abc import Iterable

from review_bot.routing import Router, load_extra


def builtin_router() -> Router:
    """Every built-in concern's router, merged in order (for one event, earlier ones run first).

    Review routing comes before previews, so both read the pull request's one fan-out
    (`DeliveryContext.pull_request`) and the sticky comment is made by the review concern.
    """
    from review_bot import (
        confirm,
        credit,
        feedback,
        owner_commands,
        requests,
        review_due,
        reviewers,
        suggestions,
    )
    from review_bot.site import deploy, previews

    return Router(
        reviewers.router,
        suggestions.router,  # after the metadata check: fixes for what it found, as one review
        review_due.router,
        confirm.router,
        feedback.router,  # before deploy: a push that clears reports builds without the banner
        owner_commands.router,
        credit.router,  # reviews on knowledge PRs, for the Contributors page
        requests.router,
        deploy.router,
        previews.router,
    )


def root_router(extra: Iterable[str] = ()) -> Router:
    """The built-in concerns plus the operator's ``KENNIS_EXTRA_HANDLERS``, after them."""
    root = builtin_router()
    load_extra(extra, root)
    return root
