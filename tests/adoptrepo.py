"""A generated Markdown repository to adopt: pages without front matter, years of history, git fast-import.

``generate(root, pages=2000)`` writes ``docs/area00 … area09`` with pages spread evenly, created
over the first year of three and edited since by 30 authors, all with fixed dates. In the last
12 months before ``ADOPTED`` each folder has one clear top committer (``expected_owner``), while
the years before have another (so a suggestion from all history would be wrong), and a bot
commits more than anybody (so a suggestion counting bots would be wrong too).
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from tests.gitrepo import git_env

ADOPTED = date(2026, 6, 15)
FOLDERS = 10
AUTHORS = 30
START = datetime(2023, 6, 16, 9, 0, tzinfo=timezone(timedelta(hours=2)))
BOT = ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")


def author(n: int) -> tuple[str, str]:
    """Author ``n``: GitHub no-reply address, so the login is known (``@user07``)."""
    return f"User {n:02d}", f"{1000 + n}+user{n:02d}@users.noreply.github.com"


def recent_lead(folder: int) -> int:
    return (folder * 3) % AUTHORS


def old_lead(folder: int) -> int:
    return (folder * 3 + 1) % AUTHORS


def expected_owner(folder: int) -> str:
    return f"@user{recent_lead(folder):02d}"


@dataclass
class _Stream:
    parts: list[bytes] = field(default_factory=list)
    mark: int = 0

    def commit(
        self, who: tuple[str, str], when: datetime, message: str, files: dict[str, str]
    ) -> None:
        self.mark += 1
        stamp = f"{int(when.timestamp())} {when.strftime('%z')}"
        ident = f"{who[0]} <{who[1]}> {stamp}"
        body = message.encode()
        out = [f"commit refs/heads/main\nmark :{self.mark}\nauthor {ident}\ncommitter {ident}\n"]
        out.append(f"data {len(body)}\n{message}\n")
        if self.mark > 1:
            out.append(f"from :{self.mark - 1}\n")
        self.parts.append("".join(out).encode())
        for path, text in files.items():
            data = text.encode()
            self.parts.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
        self.parts.append(b"\n")


def page_path(i: int) -> str:
    return f"docs/area{i % FOLDERS:02d}/page-{i:04d}.md"


def generate(root: Path, pages: int = 2000) -> Path:
    """Write the repository at ``root`` (work tree checked out) and return it."""
    root.mkdir(parents=True, exist_ok=True)
    env = git_env()
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True, env=env)
    stream = _Stream()
    texts: dict[str, str] = {}
    year = timedelta(days=365)
    # Year one: every page is created, in batches of 20, by the folder's old lead and others.
    for batch in range(0, pages, 20):
        when = START + year * batch / pages
        files = {}
        for i in range(batch, min(batch + 20, pages)):
            texts[page_path(i)] = f"# Page {i}\n\nHow we do thing {i}.\n"
            files[page_path(i)] = texts[page_path(i)]
        stream.commit(author(old_lead(batch // 20 % FOLDERS)), when, f"Add pages {batch}+", files)
    # Years two and three: single-page edits; the lead of the time does most of them.
    edits = max(pages, 400)
    for k in range(edits):
        when = START + year + 2 * year * (k + 1) / (edits + 1)
        recent = when.date() > ADOPTED.replace(year=ADOPTED.year - 1)
        i = (k * 7) % pages
        folder = i % FOLDERS
        lead = recent_lead(folder) if recent else old_lead(folder)
        who = author(lead if k % 3 != 2 else (k * 11 + 5) % AUTHORS)
        if recent and k % 4 == 1:
            who = BOT  # bots commit often; they must never be suggested
        texts[page_path(i)] += f"Edit {k}.\n"
        stream.commit(who, when, f"Edit page {i}", {page_path(i): texts[page_path(i)]})
    subprocess.run(
        ["git", "-C", str(root), "fast-import", "--quiet"],
        input=b"".join(stream.parts),
        check=True,
        env=env,
    )
    subprocess.run(["git", "-C", str(root), "reset", "-q", "--hard", "main"], check=True, env=env)
    return root
