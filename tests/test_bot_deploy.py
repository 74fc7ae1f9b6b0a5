"""Self-hosted deploys end to end: the real bot, real git, real MkDocs builds, the GitHub stand-in."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.botproc import deliveries_json, run_cli, wait_for
from tests.github_standin.fixtures import AppKey
from tests.github_standin.server import GitHubStandIn
from tests.sitebot import REPO, SiteBot, make_site_repo, page, wait_live

ZERO = "0" * 40


@pytest.fixture
def site(tmp_path: Path, github: GitHubStandIn, app_key: AppKey) -> Iterator[SiteBot]:
    origin = make_site_repo(tmp_path / "origin")
    github.add_repo(REPO, clone_url=f"file://{origin.root}")
    made = SiteBot(github, origin, tmp_path / "data", app_key)
    made.start()
    yield made
    if made.bot is not None:
        made.bot.stop(signal.SIGKILL)


def deploy_first(site: SiteBot) -> str:
    sha = site.origin.head
    site.push(ZERO, sha)
    wait_live(site, sha)
    return sha


def test_push_makes_the_new_content_live_and_reports_a_deployment(site: SiteBot) -> None:
    first = deploy_first(site)
    assert "version v1 of the home page" in site.get("/").text
    site.origin.write("content/index.md", page("Home", "v2"))
    second = site.origin.commit("Say v2")

    sent_at = time.monotonic()
    site.push(first, second)
    seen_at = wait_live(site, second)
    build = next(e for e in site.journal() if e["sha"] == second and e["outcome"] == "live")
    overhead = seen_at - sent_at - build["seconds"]
    print(f"\npush delivery -> live: {seen_at - sent_at:.2f} s, build {build['seconds']:.2f} s, "
          f"overhead {overhead:.2f} s")

    home = site.get("/")
    assert home.status == 200 and home.headers["content-type"] == "text/html; charset=utf-8"
    assert "version v2 of the home page" in home.text
    assert "version v2" not in site.get("/guide/setup/").text  # untouched page, same release
    assert overhead <= 2.0
    states = wait_for(lambda: [s["state"] for s in site.deployment_states(second)]
                      if len(site.deployment_states(second)) >= 2 else None)
    assert states == ["in_progress", "success"]
    success = site.deployment_states(second)[-1]
    assert success["environment_url"] == f"http://127.0.0.1:{site.port}/"


BROKEN = {
    "broken-front-matter": ("content/guide/setup.md", "---\ntitle: [unclosed\n---\n# Setup\n",
                            "guide/setup.md:1:1: front matter is not valid YAML"),
    "broken-mkdocs-config": ("mkdocs.yml", "site_name: Test KB\ntheme: [material\n",
                             "mkdocs.yml"),
}


@pytest.mark.parametrize("case", sorted(BROKEN), ids=sorted(BROKEN))
def test_failed_build_keeps_the_previous_site_and_reports_failure(site: SiteBot, case: str) -> None:
    first = deploy_first(site)
    before = site.get("/guide/setup/").body
    path, text, expected = BROKEN[case]
    site.origin.write(path, text)
    broken = site.origin.commit(f"Break {path}")
    site.push(first, broken)

    states = wait_for(lambda: (s := site.deployment_states(broken)) and s[-1]["state"] != "in_progress"
                      and s)
    assert [s["state"] for s in states] == ["in_progress", "failure"]
    assert expected in states[-1]["description"]
    assert site.live_sha() == first
    assert site.get("/guide/setup/").body == before
    assert not list((site.sites / "releases").glob("*.partial"))
