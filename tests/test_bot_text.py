"""The App's texts in Dutch: every builder speaks the translator's language, markers stay as they are."""

from __future__ import annotations

from datetime import date

import pytest

from kennis import feedback
from kennis.bot_text import interval_text, reason
from kennis.confirm import refusal
from kennis.due_issue import DueEntry, action_ticks, parse_issue, render_issue, thanks_body, ticked
from kennis.handles import parse_handle
from kennis.i18n import translator
from kennis.intervals import Interval
from kennis.kb import load_kb
from kennis.nudges import Waiting, plan_nudges
from kennis.owner_actions import explain, parse_commands
from kennis.requests import thanks, triage_comment
from kennis.scan import REASON_IGNORED, REASON_INACTIVE
from kennis.tree import MemoryTree
from kennis.welcome import welcome_text
from tests.kbfiles import page

NL = translator("nl")
EN = translator("en")
ENTRIES = [
    DueEntry("content/a.md", "A", "https://kb.example.com/a/", date(2026, 1, 1), 30, "overdue"),
    DueEntry(
        "content/b.md",
        "B",
        None,
        date(2026, 1, 30),
        1,
        "due",
        escalated_from="@dave",
        reason=REASON_INACTIVE,
    ),
]


def test_a_dutch_review_due_issue_reads_back_and_its_ticks_count() -> None:
    body = render_issue(parse_handle("@alice"), ENTRIES, date(2026, 1, 31), tr=NL)
    assert "- [ ] [A](https://kb.example.com/a/) — `content/a.md` — te beoordelen op " in body
    assert "1 januari 2026 (30 dagen te laat)" in body
    assert "doorgezet van @dave (heeft geen toegang meer tot deze repository)" in body
    shown = body.split("<!-- kennis:review-due-data")[0].replace("review-due", "")
    assert "due" not in shown and "overdue" not in shown  # the data block stays English
    listed = parse_issue(1, "t", body)
    assert listed is not None and [p.path for p in listed.pages] == ["content/a.md", "content/b.md"]
    assert listed.pages[1].reason == REASON_INACTIVE  # stored in English, shown in Dutch
    done = body.replace("- [ ] [A]", "- [x] [A]")
    assert ticked(body, done) == ["content/a.md"]
    archive = done.replace("- [ ] archiveren", "- [x] archiveren", 1)
    [command] = action_ticks(done, archive)
    assert (command.action, command.path) == ("archive", "content/a.md")


def test_an_english_issue_and_a_dutch_rewrite_of_it_hold_the_same_pages() -> None:
    english = render_issue(parse_handle("@alice"), ENTRIES, date(2026, 1, 31))
    dutch = render_issue(parse_handle("@alice"), ENTRIES, date(2026, 1, 31), tr=NL)
    one, two = parse_issue(1, "t", english), parse_issue(1, "t", dutch)
    assert one is not None and two is not None
    assert [p.semantic for p in one.pages] == [p.semantic for p in two.pages]
    assert ticked(english, english.replace("- [ ] [A]", "- [x] [A]")) == ["content/a.md"]


def test_the_thank_you_body_keeps_its_marker() -> None:
    body = thanks_body("@alice", NL)
    assert body.startswith("<!-- kennis:review-due owner=@alice -->\n@alice, bedankt!")


@pytest.mark.parametrize(
    ("stored", "dutch"),
    [
        (REASON_INACTIVE, "heeft geen toegang meer tot deze repository"),
        (REASON_IGNORED, "geen reactie gedurende twee controles nadat de pagina te laat was"),
        ("over the limit of 4 reviewers", "boven de grens van 4 beoordelaars"),
        (
            "GitHub refused to ask them: Validation Failed",
            "GitHub weigerde het hun te vragen: Validation Failed",
        ),
        ("removed by @bob", "verwijderd door @bob"),
        ("something new", "something new"),
    ],
    ids=["inactive", "ignored", "limit", "refused", "removed", "unknown"],
)
def test_stored_reasons_are_shown_in_dutch(stored: str, dutch: str) -> None:
    assert reason(stored, NL) == dutch
    assert reason(stored, EN) == stored


def test_intervals_in_words() -> None:
    assert interval_text(Interval(1, "months"), NL) == "1 maand"
    assert interval_text(Interval(3, "months"), NL) == "3 maanden"
    assert interval_text(Interval(2, "weeks"), EN) == "2 weeks"


KB = load_kb(
    MemoryTree({"content/a.md": page(title="A", owner='"@alice"', coauthors='["@bob"]').encode()})
)


def test_verify_and_owner_command_replies_in_dutch() -> None:
    text = refusal("mallory", [KB.pages["content/a.md"]], ["content/nope.md"], tr=NL)
    assert text.startswith("@mallory, bedankt voor het nakijken!")
    assert "- `content/a.md`: @alice, @bob" in text
    assert "- `content/nope.md`: geen pagina van deze kennisbank" in text
    decided = refusal("mallory", [KB.pages["content/a.md"]], tr=NL, decision=True)
    assert "kan hierover beslissen" in decided
    [bad] = parse_commands("/snooze content/a.md")
    assert explain(bad, NL) == (
        "zeg voor hoe lang: `/snooze <pagina> <periode>` (bijvoorbeeld "
        "`/snooze content/a.md 2 weken`)"
    )
    assert explain(bad) == bad.error  # English as before


def test_welcome_nudge_request_and_feedback_texts_in_dutch() -> None:
    welcome = welcome_text([parse_handle("@alice")], [], "https://kb.example.com/", tr=NL)
    assert welcome.startswith("### 👋 Welkom, en bedankt")
    assert "op https://kb.example.com/." in welcome
    waiting = Waiting(7, date(2026, 3, 2), (parse_handle("@alice"),), (), ("content/a.md",))
    [nudge] = plan_nudges([waiting], date(2026, 3, 5), 3, NL)
    assert nudge.body.startswith("<!-- kennis:nudge period=1 -->\n@alice, deze pull request")
    assert "wacht al 3 werkdagen op je goedkeuring" in nudge.body
    triage = triage_comment([], "", False, NL)
    assert triage.startswith("<!-- kennis:request-triage -->\nBedankt voor je vraag!")
    assert "`/claim`" in triage
    assert "Bedankt @ann voor de vraag" in thanks("ann", "bob", "content/a.md", NL)
    report = feedback.Report("1", "content/a.md", "outdated", date(2026, 3, 1), "Old", "@ann")
    body = feedback.issue_body("content/a.md", "@alice", [report], 1, None, NL)
    assert "Feedback van lezers op `content/a.md`, voor de eigenaar @alice." in body
    assert "| verouderd | 1 | 1 maart 2026 | 1 maart 2026 |" in body
    assert "**Als verouderd gemeld** door een collega" in body
    assert feedback.page_of(body) == "content/a.md"
    closing = feedback.thanks_text([report, report], NL)
    assert closing.startswith("Bedankt, collega — de pagina is bevestigd of bewerkt")


def test_the_preview_section_in_dutch() -> None:
    from kennis.gitrev import Change
    from review_bot.site.previews import PreviewInfo, plan_preview, render_comment

    plan = plan_preview([Change("A", "hooks/x.py", "hooks/x.py")], "content", tr=NL)
    assert plan.reason == "hij wijzigt Python-code (<code>hooks/x.py</code>)"
    info = PreviewInfo("acme/kb", 7, "f" * 40, reason=plan.reason)
    text = render_comment(info, NL)
    assert text.startswith("**Geen voorvertoning** voor ffffffffffff, want hij wijzigt Python-code")
    shown = PreviewInfo(
        "acme/kb", 7, "f" * 40, "https://kb/p/", (("content/a.md", "https://kb/p/a/"),)
    )
    assert render_comment(shown, NL) == (
        "**Voorvertoning** van ffffffffffff: https://kb/p/\n\nGewijzigde pagina's:\n"
        "- [<code>content/a.md</code>](https://kb/p/a/)"
    )


def test_suggested_fixes_in_dutch_offer_the_same_fix() -> None:
    from kennis.suggest import plan_fixes, review_body

    text = "---\nowner: @bob\nreviewed: 03/04/2026\n---\n"
    english, dutch = plan_fixes("content/p.md", text), plan_fixes("content/p.md", text, NL)
    assert [f.key for f in dutch] == [f.key for f in english]  # offered once, in any language
    assert dutch[0].message == "een naam die met @ begint, moet tussen aanhalingstekens"
    assert dutch[1].message.startswith("Welke dag is `03/04/2026`: 3 april 2026 of 4 maart 2026?")
    assert review_body(dutch, NL).startswith(
        "<!-- kennis:suggestions -->\nkennis heeft 2 verbeteringen gevonden"
    )
    assert (
        dutch[0]
        .comment(NL)
        .endswith(
            'Klik op *Commit suggestion* om het te verbeteren:\n\n```suggestion\nowner: "@bob"\n```'
        )
    )


def test_the_deployment_status_in_dutch() -> None:
    from review_bot.site.builder import BuildResult
    from review_bot.site.deploy import live_description

    result = BuildResult(True, 12.34, "", skipped=("content/key.pem",))
    assert live_description(result) == (
        "live (built in 12.3 s); not built, not a regular file: content/key.pem"
    )
    assert live_description(result, NL) == (
        "online (gebouwd in 12.3 s); niet gebouwd, geen gewoon bestand: content/key.pem"
    )
