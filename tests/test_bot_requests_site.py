"""End to end: the App's own site build lists the knowledge requests (real bot, stand-in, build)."""

from __future__ import annotations

import re
import signal
from pathlib import Path

import pytest
from github import Auth, Github

from kennis.requests import LABEL
from tests.github_standin.fixtures import AppKey
from tests.github_standin.server import GitHubStandIn
from tests.sitebot import REPO, SiteBot, deploy_first, make_site_repo, wait_live

KENNIS_YML = 'content_dir: content\nfallback_owner: "@acme/knowledge-team"\n'
SITE_YML = """\
site_name: Test KB
docs_dir: content
theme:
  name: material
plugins:
  - kennis/wanted:
      ask_endpoint: /requests
"""


@pytest.mark.slow  # the real bot builds and serves the site
def test_a_deploy_lists_open_requests_by_thumbs_with_their_claimer(
    tmp_path: Path, github: GitHubStandIn, app_key: AppKey
) -> None:
    origin = make_site_repo(tmp_path / "origin")
    origin.write("mkdocs.yml", SITE_YML).write(".github/kennis.yml", KENNIS_YML)
    origin.rm("hooks/checks.py").commit("kennis plugins")
    github.add_repo(REPO, clone_url=f"file://{origin.root}")
    for login in ("rita", "sam", "bob"):
        github.add_collaborator(REPO, login)
    few = github.add_issue(REPO, "Request: Few", author="rita", labels=[LABEL])
    many = github.add_issue(REPO, "Request: Many", author="rita", labels=[LABEL], assignees=["bob"])
    as_sam = Github(auth=Auth.Token(github.user_token("sam")), base_url=github.base_url)
    as_sam.get_repo(REPO).get_issue(many.number).create_reaction("+1")
    site = SiteBot(github, origin, tmp_path / "data", app_key)
    site.env = {"KENNIS_SITE_URL": "https://kb.example.com/"}
    site.start()
    try:
        deploy_first(site)
        page = site.get("/knowledge/wanted/")
        assert page.status == 200
        html = page.body.decode()
        listed = re.findall(r'<li data-request="(\d+)">', html)
        assert listed == [str(many.number), str(few.number)]
        assert "@bob</a>" in html and 'data-endpoint="/requests"' in html

        as_sam.get_repo(REPO).get_issue(few.number).create_reaction("+1")
        as_rita = Github(auth=Auth.Token(github.user_token("rita")), base_url=github.base_url)
        as_rita.get_repo(REPO).get_issue(few.number).create_reaction("+1")
        before = origin.head
        origin.write("content/more.md", "# More\n").commit("More")
        site.push(before, origin.head)
        wait_live(site, origin.head)
        html = site.get("/knowledge/wanted/").body.decode()
        assert re.findall(r'<li data-request="(\d+)">', html)[0] == str(few.number)
    finally:
        if site.bot is not None:
            site.bot.stop(signal.SIGKILL)
