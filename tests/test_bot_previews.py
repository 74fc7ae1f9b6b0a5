"""Pull-request previews end to end: the real bot, real git, real MkDocs builds, the GitHub stand-in."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.botproc import deliveries_json, wait_for
from tests.github_standin.fixtures import AppKey
from tests.github_standin.server import GitHubStandIn
from tests.sitebot import (
    REPO,
    ZERO,
    SiteBot,
    make_site_repo,
    open_site,
    page,
)

pytestmark = pytest.mark.slow  # each test starts a kennis-bot process and builds with MkDocs


@pytest.fixture
def site(tmp_path: Path, github: GitHubStandIn, app_key: AppKey) -> Iterator[SiteBot]:
    yield from open_site(tmp_path, github, app_key)


# -- pull-request previews -------------------------------------------------------------------------


def open_pr(
    site: SiteBot, number: int, files: dict[str, str], symlinks: dict[str, str] | None = None
) -> str:
    """Commit *files* on a branch, publish it as ``refs/pull/<n>/head``, send ``opened``."""
    origin = site.origin
    origin.git("checkout", "-q", "-b", f"pr-{number}")
    for path, text in files.items():
        origin.write(path, text)
    for path, target in (symlinks or {}).items():
        os.symlink(target, origin.root / path)
    head = origin.commit(f"Change for #{number}")
    origin.git("update-ref", f"refs/pull/{number}/head", head)
    origin.git("checkout", "-q", "main")
    site.github.add_pr(REPO, number, head_ref=f"pr-{number}")
    sent = site.sender.send("pull_request", "opened", repo=REPO, number=number)
    assert sent.status == 202
    return head


def update_pr(site: SiteBot, number: int, files: dict[str, str]) -> str:
    """Push a new commit to the PR's branch (GitHub's view too) and send ``synchronize``."""
    origin = site.origin
    origin.git("checkout", "-q", f"pr-{number}")
    for path, text in files.items():
        origin.write(path, text)
    head = origin.commit(f"Change #{number} again")
    origin.git("update-ref", f"refs/pull/{number}/head", head)
    origin.git("checkout", "-q", "main")
    with site.github.lock:
        site.github.pull(REPO, number).head_sha = head
    assert site.sender.send("pull_request", "synchronize", repo=REPO, number=number).status == 202
    return head


def close_pr(site: SiteBot, number: int) -> None:
    with site.github.lock:
        site.github.issue(REPO, number).state = "closed"
    assert site.sender.send("pull_request", "closed", repo=REPO, number=number).status == 202


def send_late_synchronize(site: SiteBot, number: int, head: str) -> None:
    """A ``synchronize`` for *head* delivered (or retried) after the PR moved on."""
    body = site.sender.payload("pull_request", "synchronize", repo=REPO, number=number)
    body["pull_request"]["head"]["sha"] = body["after"] = head
    assert site.sender.send("pull_request", "synchronize", payload=body).status == 202


def all_done(site: SiteBot) -> None:
    wait_for(lambda: all(d["state"] == "done" for d in deliveries_json(site.data_dir)))


def preview_comments(site: SiteBot, number: int) -> list[str]:
    return [
        c.body
        for c in site.github.issue(REPO, number).comments
        if "<!-- kennis:preview -->" in c.body
    ]


def test_preview_of_a_content_change_is_served_linked_and_removed_on_close(site: SiteBot) -> None:
    head = open_pr(
        site,
        7,
        {
            "content/guide/setup.md": page("Setup", "pr7"),
            "content/guide/new.md": page("New", "pr7"),
        },
    )
    comment = wait_for(lambda: preview_comments(site, 7))[0]
    root = f"http://127.0.0.1:{site.port}/previews/pr-7/"
    assert f"**Preview** of {head[:12]}: {root}" in comment
    assert f"- [<code>content/guide/setup.md</code>]({root}guide/setup/)" in comment
    assert f"- [<code>content/guide/new.md</code>]({root}guide/new/)" in comment
    assert "version pr7 of the setup page" in site.get("/previews/pr-7/guide/setup/").text
    assert "version pr7 of the new page" in site.get("/previews/pr-7/guide/new/").text
    # PR HTML runs sandboxed: an opaque origin without scripts, never as the live site
    sandbox = site.get("/previews/pr-7/guide/setup/").headers["content-security-policy"]
    assert sandbox == "sandbox allow-forms allow-popups"
    assert site.get("/").status == 404  # nothing was deployed: a preview is not the live site

    from review_bot.site.previews import preview_summary
    from review_bot.site.releases import SiteStore

    sites = SiteStore(site.data_dir / "sites")
    summary = preview_summary(sites, REPO, 7)
    assert summary is not None and summary.url == root and summary.reason is None
    assert [path for path, _ in summary.pages] == ["content/guide/new.md", "content/guide/setup.md"]
    assert preview_summary(sites, "acme/other", 7) is None

    close_pr(site, 7)
    wait_for(lambda: "removed" in preview_comments(site, 7)[0])
    assert site.get("/previews/pr-7/guide/setup/").status == 404
    assert len(preview_comments(site, 7)) == 1  # edited in place, never a second comment
    # one sticky comment for everything: the preview is a section of the review comment
    assert [
        c.body.startswith("<!-- kennis:reviewers -->") for c in site.github.issue(REPO, 7).comments
    ] == [True]
    assert preview_summary(sites, REPO, 7) is None


def evil(marker: Path) -> str:
    return (
        f'"""Would prove code execution."""\nfrom pathlib import Path\n'
        f'Path(r"{marker}").write_text("the pull request ran code")\n'
        "def on_config(config):\n    return config\n"
    )


SECURITY = {  # case: (files the PR changes, symlinks it adds, what the comment must name)
    "mkdocs-yml-adds-a-hook": (
        {
            "mkdocs.yml": "site_name: Test KB\ndocs_dir: content\ntheme:\n  name: material\n"
            "hooks:\n  - hooks/checks.py\n  - hooks/evil.py\n",
            "hooks/evil.py": "EVIL",
            "content/index.md": page("Home", "pr"),
        },
        {},
        "<code>mkdocs.yml</code>",
    ),
    "adds-only-a-hook-file": ({"hooks/x.py": "EVIL"}, {}, "Python code (<code>hooks/x.py</code>)"),
    "python-inside-content": (
        {"content/tools/x.py": "EVIL", "content/index.md": page("Home", "pr")},
        {},
        "Python code (<code>content/tools/x.py</code>)",
    ),
    "symlink-inside-content": (
        {},
        {"content/leak.md": "/etc/hostname"},
        "<code>content/leak.md</code>",
    ),
}


@pytest.mark.parametrize("case", list(SECURITY), ids=list(SECURITY))
def test_preview_never_runs_the_pull_requests_code(
    site: SiteBot, tmp_path: Path, case: str
) -> None:
    marker = tmp_path / "pwned"
    files, links, named = SECURITY[case]
    files = {path: evil(marker) if text == "EVIL" else text for path, text in files.items()}
    open_pr(site, 9, files, links)
    comment = wait_for(lambda: preview_comments(site, 9))[0]
    assert "**No preview**" in comment and named in comment
    assert "never runs its own code" in comment
    wait_for(lambda: all(d["state"] == "done" for d in deliveries_json(site.data_dir)))
    assert not marker.exists()
    assert site.get("/previews/pr-9/").status == 404
    assert not list((site.sites / "logs").glob("pr-9-*"))  # no build was even started


def test_late_deliveries_never_bring_back_an_outdated_or_closed_preview(site: SiteBot) -> None:
    first = open_pr(site, 7, {"content/guide/setup.md": page("Setup", "pr7-first")})
    wait_for(lambda: (c := preview_comments(site, 7)) and first[:12] in c[0])
    second = update_pr(site, 7, {"content/guide/setup.md": page("Setup", "pr7-second")})
    wait_for(lambda: second[:12] in preview_comments(site, 7)[0])
    assert "version pr7-second" in site.get("/previews/pr-7/guide/setup/").text

    send_late_synchronize(site, 7, first)  # e.g. retried after a restart
    all_done(site)
    assert "version pr7-second" in site.get("/previews/pr-7/guide/setup/").text
    assert second[:12] in preview_comments(site, 7)[0]
    moved = f"no preview of #7 at {first[:12]}: its head moved on to {second[:12]}"
    assert site.bot is not None and moved in site.bot.log()

    close_pr(site, 7)
    wait_for(lambda: "removed" in preview_comments(site, 7)[0])
    send_late_synchronize(site, 7, second)  # processed after "closed"
    all_done(site)
    assert site.get("/previews/pr-7/guide/setup/").status == 404
    assert "removed" in preview_comments(site, 7)[0]
    assert not list((site.sites / "previews" / "builds").glob("pr-7-*"))


def test_pushes_and_pull_requests_of_other_repositories_are_ignored(
    site: SiteBot, tmp_path: Path
) -> None:
    other = make_site_repo(tmp_path / "other", version="other")
    site.github.add_repo("acme/other", clone_url=f"file://{other.root}")
    body = site.sender.push_payload(
        "acme/other", ref="refs/heads/main", before=ZERO, after=other.head
    )
    assert site.sender.send("push", payload=body).status == 202
    other.git("checkout", "-q", "-b", "change")
    other.write("content/index.md", page("Home", "other-pr"))
    other.git("update-ref", "refs/pull/5/head", other.commit("Change"))
    site.github.add_pr("acme/other", 5, head_ref="change")
    assert site.sender.send("pull_request", "opened", repo="acme/other", number=5).status == 202
    all_done(site)

    assert site.live_sha() is None and site.journal() == []
    assert site.get("/").status == 404 and site.get("/previews/pr-5/").status == 404
    assert not [
        c for c in site.github.issue("acme/other", 5).comments if "kennis:preview" in c.body
    ]
    assert site.bot is not None
    log = site.bot.log()
    assert "ignoring push of acme/other: this App publishes the site of acme/kb only" in log
    assert "ignoring pull_request of acme/other" in log
