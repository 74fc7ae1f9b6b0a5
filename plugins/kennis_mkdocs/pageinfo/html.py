"""The package's page info box and banner templates, written out in Python for speed.

``kennis/pageinfo.html`` and ``kennis/banner.html`` go into every page; through Jinja they cost
~0.2 ms a page inside a build (a call, an escape and an attribute look-up per value), the largest
share of kennis' build time on a linear navigation (issue 19). When neither template is
overridden in ``custom_dir``, the renderer uses these functions instead: the same HTML byte for
byte (``tests/test_pageinfo_html.py`` renders both over every shape of page info, in two
languages), with each fixed message translated and escaped once per build. People still go
through ``person()``/``people()``, so an overridden ``_people.html`` keeps deciding how they look.
An overridden box or banner template is rendered by Jinja as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from markupsafe import Markup, escape

from kennis.i18n import Translator

from ..render import Link, TimeTags
from .view import PageInfo

Person = Callable[[Link], Markup]
People = Callable[[Iterable[Link]], Markup]


class PageInfoHtml:
    """Renders ``PageInfo`` as the package's ``pageinfo.html`` and ``banner.html`` would."""

    def __init__(self, tr: Translator, person: Person, people: People) -> None:
        self.tr = tr
        self.person = person
        self.people = people
        self._messages: dict[str, str] = {}
        self.time = TimeTags(tr)
        _ = self._
        # The fixed words, translated and escaped once per build.
        self.about = _("About this page")
        self.owner, self.reviewed = _("Owner"), _("Reviewed")
        self.never = _("never")
        self.last_edited, self.contributors = _("Last edited"), _("Contributors")
        self.requested, self.see_request = _("Written on request"), _("see the request")
        self.report, self.report_it = _("Report outdated"), _("report it as outdated")
        self.archived_title = _("Archived — kept for history")
        self.do_not_rely = _("Do not rely on it for how things are done today.")

    def _(self, message: str, /, **values: Any) -> str:
        """The template's ``_()``: the translation escaped, values already HTML."""
        text = self._messages.get(message)
        if text is None:
            text = self._messages[message] = str(escape(self.tr._(message)))
        return text.format(**values) if values else text

    def ngettext(self, singular: str, plural: str, n: int, /, **values: str) -> str:
        keep = {key: "{" + key + "}" for key in values}
        return str(escape(self.tr.ngettext(singular, plural, n, **keep))).format(**values)

    def box(self, info: PageInfo) -> str:
        _, person = self._, self.person
        out = [
            f'<aside class="kennis-pageinfo" data-search-exclude data-kennis-state="'
            f'{escape(info.state)}" aria-label="{self.about}">\n'
            f'<span class="kennis-state kennis-state--{escape(info.state)}">'
            f"{escape(info.state_label)}</span>\n"
            f'<span class="kennis-type">{escape(info.type_label)}</span>'
        ]
        if info.status != "published":
            out.append(
                f' <span class="kennis-status kennis-status--{escape(info.status)}">'
                f"{escape(info.status_label)}</span>"
            )
        out.append("<dl>\n")
        if info.owner:
            if info.coauthors:
                who = _(
                    "{owner} with {coauthors}",
                    owner=person(info.owner),
                    coauthors=self.people(info.coauthors),
                )
            else:
                who = person(info.owner)
            out.append(f'<div class="kennis-owner"><dt>{self.owner}</dt><dd>{who}</dd></div>')
        out.append(f'<div class="kennis-reviewed"><dt>{self.reviewed}</dt><dd>')
        if info.reviewed:
            reviewed_on = self.time(info.reviewed)
            if info.reviewed_by:
                out.append(_("{day} by {who}", day=reviewed_on, who=person(info.reviewed_by)))
            else:
                out.append(reviewed_on)
        else:
            out.append(self.never)
        if info.due and info.state != "evergreen":
            out.append(_("; next review due {day}", day=self.time(info.due)))
        out.append("</dd></div>\n")
        if info.last_edited:
            out.append(
                f'<div class="kennis-edited"><dt>{self.last_edited}</dt>'
                f"<dd>{self.time(info.last_edited)}</dd></div>"
            )
        if info.contributors:
            out.append(
                f'<div class="kennis-contributors"><dt>{self.contributors}</dt>'
                f"<dd>{self.people(info.contributors)}"
            )
            if info.more_contributors:
                more = self.ngettext("and {n} more", "and {n} more", info.more_contributors)
                out.append(
                    f' <details class="kennis-more-contributors"><summary>{more}</summary>'
                    f"{self.people(info.hidden_contributors)}</details>"
                )
            out.append("</dd></div>")
        if info.requested_in:
            out.append(
                f'<div class="kennis-requested"><dt>{self.requested}</dt>'
                f'<dd><a href="{escape(info.requested_in)}">{self.see_request}</a></dd></div>'
            )
        out.append("</dl>\n")
        if info.report_url:
            out.append(
                f'<a class="kennis-report md-button" href="{escape(info.report_url)}" '
                f'rel="nofollow">{self.report}</a>'
            )
        out.append("</aside>")
        return "".join(out)

    def banner(self, info: PageInfo) -> str:
        if info.banner == "archived":
            return self._archived(info)
        _ = self._
        overdue = info.banner == "overdue"
        kind = escape(info.banner)
        out = [
            f'<div class="admonition {"danger" if overdue else "warning"} kennis-banner '
            f'kennis-banner--{kind}" data-search-exclude data-kennis-banner="{kind}" '
            f'role="{"alert" if overdue else "note"}">\n<p class="admonition-title">'
        ]
        if overdue:
            out.append(_("This page is overdue for review"))
        else:
            out.append(_("This page is due for review"))
        out.append("</p>\n<p>\n")
        due_on = self.time(info.due)
        if info.since:
            if overdue:
                due_text = self.ngettext(
                    "its review was due on {day} ({n} day ago).",
                    "its review was due on {day} ({n} days ago).",
                    info.days_overdue,
                    day=due_on,
                )
            else:
                due_text = _("its review was due on {day}.", day=due_on)
            since_on = self.time(info.since)
            out.append(
                _(
                    "Nobody has confirmed it is still accurate since {day}; {due}",
                    day=since_on,
                    due=due_text,
                )
            )
        elif overdue:
            out.append(
                self.ngettext(
                    "The review of this page was due on {day} ({n} day ago).",
                    "The review of this page was due on {day} ({n} days ago).",
                    info.days_overdue,
                    day=due_on,
                )
            )
        else:
            out.append(_("The review of this page was due on {day}.", day=due_on))
        out.append(" ")
        if overdue:
            out.append(_("Check with the people who know before you rely on it."))
        else:
            out.append(_("It is probably still right, but may have gaps."))
        out.append("</p>\n")
        if info.ask:
            who = self.people(info.ask)
            if info.report_url:
                report = (
                    f'<a class="kennis-report" href="{escape(info.report_url)}">'
                    f"{self.report_it}</a>"
                )
                ask = _("Ask {who}, or {report}.", who=who, report=report)
            else:
                ask = _("Ask {who}.", who=who)
            out.append(f"<p>{ask}</p>")
        out.append("</div>\n")
        return "".join(out)

    def _archived(self, info: PageInfo) -> str:
        _ = self._
        out = [
            '<div class="admonition note kennis-banner kennis-banner--archived" '
            'data-search-exclude data-kennis-banner="archived" role="note">\n'
            f'<p class="admonition-title">{self.archived_title}</p>\n<p>'
        ]
        if info.archived:
            out.append(
                _(
                    "Nobody keeps this page up to date any more: its owner archived it on {day}.",
                    day=self.time(info.archived),
                )
            )
        else:
            out.append(_("Nobody keeps this page up to date any more."))
        out.append(f" {self.do_not_rely}</p>\n")
        if info.ask:
            questions = _("Questions? Ask {who}.", who=self.people(info.ask))
            out.append(f"<p>{questions}</p>")
        out.append("</div>\n")
        return "".join(out)
