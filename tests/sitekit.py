"""Build real MkDocs sites with the kennis plugins from git repositories made in tmp_path.

``make_kb(root)`` writes a small knowledge base with one page in every freshness state (as of
``AS_OF``) into a fresh git repository with fixed dates; ``build(root)`` runs the real
``mkdocs build --strict`` in a subprocess and returns the result.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.gitrepo import GitRepo

AS_OF = "2026-06-01"
REPO_URL = "https://github.com/acme/kb"
SITE_URL = "https://kb.acme.example/"
XSS = '<script>alert("owned")</script>'

PLUGINS = ("kennis/pageinfo", "kennis/health", "kennis/contributors", "kennis/wanted")


def mkdocs_yml(enabled: bool = True, extra: str = "") -> str:
    flag = "" if enabled else "\n      enabled: false"
    plugins = "\n".join(f"  - {name}:{flag or ' {}'}" for name in PLUGINS)
    return f"""site_name: Acme KB
site_url: {SITE_URL}
repo_url: {REPO_URL}
edit_uri: edit/main/content/
docs_dir: content
theme:
  name: material
  features: [content.action.edit]
validation:
  links:
    not_found: info
markdown_extensions: [admonition, attr_list, md_in_html]
plugins:
  - search
  - mkdocs_quiz:
      enabled_by_default: false
{plugins}
{extra}"""


KENNIS_YML = """content_dir: content
review_every: 12 months
due_soon: 30 days
fallback_owner: "@acme/knowledge-team"
site_url: https://kb.acme.example/
"""


def page(title: str, body: str = "Some text.\n", **front: str) -> str:
    lines = [f"title: {title}"] + [f"{key}: {value}" for key, value in front.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body


QUIZ = """
<quiz>
Which state means a page must be checked before you rely on it?
- [ ] fresh
- [x] overdue
- [ ] evergreen

Overdue pages carry a red banner.
</quiz>
"""

#: path → (front matter + body). The comments give each page's state as of AS_OF.
PAGES = {
    # fresh: reviewed three months ago
    "content/index.md": page(
        "Welcome", owner='"@alice"', reviewed="2026-03-01", reviewed_by='"@alice"'
    ),
    # overdue: due 2025-01-10, overdue from 2026-01-10; owned by a team
    "content/kitchen/closing.md": page(
        "Closing the kitchen",
        owner='"@acme/kitchen-leads"',
        coauthors='["@bob"]',
        reviewed="2024-01-10",
        reviewed_by='"@bob"',
        type="checklist",
    ),
    # due: due 2026-04-01
    "content/kitchen/fridge.md": page("Fridge temperatures", owner='"@bob"', reviewed="2025-04-01"),
    # due soon: due 2026-06-20, the window opens 2026-05-21
    "content/kitchen/soon.md": page("Stock rotation", owner='"@bob"', reviewed="2025-06-20"),
    "content/evergreen.md": page("Our values", owner='"@alice"', review_every="never"),
    # no owner anywhere: falls back; never reviewed; fresh from its first commit (2026-05-01)
    "content/orphan.md": page("Lost and found"),
    # hostile title and body; links to a page nobody wrote yet
    "content/tricky.md": page(
        f"'{XSS} & friends'",
        body="See [the fire drill](kitchen/fire-drill.md); `[not a link](nowhere.md)` is code.\n",
        owner='"@carol"',
        reviewed="2026-05-01",
    ),
    "content/wanted.md": page("Allergen labels", owner='"@alice"', status="wanted"),
    "content/quiz.md": page(
        "Check yourself",
        body=QUIZ,
        owner='"@alice"',
        reviewed="2026-05-01",
        type="quiz",
        quiz="{enabled: true}",
    ),
}


@dataclass
class Built:
    """The outcome of one ``mkdocs build``."""

    root: Path
    site: Path
    returncode: int
    output: str

    def html(self, url: str) -> str:
        """The HTML of the page at ``url`` (e.g. ``kitchen/closing/``)."""
        return (self.site / url / "index.html").read_text(encoding="utf-8")


def make_kb(root: Path, pages: dict[str, str] | None = None, enabled: bool = True) -> GitRepo:
    repo = GitRepo(root)
    repo.write("mkdocs.yml", mkdocs_yml(enabled)).write(".github/kennis.yml", KENNIS_YML)
    everything = dict(PAGES if pages is None else pages)
    orphan = everything.pop("content/orphan.md", None)
    for path, text in everything.items():
        repo.write(path, text)
    repo.commit(
        "Start the knowledge base",
        author="Alice Example <alice@example.com>",
        date="2024-01-05T10:00:00+00:00",
    )
    if orphan is not None:
        repo.write("content/orphan.md", orphan)
        repo.commit(
            "Add lost and found",
            author="Alice Example <alice@example.com>",
            date="2026-05-01T10:00:00+00:00",
        )
    if "content/kitchen/fridge.md" in everything:
        repo.append("content/kitchen/fridge.md", "\nKeep it at 4 °C or below.\n")
        repo.commit(
            "Fridge: say how cold",
            author="Bob Builder <12345+bob@users.noreply.github.com>",
            date="2026-05-20T09:30:00+02:00",
            trailers=["Co-authored-by: Dana Newcomer <dana@example.com>"],
        )
    return repo


def build(
    root: Path,
    *args: str,
    strict: bool = True,
    as_of: str = AS_OF,
    command: tuple[str, ...] = ("mkdocs",),
) -> Built:
    site = root.parent / f"{root.name}-site"
    cmd = [sys.executable, "-m", *command, "build", "-d", str(site), *args]
    if strict:
        cmd.append("--strict")
    env = {
        **os.environ,
        "KENNIS_AS_OF": as_of,
        "NO_MKDOCS_2_WARNING": "1",
        "DISABLE_MKDOCS_2_WARNING": "true",
    }
    result = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=300)
    return Built(root, site, result.returncode, result.stdout + result.stderr)
