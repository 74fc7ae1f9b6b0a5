"""Which pull requests may be previewed, their page links, the comment, and its one writer."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from github.PullRequest import PullRequest

from kennis.gitrev import Change
from review_bot import comments
from review_bot.github_client import GitHubApp
from review_bot.site.previews import (
    PreviewInfo,
    page_links,
    plan_preview,
    render_comment,
    server_paths_removed,
)
from review_bot.site.releases import SiteStore
from tests.github_standin.fixtures import AppKey
from tests.github_standin.server import GitHubStandIn


def changes(*entries: str) -> list[Change]:
    out = []
    for entry in entries:
        status, _, paths = entry.partition(" ")
        old, _, new = paths.partition(" -> ")
        out.append(Change(status, old, new or old))
    return out


PLANS = {  # case: (changes, pages previewed, a text the skip reason must contain)
    "content-only": (
        ["M content/a.md", "A content/b/index.md"],
        ["content/a.md", "content/b/index.md"],
        None,
    ),
    "deleted-page-is-not-linked": (["D content/a.md", "M content/c.md"], ["content/c.md"], None),
    "readme-outside-content-is-harmless": (
        ["M README.md", "M content/a.md"],
        ["content/a.md"],
        None,
    ),
    "mkdocs-yml": (["M mkdocs.yml", "M content/a.md"], [], "<code>mkdocs.yml</code>"),
    "kennis-config": (["M .github/kennis.yml"], [], "<code>.github/kennis.yml</code>"),
    "hook-file": (["A hooks/x.py"], [], "Python code (<code>hooks/x.py</code>)"),
    "python-in-content": (["A content/x.py"], [], "Python code (<code>content/x.py</code>)"),
    "overrides": (["M overrides/main.html"], [], "<code>overrides/main.html</code>"),
    "pyproject": (["M pyproject.toml"], [], "<code>pyproject.toml</code>"),
    "page-renamed-out-of-content": (
        ["R content/a.md -> hooks/a.md"],
        [],
        "<code>hooks/a.md</code>",
    ),
    "backtick-in-a-name-stays-inside-its-code": (
        ["A hooks/`x`.py"],
        [],
        "<code>hooks/`x`.py</code>",
    ),
}


@pytest.mark.parametrize("case", list(PLANS), ids=list(PLANS))
def test_plan_preview(case: str) -> None:
    entries, pages, reason = PLANS[case]
    plan = plan_preview(changes(*entries), "content")
    assert list(plan.pages) == pages
    if reason is None:
        assert plan.reason is None
    else:
        assert plan.reason is not None and reason in plan.reason


ROOT = "https://kb.example.com/previews/pr-7/"
LINKS = {  # case: (page source path, its link in the preview)
    "home": ("content/index.md", ROOT),
    "page": ("content/a.md", ROOT + "a/"),
    "section-index": ("content/b/index.md", ROOT + "b/"),
    "section-readme": ("content/b/README.md", ROOT + "b/"),
    "nested": ("content/b/c.md", ROOT + "b/c/"),
    "space-and-accent-are-encoded": ("content/Café menu.md", ROOT + "Caf%C3%A9%20menu/"),
    "parenthesis-cannot-end-the-markdown-link": ("content/a (old).md", ROOT + "a%20%28old%29/"),
}


@pytest.mark.parametrize("case", list(LINKS), ids=list(LINKS))
def test_page_links(case: str) -> None:
    path, url = LINKS[case]
    assert page_links(ROOT, "content", [path]) == ((path, url),)


def test_a_failed_build_shows_its_log_as_text_without_server_paths(tmp_path: Path) -> None:
    sites = SiteStore(tmp_path / "sites")
    work = sites.work_dir / "0123456789ab-cafe1234"
    log = (
        f'Error: in "{work}/mkdocs.yml", line 2\n'
        f"guide/x.md: ```\n<script>alert(1)</script> @acme/everyone\n"
        f"writing {sites.root}/previews/builds/pr-7.partial"
    )
    info = PreviewInfo(
        "acme/kb", 7, "f" * 40, reason="the build failed", log=server_paths_removed(log, sites)
    )
    body = render_comment(info)
    assert body.startswith("**No preview** for ffffffffffff because the build failed.\n\n```text\n")
    assert body.count("```") == 2  # the log's own backticks cannot close the block early
    assert 'Error: in "mkdocs.yml", line 2' in body
    assert str(tmp_path) not in body and "<data>/previews/builds/pr-7.partial" in body
    fence = body.split("```text\n", 1)[1].split("\n```", 1)[0]
    assert "<script>" in fence and "@acme/everyone" in fence  # shown literally, inside the block


def test_concurrent_edits_of_the_sticky_comment_both_survive(
    github: GitHubStandIn, app_key: AppKey
) -> None:
    repo = github.add_repo("acme/kb")
    github.add_pr("acme/kb", 3, head_sha="a" * 40, base_sha="b" * 40, files=[])
    assert repo.installation_id is not None
    app = GitHubApp(str(app_key.app_id), app_key.private_key_pem, github.base_url, write_pause=0)

    def pull() -> PullRequest:
        return app.client(repo.installation_id or 0).get_repo("acme/kb").get_pull(3)

    comments.upsert(pull(), comments.MARKER + "\nOwners: first version\n")
    # Both writers read the comment at the same time unless one waits for the other.
    github.faults.add("GET", r"/repos/acme/kb/issues/3/comments", "slow", count=2, delay=0.5)
    start = threading.Barrier(2)

    def reviewers() -> None:
        pr = pull()
        start.wait()
        comments.upsert(pr, comments.MARKER + "\nOwners: second version\n")

    def preview() -> None:
        pr = pull()
        start.wait()
        comments.upsert_section(pr, "preview", "**Preview** of abc")

    threads = [threading.Thread(target=reviewers), threading.Thread(target=preview)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    (comment,) = github.issue("acme/kb", 3).comments
    assert "Owners: second version" in comment.body
    assert "**Preview** of abc" in comment.body
