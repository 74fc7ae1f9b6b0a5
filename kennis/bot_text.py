"""Small pieces of the App's text shared by its messages: dates, and reasons stored in English.

Reasons (why someone was not asked, why a page was escalated) are kept in English where they are
stored (the pull-request state table, a review-due issue's data block), so an issue written before
a change of ``language:`` still reads back; they are translated only when shown.
"""

from __future__ import annotations

import re
from datetime import date

from .i18n import SOURCE_LANGUAGE, Translator
from .intervals import Interval

_OVER_LIMIT = re.compile(r"^over the limit of (?P<n>[0-9]+) reviewers$")
_REFUSED = re.compile(r"^GitHub refused to ask them: (?P<message>.*)$", re.S)


def bot_date(tr: Translator, day: date) -> str:
    """*day* in the App's text: ISO in English (as it always was), the locale's long form else."""
    return day.isoformat() if tr.language == SOURCE_LANGUAGE else tr.date(day)


def interval_text(interval: Interval, tr: Translator) -> str:
    """*interval* in words: "1 month", "3 maanden", "never"."""
    n = interval.count
    words = {
        "days": lambda: tr.ngettext("{n} day", "{n} days", n),
        "weeks": lambda: tr.ngettext("{n} week", "{n} weeks", n),
        "months": lambda: tr.ngettext("{n} month", "{n} months", n),
        "years": lambda: tr.ngettext("{n} year", "{n} years", n),
    }
    return words[interval.unit]() if interval.unit in words else tr._("never")


def reason(text: str, tr: Translator) -> str:
    """A stored English reason in *tr*'s language (unknown ones are shown as they are)."""
    known = {
        "wrote this pull request": tr._("wrote this pull request"),
        "is a bot": tr._("is a bot"),
        "was removed from this pull request": tr._("was removed from this pull request"),
        "not a collaborator on this repository, so GitHub does not let them review": tr._(
            "not a collaborator on this repository, so GitHub does not let them review"
        ),
        "is not a GitHub account": tr._("is not a GitHub account"),
        "a team of another organization cannot review here": tr._(
            "a team of another organization cannot review here"
        ),
        "no longer has access to this repository": tr._("no longer has access to this repository"),
        "no response for two scans after the page became overdue": tr._(
            "no response for two scans after the page became overdue"
        ),
    }
    if text in known:
        return known[text]
    over = _OVER_LIMIT.match(text)
    if over:
        return tr._("over the limit of {n} reviewers", n=over["n"])
    refused = _REFUSED.match(text)
    if refused:
        return tr._("GitHub refused to ask them: {message}", message=refused["message"])
    removed = re.match(r"^removed by (?P<who>@\S+)$", text)
    if removed:
        return tr._("removed by {who}", who=removed["who"])
    return text
