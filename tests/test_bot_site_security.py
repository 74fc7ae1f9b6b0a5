"""The self-hosted site's security end to end: real bot, real git, real MkDocs, the stand-in."""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.botproc import SECRET, deliveries_json, wait_for
from tests.github_standin.fixtures import AppKey
from tests.github_standin.server import GitHubStandIn
from tests.sitebot import MKDOCS_YML, REPO, SiteBot, make_site_repo, page, wait_live
from tests.test_bot_previews import open_pr, preview_comments

pytestmark = pytest.mark.slow  # each test starts a kennis-bot process and builds with MkDocs

ZERO = "0" * 40
HOST_SECRET = "kennis-host-secret-3c9a51"


@pytest.fixture
def site(tmp_path: Path, github: GitHubStandIn, app_key: AppKey) -> Iterator[SiteBot]:
    """A site bot not started yet (tests set its environment and repository first)."""
    origin = make_site_repo(tmp_path / "origin")
    github.add_repo(REPO, clone_url=f"file://{origin.root}")
    made = SiteBot(github, origin, tmp_path / "data", app_key)
    yield made
    if made.bot is not None:
        made.bot.stop(signal.SIGKILL)


def final_states(site: SiteBot, sha: str) -> list[dict[str, Any]]:
    """The deployment statuses of *sha* once the last one is no longer ``in_progress``."""
    return wait_for(
        lambda: (s := site.deployment_states(sha)) and s[-1]["state"] != "in_progress" and s
    )


def test_merged_links_to_host_files_are_never_published(site: SiteBot, tmp_path: Path) -> None:
    key_file = tmp_path / "app.pem"
    key_file.write_text(site.app_key.private_key_pem)
    (tmp_path / "host-secret.txt").write_text(HOST_SECRET)
    site.env = {"KENNIS_PRIVATE_KEY": "", "KENNIS_PRIVATE_KEY_FILE": str(key_file)}
    site.start()
    links = {
        "content/secret.md": str(tmp_path / "host-secret.txt"),
        "content/key.pem": str(key_file),
        "content/ledger.sqlite3": "../../../../ledger.sqlite3",
        "content/ledger-abs.md": str(site.data_dir / "ledger.sqlite3"),
        "content/mirrors": str(site.data_dir / "mirrors"),
        "content/zero.md": "/dev/zero",
        "content/loop-a.md": "loop-b.md",
        "content/loop-b.md": "loop-a.md",
    }
    for path, target in links.items():
        os.symlink(target, site.origin.root / path)
    sha = site.origin.commit("Link host files")
    site.push(ZERO, sha)
    wait_live(site, sha, timeout=60)

    assert "version v1 of the home page" in site.get("/").text  # the rest is published
    for url in ("/secret/", "/key.pem", "/ledger.sqlite3", "/ledger-abs/", "/zero/", "/loop-a/"):
        assert site.get(url).status == 404, url
    assert site.get("/mirrors/acme/kb.git/config").status == 404
    leaks = (HOST_SECRET.encode(), b"PRIVATE KEY", b"SQLite format 3", str(tmp_path).encode())
    for path in (site.sites / "live").resolve().rglob("*"):
        assert path.is_dir() or (path.is_file() and not path.is_symlink()), path
        if path.is_file():
            data = path.read_bytes()
            assert not [leak for leak in leaks if leak in data], path
    (live,) = [e for e in site.journal() if e["outcome"] == "live"]
    assert live["skipped"] == sorted(links)
    success = final_states(site, sha)[-1]
    assert success["state"] == "success"
    assert "not built, not a regular file: content/key.pem" in success["description"]


DUMP_HOOK = """\
import json, os

def on_config(config):
    with open({out!r}, "w") as handle:
        json.dump({{"env": dict(os.environ), "cwd": os.getcwd()}}, handle)
    return config
"""


def test_a_build_runs_without_the_apps_secrets_outside_its_data_dir(
    site: SiteBot, tmp_path: Path
) -> None:
    key_file = tmp_path / "app.pem"
    key_file.write_text(site.app_key.private_key_pem)
    token = "ghp_" + HOST_SECRET
    site.env = {
        "KENNIS_PRIVATE_KEY": "",
        "KENNIS_PRIVATE_KEY_FILE": str(key_file),
        "GH_ENTERPRISE_TOKEN": token,
        "GIT_ASKPASS": f"/usr/local/bin/askpass-{HOST_SECRET}",
    }
    site.start()
    seen = tmp_path / "build-saw.json"
    site.origin.write("hooks/dump.py", DUMP_HOOK.format(out=str(seen)))
    site.origin.write("mkdocs.yml", MKDOCS_YML + "  - hooks/dump.py\n")
    sha = site.origin.commit("A base hook that shows what a build sees")
    site.push(ZERO, sha)
    wait_live(site, sha, timeout=60)

    saw = json.loads(seen.read_text())
    shown = json.dumps(saw["env"])
    for secret in (SECRET, token, HOST_SECRET, str(key_file), "PRIVATE KEY"):
        assert secret not in shown
    cwd = Path(saw["cwd"])
    assert not cwd.is_relative_to(site.data_dir.resolve())
    for climb in range(1, len(cwd.parts)):  # no relative path from the build reaches the ledger
        assert not (cwd / ("../" * climb) / "ledger.sqlite3").exists()
        assert not (cwd / ("../" * climb) / "data" / "ledger.sqlite3").exists()


def gated_commit(site: SiteBot, gate: Path, version: str) -> str:
    site.origin.write("build-gate.txt", str(gate)).write("content/index.md", page("Home", version))
    return site.origin.commit(f"Say {version}")


def test_force_pushing_main_back_during_a_build_deploys_the_rewound_tip(
    site: SiteBot, tmp_path: Path
) -> None:
    site.start()
    first = site.origin.head
    site.push(ZERO, first)
    wait_live(site, first)
    gate = tmp_path / "gate"
    removed = gated_commit(site, gate, "v2")
    site.push(first, removed)
    wait_for(Path(f"{gate}.started").exists)  # the build of the commit to be removed runs

    site.origin.git("reset", "-q", "--hard", first)  # main is force-pushed back
    body = site.sender.push_payload(REPO, ref="refs/heads/main", before=removed, after=first)
    body["forced"] = True
    assert site.sender.send("push", payload=body).status == 202
    wait_for(lambda: any(e["outcome"] == "coalesced" for e in site.journal()))
    gate.touch()

    wait_for(lambda: all(d["state"] == "done" for d in deliveries_json(site.data_dir)))
    assert site.live_sha() == first
    assert "version v1 of the home page" in site.get("/").text
    assert [e["sha"] for e in site.journal() if e["outcome"] == "live"] == [first]
    states = final_states(site, removed)
    assert [s["state"] for s in states] == ["in_progress", "inactive"]
    assert f"force-pushed to {first[:12]}" in states[-1]["description"]


UNUSABLE = {  # case: (a folder of the release store replaced by a file, its name in the status)
    "releases-folder-is-a-file": ("releases", "<data>/sites/releases"),
    "live-link-is-a-folder": ("live", "<data>/sites/live"),
}


@pytest.mark.parametrize("case", list(UNUSABLE), ids=list(UNUSABLE))
def test_an_unusable_site_folder_ends_the_deployment_with_an_error(
    site: SiteBot, case: str
) -> None:
    name, shown = UNUSABLE[case]
    site.env = {"KENNIS_MAX_ATTEMPTS": "2"}
    site.start()
    site.sites.mkdir(parents=True, exist_ok=True)
    if name == "live":
        (site.sites / "live" / "old").mkdir(parents=True)  # a folder the link cannot replace
    else:
        (site.sites / name).write_text("not a folder")
    sha = site.origin.head
    site.push(ZERO, sha)

    wait_for(lambda: [d for d in deliveries_json(site.data_dir) if d["state"] == "dead"])
    states = final_states(site, sha)
    assert [s["state"] for s in states] == ["in_progress", "error"] * 2
    description = states[-1]["description"]
    assert description.startswith("not deployed:") and shown in description, description
    assert str(site.data_dir) not in description
    assert [e["outcome"] for e in site.journal()] == ["error", "error"]


OVERRIDE = '{% extends "base.html" %}\n'


def test_a_pull_request_cannot_change_a_template_the_base_configuration_renders(
    site: SiteBot, tmp_path: Path
) -> None:
    site.start()
    themed = MKDOCS_YML.replace(
        "  name: material\n", "  name: material\n  custom_dir: content/overrides\n"
    )
    site.origin.write("mkdocs.yml", themed).write("content/overrides/main.html", OVERRIDE)
    site.origin.commit("Theme overrides live in the content folder")
    marker = tmp_path / "pwned"
    jinja = (
        f'{{% set _ = self.__init__.__globals__.__builtins__.open("{marker}", "w").write("ran") %}}'
    )
    evil = {
        "content/overrides/main.html": OVERRIDE + jinja + "\n",
        "content/index.md": page("Home", "pr"),
    }
    open_pr(site, 11, evil)
    comment = wait_for(lambda: preview_comments(site, 11))[0]
    assert "**No preview**" in comment
    assert "<code>content/overrides/main.html</code>" in comment
    assert "<code>theme.custom_dir</code>" in comment

    head = open_pr(site, 12, {"content/guide/setup.md": page("Setup", "pr12")})  # content only
    wait_for(lambda: (c := preview_comments(site, 12)) and f"**Preview** of {head[:12]}" in c[0])
    assert "version pr12 of the setup page" in site.get("/previews/pr-12/guide/setup/").text
    wait_for(lambda: all(d["state"] == "done" for d in deliveries_json(site.data_dir)))
    assert not marker.exists()
    assert site.get("/previews/pr-11/").status == 404
    assert not list((site.sites / "logs").glob("pr-11-*"))  # no build was even started
