"""Self-hosted deploys end to end: the real bot, real git, real MkDocs builds, the GitHub stand-in."""

from __future__ import annotations

import os
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
from tests.sitebot import REPO, SiteBot, fetch, make_site_repo, page, wait_live

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
    mirror = site.data_dir / "mirrors" / "acme" / "kb.git"  # built from a blobless mirror
    assert site.origin.git("-C", str(mirror), "config", "remote.origin.promisor") == "true"
    site.origin.write("content/index.md", page("Home", "v2"))
    second = site.origin.commit("Say v2")

    sent_at = time.monotonic()
    site.push(first, second)
    seen_at = wait_live(site, second)
    build = wait_for(
        lambda: next(
            (e for e in site.journal() if e["sha"] == second and e["outcome"] == "live"), None
        )
    )
    # Printed, not asserted: timing belongs in benchmarks/, and a loaded CI machine is slow.
    overhead = seen_at - sent_at - build["seconds"]
    print(
        f"\npush delivery -> live: {seen_at - sent_at:.2f} s, build {build['seconds']:.2f} s, "
        f"overhead {overhead:.2f} s"
    )

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
    assert self_url(host, 8080, env) == expected


def next_css(site: SiteBot) -> str:
    css = next((site.sites / "live" / "assets" / "stylesheets").glob("main.*.min.css"))
    return "/assets/stylesheets/" + css.name


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


def test_preview_of_a_content_change_is_served_linked_and_removed_on_close(
    site: SiteBot, monkeypatch: pytest.MonkeyPatch
) -> None:
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

    monkeypatch.setenv("KENNIS_DATA_DIR", str(site.data_dir))
    summary = preview_summary(REPO, 7)
    assert summary is not None and summary.url == root and summary.reason is None
    assert [path for path, _ in summary.pages] == ["content/guide/new.md", "content/guide/setup.md"]
    assert preview_summary("acme/other", 7) is None

    close_pr(site, 7)
    wait_for(lambda: "removed" in preview_comments(site, 7)[0])
    assert site.get("/previews/pr-7/guide/setup/").status == 404
    assert len(preview_comments(site, 7)) == 1  # edited in place, never a second comment
    # one sticky comment for everything: the preview is a section of the review comment
    assert [
        c.body.startswith("<!-- kennis:reviewers -->") for c in site.github.issue(REPO, 7).comments
    ] == [True]
    assert preview_summary(REPO, 7) is None


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
