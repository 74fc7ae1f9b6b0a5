"""Knowledge requests: the issue form's fields, suggested experts, and the page a claim starts."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote, unquote

from .errors import KennisError
from .frontmatter import parse_page
from .handles import Handle, handle_key, is_bot, login_of, noreply_login
from .history import HistoryIndex
from .i18n import SOURCE_LANGUAGE, Translator, translator
from .kb import KnowledgeBase, effective_page
from .markdown import escape_inline, inline_code
from .page import Fields
from .paths import is_under, join, normalize
from .scaffold import plan_new_page, slugify, template

LABEL = "kennis:request"
OPEN = "kennis:request/open"
CLAIMED = "kennis:request/claimed"
FIELDS = ("What do you need to know?", "What is it for?", "Section", "Who might know?")
TITLE_PREFIX = "Request: "
MAX_EXPERTS = 5
RECENT = timedelta(days=365)
BRANCH_PREFIX = "kennis/request-"
TRIAGE_MARKER = "<!-- kennis:request-triage -->"
CLOSED_MARKER = "<!-- kennis:request-closed -->"
PAGE_MARKER = "<!-- kennis:request-page {path} -->"
_PAGE_MARKER = re.compile(r"<!-- kennis:request-page (\S+) -->")
_NO_RESPONSE = "_No response_"  # what GitHub writes for an empty optional form field
_FIELD = re.compile(r"^###[ \t]+(.+?)[ \t]*$", re.M)
_COMMENT = re.compile(r"<!--.*?-->", re.S)  # the bot's hidden markers are not answers
_COMMAND = re.compile(r"^/(claim|unclaim)\s*$", re.M)


@dataclass(frozen=True)
class RequestForm:
    """The four fields of a request, as plain text."""

    need: str
    purpose: str = ""
    section: str = ""
    who: str = ""


def parse_form(body: str | None) -> RequestForm:
    """Read GitHub's rendering of the issue form (``### Field`` then the answer) back."""
    text = (body or "").replace("\r\n", "\n")
    heads = list(_FIELD.finditer(text))
    found: dict[str, str] = {}
    for head, nxt in zip(heads, [*heads[1:], None][: len(heads)], strict=True):
        value = _COMMENT.sub("", text[head.end() : nxt.start() if nxt else len(text)]).strip()
        found[head.group(1).strip().lower()] = "" if value == _NO_RESPONSE else value
    need, purpose, section, who = (found.get(name.lower(), "") for name in FIELDS)
    return RequestForm(need, purpose, section.strip().strip("/"), who)


def form_body(form: RequestForm) -> str:
    """The issue body GitHub makes from the form, so ``POST /requests`` files the same issue."""
    values = (form.need, form.purpose, form.section, form.who)
    return "\n\n".join(
        f"### {name}\n\n{value.strip() or _NO_RESPONSE}"
        for name, value in zip(FIELDS, values, strict=True)
    )


def request_title(issue_title: str, form: RequestForm) -> str:
    """The page title a request asks for: the issue title without the form's prefix."""
    title = issue_title.strip()
    prefix = TITLE_PREFIX.strip().lower()
    if title.lower().startswith(prefix):
        title = title[len(prefix) :].strip()
    if not title:
        title = (form.need.strip().splitlines() or [""])[0]
    return title[:120].strip() or "Requested page"


def section_folder(kb: KnowledgeBase, section: str) -> str | None:
    """The content folder a section names, or None when it is empty, unsafe or unknown."""
    if not section or ".." in section.split("/") or section.startswith("/"):
        return None
    try:
        folder = normalize(join(kb.config.content_dir, section))
    except ValueError:
        return None
    content = kb.config.content_dir
    known = any(is_under(p, folder) for p in kb.pages) or folder in {
        f for f in kb.metas if f != content
    }
    return folder if known else None


def suggest_experts(
    kb: KnowledgeBase,
    index: HistoryIndex | None,
    section: str,
    requester: str | None,
    today: date,
    limit: int = MAX_EXPERTS,
) -> list[Handle]:
    """Owners and co-authors of the section's pages, then its most active editors of the last year.

    Editors come from the history index (people with a GitHub no-reply address, so they can be
    mentioned), ranked by commits to the section's pages last changed within a year. Never the
    requester, never a bot; at most ``limit``.
    """
    folder = section_folder(kb, section)
    if folder is None:
        return []
    pages = [p for path, p in sorted(kb.pages.items()) if is_under(path, folder)]
    found: list[Handle] = [h for p in pages for h in p.reviewers]
    since = datetime.combine(today, datetime.min.time(), UTC) - RECENT
    edits: Counter[str] = Counter()
    for page in pages:
        history = index.get(page.path) if index else None
        if history is None or history.last_modified.astimezone(UTC) < since:
            continue
        for part in history.contributions:
            login = noreply_login(part.person.email)
            if login:
                edits[login] += part.commits
    found += [login_of(name) for name, _ in sorted(edits.items(), key=lambda kv: (-kv[1], kv[0]))]
    skip = {handle_key(requester)} if requester else set()
    out: list[Handle] = []
    for handle in found:
        if handle.key in skip or is_bot(handle.login):
            continue
        skip.add(handle.key)
        out.append(handle)
    return out[:limit]


def triage_comment(
    experts: list[Handle], section: str, known_section: bool, tr: Translator | None = None
) -> str:
    """The one comment on a new request: who might write it, and 👍 for everyone else."""
    tr = tr or translator(SOURCE_LANGUAGE)
    if experts:
        lead = tr._(
            "People who know this part of the knowledge base: {people}. Could one of you write it?",
            people=", ".join(h.text for h in experts),
        )
    elif section and not known_section:
        lead = tr._(
            "There is no section {section} yet, so nobody is suggested.",
            section=inline_code(section),
        )
    else:
        lead = tr._("Nobody owns or edited this section lately, so nobody is suggested.")
    claim = tr._("Anyone who can write it: comment `/claim` and kennis opens a draft page for you.")
    vote = tr._(
        "Need this too? Add a 👍 to the request, so the most wanted pages are written first."
    )
    thanks = tr._("Thanks for asking! {lead}", lead=lead)
    return f"{TRIAGE_MARKER}\n{thanks}\n\n- {claim}\n- {vote}\n"


def command(body: str | None) -> str | None:
    """``claim`` or ``unclaim`` when a comment is that command on a line of its own."""
    match = _COMMAND.search(body or "")
    return match.group(1) if match else None


def branch_for(number: int) -> str:
    return f"{BRANCH_PREFIX}{number}"


def request_of_branch(ref: str) -> int | None:
    """The request number a ``kennis/request-<n>`` branch was made for."""
    if not ref.startswith(BRANCH_PREFIX) or not ref[len(BRANCH_PREFIX) :].isdigit():
        return None
    return int(ref[len(BRANCH_PREFIX) :])


@dataclass(frozen=True)
class DraftPage:
    """The file a claim writes: a new page or a wanted stub made the claimer's draft."""

    path: str
    text: str
    stub: bool  # True: an existing `status: wanted` page is edited
    todo: tuple[str, ...]  # the template's headings still to write


def wanted_stub(kb: KnowledgeBase, title: str, folder: str | None) -> str | None:
    """A ``status: wanted`` page with the request's title or file name (in its section first)."""
    slug = slugify(title)
    stubs = [p for path, p in sorted(kb.pages.items()) if p.status == "wanted"]
    same = [
        p
        for p in stubs
        if (p.title or "").strip().casefold() == title.casefold()
        or p.path.rsplit("/", 1)[-1] == f"{slug}.md"
    ]
    same.sort(key=lambda p: not (folder and is_under(p.path, folder)))
    return same[0].path if same else None


def draft_page(
    kb: KnowledgeBase,
    title: str,
    section: str,
    claimer: str,
    issue_url: str,
    today: date,
    stub_text: str | None = None,
    stub_path: str | None = None,
) -> DraftPage:
    """The page a claim proposes: the stub edited, or the type's template filled in."""
    owner = login_of(claimer)
    values = {"owner": f'"{owner.text}"', "status": "draft", "requested_in": f'"{issue_url}"'}
    if stub_path is not None and stub_text is not None:
        text = set_front_matter(stub_text, values, stub_path)
        return DraftPage(stub_path, text, True, _headings(text))
    folder = section_folder(kb, section)
    rel = folder[len(kb.config.content_dir) :].strip("/") if folder else ""
    path = join(folder or kb.config.content_dir, slugify(title) + ".md")
    kind = effective_page(kb, path, Fields(path, {}, {})).type
    new = plan_new_page(kb, kind, title, rel, owner, today)
    if new.path in kb.pages:
        raise KennisError(f"{new.path} already exists")
    text = set_front_matter(new.text, values, new.path)
    return DraftPage(new.path, text, False, _headings(template(kind)))


def set_front_matter(text: str, values: dict[str, str], path: str) -> str:
    """Set top-level keys to YAML scalars (replacing a line, else adding one before the end)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        lines = ["---", "---", *lines]
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        raise KennisError(f"{path}: front matter is not closed")
    for key, value in values.items():
        pattern = re.compile(rf"^{re.escape(key)}\s*:")
        at = next((i for i in range(1, end) if pattern.match(lines[i])), None)
        if at is None:
            lines.insert(end, f"{key}: {value}")
            end += 1
        else:
            lines[at] = f"{key}: {value}"
    out = "\n".join(lines)
    _, problems = parse_page(out.encode(), path)
    if problems:
        raise KennisError(str(problems[0]))
    return out


def _headings(text: str) -> tuple[str, ...]:
    return tuple(m.group(1) for m in re.finditer(r"(?m)^##\s+(.+?)\s*$", text))


def pr_body(
    form: RequestForm, page: DraftPage, number: int, claimer: str, tr: Translator | None = None
) -> str:
    """What the draft pull request says: the request, the file, and what is left to write."""
    tr = tr or translator(SOURCE_LANGUAGE)
    todo = "\n".join(f"- [ ] {escape_inline(h)}" for h in page.todo)
    todo = todo or "- [ ] " + tr._("the page itself")
    where = inline_code(page.path)
    if page.stub:
        head = tr._(
            "@{claimer} claimed request #{number}; this draft turns the wanted page {path}.",
            claimer=claimer,
            number=number,
            path=where,
        )
    else:
        head = tr._(
            "@{claimer} claimed request #{number}; this draft starts {path}.",
            claimer=claimer,
            number=number,
            path=where,
        )
    asked = tr._("Asked: {need}", need=escape_inline(form.need))
    if form.purpose:
        asked += "\n\n" + tr._("It is for: {purpose}", purpose=escape_inline(form.purpose))
    left = tr._("Left to write (the comments in the file say what goes where):")
    ready = tr._(
        "When the page is ready: set `status: published`, mark this pull request ready for "
        "review; merging it closes the request."
    )
    marker = PAGE_MARKER.format(path=quote(page.path))
    return f"{marker}\n{head}\n\n{asked}\n\n{left}\n{todo}\n\n{ready}\n"


def page_of_body(body: str) -> str | None:
    """The page a request's pull request writes, from the marker ``pr_body`` put in it."""
    match = _PAGE_MARKER.search(body)
    return unquote(match.group(1)) if match else None


def thanks(
    requester: str | None, author: str | None, path: str | None, tr: Translator | None = None
) -> str:
    """The closing comment once the requested page is merged."""
    tr = tr or translator(SOURCE_LANGUAGE)
    asked = f"@{requester}" if requester and not is_bot(requester) else tr._("everyone who asked")
    wrote = f"@{author}" if author and not is_bot(author) else tr._("the author")
    text = tr._("The requested page is written and merged.")
    if path:
        text += " " + tr._("It is at {path}.", path=inline_code(path))
    text += " " + tr._(
        "Thank you {asked} for asking and {wrote} for writing it!", asked=asked, wrote=wrote
    )
    return f"{CLOSED_MARKER}\n{text}\n"


# -- what the site shows: requests as the Issues API lists them -------------------------------


@dataclass(frozen=True)
class KnownRequest:
    """One request issue as the Wanted pages and Knowledge health pages show it."""

    number: int
    title: str
    url: str
    thumbs: int  # 👍 reactions: how many others need it too
    opened: date
    claimer: str | None
    closed: date | None = None
    fulfilled: bool = False  # closed as completed (the page was written)


def _day(value: object) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _web(value: object) -> str:
    return value if isinstance(value, str) and re.match(r"https?://", value) else ""


def known_requests(issues: object) -> list[KnownRequest]:
    """Requests from a list of GitHub issue objects (the Issues API's shape); others skipped."""
    found = []
    for item in issues if isinstance(issues, list) else []:
        if (
            not isinstance(item, dict)
            or "pull_request" in item
            or not isinstance(item.get("number"), int)
        ):
            continue
        labels = {
            (lab or {}).get("name", "").lower()
            for lab in item.get("labels") or []
            if isinstance(lab, dict)
        }
        opened = _day(item.get("created_at"))
        if LABEL not in labels or opened is None:
            continue
        assignees = [a.get("login") for a in item.get("assignees") or [] if isinstance(a, dict)]
        thumbs = (item.get("reactions") or {}).get("+1", 0)
        closed = _day(item.get("closed_at")) if item.get("state") == "closed" else None
        found.append(
            KnownRequest(
                item["number"],
                request_title(str(item.get("title") or ""), RequestForm("")),
                _web(item.get("html_url")),
                thumbs if isinstance(thumbs, int) else 0,
                opened,
                next((a for a in assignees if isinstance(a, str)), None),
                closed,
                closed is not None and item.get("state_reason") in (None, "completed"),
            )
        )
    return found


def open_ranked(requests: list[KnownRequest]) -> list[KnownRequest]:
    """Open requests, most 👍 first, then the oldest."""
    still = [r for r in requests if r.closed is None]
    return sorted(still, key=lambda r: (-r.thumbs, r.opened, r.number))


def per_month(requests: list[KnownRequest]) -> list[tuple[str, int, int]]:
    """(``YYYY-MM``, requests opened, requests fulfilled) for every month with either."""
    opened = Counter(r.opened.strftime("%Y-%m") for r in requests)
    done = Counter(r.closed.strftime("%Y-%m") for r in requests if r.closed and r.fulfilled)
    return [(m, opened[m], done[m]) for m in sorted(set(opened) | set(done))]
