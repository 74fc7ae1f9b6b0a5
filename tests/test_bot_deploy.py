"""Self-hosted deploys end to end: the real bot, real git, real MkDocs builds, the GitHub stand-in."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from review_bot.site.deploy import self_url
from tests.botproc import deliveries_json, run_cli, wait_for
from tests.github_standin.fixtures import AppKey
from tests.github_standin.server import GitHubStandIn
from tests.sitebot import (
    REPO,
    SiteBot,
    deploy_first,
    fetch,
    open_site,
    page,
    wait_live,
)


@pytest.fixture
def site(tmp_path: Path, github: GitHubStandIn, app_key: AppKey) -> Iterator[SiteBot]:
    yield from open_site(tmp_path, github, app_key)


@pytest.mark.slow  # starts a kennis-bot process and builds with MkDocs
def test_push_makes_the_new_content_live_and_reports_a_deployment(site: SiteBot) -> None:
    first = deploy_first(site)
    assert "version v1 of the home page" in site.get("/").text
    mirror = site.data_dir / "mirrors" / "acme" / "kb.git"  # built from a blobless mirror
    assert site.origin.git("-C", str(mirror), "config", "remote.origin.promisor") == "true"
    site.origin.write("content/index.md", page("Home", "v2"))
    second = site.origin.commit("Say v2")

    site.push(first, second)
    wait_live(site, second)  # how long it takes: benchmarks/bench_deploy.py
    build = wait_for(
        lambda: next(
            (e for e in site.journal() if e["sha"] == second and e["outcome"] == "live"), None
        )
    )
    assert build["seconds"] > 0  # the journal records the build time

    home = site.get("/")
    assert home.status == 200 and home.headers["content-type"] == "text/html; charset=utf-8"
    assert "version v2 of the home page" in home.text
    assert "version v2" not in site.get("/guide/setup/").text  # untouched page, same release
    states = wait_for(
        lambda: (
            [s["state"] for s in site.deployment_states(second)]
            if len(site.deployment_states(second)) >= 2
            else None
        )
    )
    assert states == ["in_progress", "success"]
    success = site.deployment_states(second)[-1]
    assert success["environment_url"] == f"http://127.0.0.1:{site.port}/"


BROKEN = {
    "broken-front-matter": (
        "content/guide/setup.md",
        "---\ntitle: [unclosed\n---\n# Setup\n",
        "guide/setup.md:1:1: front matter is not valid YAML",
    ),
    "broken-mkdocs-config": ("mkdocs.yml", "site_name: Test KB\ntheme: [material\n", "mkdocs.yml"),
}


@pytest.mark.parametrize("case", sorted(BROKEN), ids=sorted(BROKEN))
@pytest.mark.slow  # starts a kennis-bot process and builds with MkDocs
def test_failed_build_keeps_the_previous_site_and_reports_failure(site: SiteBot, case: str) -> None:
    first = deploy_first(site)
    before = site.get("/guide/setup/").body
    path, text, expected = BROKEN[case]
    site.origin.write(path, text)
    broken = site.origin.commit(f"Break {path}")
    site.push(first, broken)

    states = wait_for(
        lambda: (s := site.deployment_states(broken)) and s[-1]["state"] != "in_progress" and s
    )
    assert [s["state"] for s in states] == ["in_progress", "failure"]
    assert expected in states[-1]["description"]
    assert site.live_sha() == first
    assert site.get("/guide/setup/").body == before
    assert not list((site.sites / "releases").glob("*.partial"))


def gated_commit(site: SiteBot, gate: Path, version: str) -> str:
    """A commit whose build waits in the repository's own hook until *gate* exists."""
    site.origin.write("build-gate.txt", str(gate)).write("content/index.md", page("Home", version))
    return site.origin.commit(f"Say {version}")


def started(gate: Path) -> Path:
    return Path(f"{gate}.started")


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in state


@pytest.mark.slow  # starts a kennis-bot process and builds with MkDocs
def test_killing_the_app_mid_build_keeps_the_last_good_release_and_builds_again(
    site: SiteBot, tmp_path: Path
) -> None:
    first = deploy_first(site)
    gate = tmp_path / "gate"
    second = gated_commit(site, gate, "v2")
    delivery = site.push(first, second)
    wait_for(started(gate).exists)
    build_pid = int(started(gate).read_text())
    assert site.bot is not None
    site.bot.stop(signal.SIGKILL)

    wait_for(lambda: not alive(build_pid), timeout=5)  # the build died with the App
    assert site.live_sha() == first
    assert (site.sites / "releases" / f"{second}.partial").is_dir()
    started(gate).unlink()
    site.start()
    wait_for(started(gate).exists)  # the restarted App resumed the delivery and builds again
    assert site.live_sha() == first  # meanwhile the last good release is served
    assert "version v1 of the home page" in site.get("/").text
    gate.touch()
    wait_live(site, second)
    assert "version v2 of the home page" in site.get("/").text
    assert not list((site.sites / "releases").glob("*.partial"))
    row = wait_for(
        lambda: next(
            (
                d
                for d in deliveries_json(site.data_dir)
                if d["id"] == delivery and d["state"] == "done"
            ),
            None,
        )
    )
    assert row["attempts"] == 2
    states = wait_for(
        lambda: (s := site.deployment_states(second)) and s[-1]["state"] == "success" and s
    )
    assert len({d.id for d in site.github.repo(REPO).deployments.values() if d.sha == second}) == 1
    assert states[-1]["state"] == "success"


@pytest.mark.slow  # starts a kennis-bot process and builds with MkDocs
def test_site_stays_available_while_a_deploy_switches_releases(
    site: SiteBot, tmp_path: Path
) -> None:
    first = deploy_first(site)
    gate = tmp_path / "gate"
    second = gated_commit(site, gate, "v2")
    seen: list[tuple[str, int, bool, str]] = []
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            for path in ("/", "/guide/setup/", "/assets/stylesheets/"):
                got = fetch(site.port, path)
                version = (
                    "v2" if "version v2" in got.text else "v1" if "version v1" in got.text else "-"
                )
                seen.append((path, got.status, got.text.rstrip().endswith("</html>"), version))
            time.sleep(0.002)

    poller = threading.Thread(target=poll)
    poller.start()
    try:
        site.push(first, second)
        wait_for(started(gate).exists)
        time.sleep(0.2)
        gate.touch()
        wait_live(site, second)
        time.sleep(0.2)
    finally:
        stop.set()
        poller.join()
    pages = [s for s in seen if s[0] != "/assets/stylesheets/"]
    assert len(pages) > 50
    assert {status for _, status, _, _ in pages} == {200}
    assert all(complete for _, _, complete, _ in pages)
    home = [version for path, _, _, version in pages if path == "/"]
    assert home[0] == "v1" and home[-1] == "v2"
    assert home == sorted(home)  # once v2 is served, v1 never comes back
    assert {s[1] for s in seen if s[0] == "/assets/stylesheets/"} == {404}


@pytest.mark.slow  # starts a kennis-bot process and builds with MkDocs
def test_pushes_during_a_build_are_coalesced_into_the_newest(site: SiteBot, tmp_path: Path) -> None:
    first = deploy_first(site)
    gate = tmp_path / "gate"
    a = gated_commit(site, gate, "v2")
    site.push(first, a)
    wait_for(started(gate).exists)
    b = gated_commit(site, gate, "v3")
    site.push(a, b)
    c = gated_commit(site, gate, "v4")
    site.push(b, c)
    wait_for(lambda: sum(e["outcome"] == "coalesced" for e in site.journal()) == 2)
    gate.touch()
    wait_live(site, c)

    def built() -> list[str]:
        return [e["sha"] for e in site.journal() if e["outcome"] in ("live", "failed")]

    wait_for(lambda: c in built())  # the journal line lands just after the switch
    assert built() == [first, a, c]  # b was never built
    assert "version v4 of the home page" in site.get("/").text
    wait_for(lambda: all(d["state"] == "done" for d in deliveries_json(site.data_dir)))


@pytest.mark.slow  # starts a kennis-bot process and builds with MkDocs
def test_rollback_switches_back_and_forth(site: SiteBot) -> None:
    first = deploy_first(site)
    site.origin.write("content/index.md", page("Home", "v2"))
    second = site.origin.commit("Say v2")
    site.push(first, second)
    wait_live(site, second)

    back = run_cli(site.data_dir, "rollback")
    assert back.returncode == 0, back.stderr
    assert back.stdout.strip() == f"live: {first} (was {second})"
    assert "version v1 of the home page" in site.get("/").text
    forward = run_cli(site.data_dir, "rollback", second[:10])
    assert forward.returncode == 0 and site.live_sha() == second
    unknown = run_cli(site.data_dir, "rollback", "deadbeef")
    assert unknown.returncode == 1 and "'deadbeef' matches no release" in unknown.stderr
    assert "Traceback" not in unknown.stderr and site.live_sha() == second


STATIC = {  # case: (path, status, Location header or a text the body must not contain)
    "page": ("/guide/setup/", 200, None),
    "dir-without-slash-redirects": ("/guide/setup", 301, "/guide/setup/"),
    "no-open-redirect": ("//evil.example/guide", 404, None),
    "dotdot": ("/guide/../../ledger.sqlite3", 404, "SQLite"),
    "encoded-dotdot": ("/%2e%2e/ledger.sqlite3", 404, "SQLite"),
    "dotfile": ("/.git/config", 404, None),
    "missing-page-gets-the-404-page": ("/nope/", 404, None),
    "healthz-still-the-app": ("/healthz", 200, None),
    "webhook-still-the-app": ("/webhook", 405, None),
    "no-preview": ("/previews/pr-3/", 404, None),
}


@pytest.mark.slow  # starts a kennis-bot process and builds with MkDocs
def test_static_serving(site: SiteBot) -> None:
    deploy_first(site)
    for case, (path, status, extra) in STATIC.items():
        got = site.get(path)
        assert got.status == status, case
        assert got.headers["x-content-type-options"] == "nosniff", case
        assert got.headers["referrer-policy"] == "same-origin", case
        sandboxed = path.startswith("/previews/")
        assert ("content-security-policy" in got.headers) == sandboxed, case
        if status == 301:
            assert got.headers["location"] == extra, case
        elif extra:
            assert extra not in got.text, case
    assert "text/css" in site.get(next_css(site)).headers["content-type"]
    assert "Test KB" in site.get("/nope/").text  # Material's own 404 page


SELF_URLS = {  # case: (bound host, environment, the App's own URL)
    "loopback": ("127.0.0.1", {}, "http://127.0.0.1:8080/"),
    "any-ipv4-is-not-an-address": ("0.0.0.0", {}, "http://127.0.0.1:8080/"),
    "any-ipv6-is-not-an-address": ("::", {}, "http://127.0.0.1:8080/"),
    "ipv6-literal-in-brackets": ("::1", {}, "http://[::1]:8080/"),
    "site-url-wins": (
        "0.0.0.0",
        {"KENNIS_SITE_URL": "https://kb.example.com"},
        "https://kb.example.com/",
    ),
}


@pytest.mark.parametrize("case", list(SELF_URLS), ids=list(SELF_URLS))
def test_self_url_is_an_address_a_reader_can_open(case: str) -> None:
    host, env, expected = SELF_URLS[case]
    assert self_url(host, 8080, env.get("KENNIS_SITE_URL")) == expected


def next_css(site: SiteBot) -> str:
    css = next((site.sites / "live" / "assets" / "stylesheets").glob("main.*.min.css"))
    return "/assets/stylesheets/" + css.name
