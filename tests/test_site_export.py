"""What a site build may read: regular files exported from git, in a private folder, no secrets."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest

from kennis.gitrev import GitReader
from review_bot.site.builder import BuildError, build_in_checkout, build_release, mkdocs_env
from review_bot.site.releases import SiteStore
from tests.gitrepo import GitRepo

ENV = dict(os.environ)  # the base environment the App's Settings.child_env would be

SECRET = "kennis-test-secret-7d1e9b"

MKDOCS_YML = """\
site_name: Export test
docs_dir: content
theme:
  name: mkdocs
"""

# A trusted (base) hook that shows what a build sees: its environment and its folder.
DUMP_HOOK = """\
import json, os

def on_config(config):
    with open({out!r}, "w") as handle:
        json.dump({{"env": dict(os.environ), "cwd": os.getcwd()}}, handle)
    return config
"""


def site_repo(root: Path) -> GitRepo:
    repo = GitRepo(root / "origin")
    repo.write("mkdocs.yml", MKDOCS_YML).write("content/index.md", "# Home\n\nHello.\n")
    repo.commit("Start")
    return repo


def link(repo: GitRepo, path: str, target: str) -> None:
    (repo.root / path).parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, repo.root / path)


@pytest.fixture
def world(tmp_path: Path) -> tuple[GitRepo, SiteStore, Path]:
    data = tmp_path / "data"
    (data / "mirrors" / "acme").mkdir(parents=True)
    (data / "mirrors" / "acme" / "other.txt").write_text(SECRET + " other repository\n")
    (data / "ledger.sqlite3").write_text(SECRET + " ledger\n")
    (tmp_path / "app.pem").write_text(SECRET + " private key\n")
    return site_repo(tmp_path), SiteStore(data / "sites"), tmp_path


def test_links_devices_and_loops_are_never_built(world: tuple[GitRepo, SiteStore, Path]) -> None:
    repo, store, tmp = world
    links = {
        "content/passwd.md": "/etc/passwd",
        "content/key.md": str(tmp / "app.pem"),
        "content/ledger.md": "../../../../data/ledger.sqlite3",
        "content/deep/ledger.txt": "../../../../../../../../" + str(tmp / "data/ledger.sqlite3"),
        "content/mirrors": str(tmp / "data" / "mirrors"),
        "content/zero.md": "/dev/zero",
        "content/zero.bin": "/dev/zero",
        "content/loop-a.md": "loop-b.md",
        "content/loop-b.md": "loop-a.md",
        "mkdocs-extra.yml": "/etc/passwd",
    }
    for path, target in links.items():
        link(repo, path, target)
    sha = repo.commit("Link host files")

    result = build_release(store, GitReader(repo.root / ".git"), sha, env=ENV, timeout=120)

    assert result.ok and not result.timed_out, result.log
    assert result.skipped == tuple(sorted(links))
    release = store.release_dir(sha)
    assert (release / "index.html").is_file()
    for path in release.rglob("*"):
        assert path.is_dir() or (path.is_file() and not path.is_symlink()), path
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path
            assert b"root:x:0:0" not in path.read_bytes(), path
    assert not (release / "passwd").exists() and not (release / "mirrors").exists()
    assert list(store.work_dir.iterdir()) == []  # the export is gone after the build


def test_a_build_runs_outside_the_data_dir_without_the_apps_secrets(
    world: tuple[GitRepo, SiteStore, Path],
) -> None:
    repo, store, tmp = world
    seen = tmp / "seen.json"
    repo.write("hooks/dump.py", DUMP_HOOK.format(out=str(seen)))
    repo.write("mkdocs.yml", MKDOCS_YML + "hooks:\n  - hooks/dump.py\n")
    sha = repo.commit("Show the build's environment")
    secrets = {
        "KENNIS_WEBHOOK_SECRET": SECRET + "-webhook",
        "KENNIS_PRIVATE_KEY": SECRET + "-key",
        "KENNIS_PRIVATE_KEY_FILE": str(tmp / "app.pem"),
        "GH_ENTERPRISE_TOKEN": SECRET + "-ghe",
        "AWS_SECRET_ACCESS_KEY": SECRET + "-aws",
        "GIT_ASKPASS": f"{tmp}/askpass-{SECRET}",
    }
    out = tmp / "out"
    # Whatever the base environment holds, the build gets only what it needs.
    env = {**ENV, **secrets}
    result = build_in_checkout(store, GitReader(repo.root / ".git"), sha, out, env=env, timeout=120)

    assert result.ok, result.log
    dumped = json.loads(seen.read_text())
    assert SECRET not in json.dumps(dumped["env"])
    assert str(tmp / "app.pem") not in json.dumps(dumped["env"])
    cwd = Path(dumped["cwd"])
    assert not cwd.is_relative_to(tmp / "data")
    # Relative paths from the build's folder reach nothing of the App's.
    for climb in range(1, len(cwd.parts)):
        assert not (cwd / ("../" * climb) / "ledger.sqlite3").exists()
        assert not (cwd / ("../" * climb) / "data" / "ledger.sqlite3").exists()
    assert (store.work_dir.stat().st_mode & 0o777) == 0o700


def test_build_environment_keeps_only_what_a_build_needs() -> None:
    env = mkdocs_env({"PATH": "/bin", "LANG": "C.UTF-8", "KENNIS_APP_ID": "1", "MY_TOKEN": "x"})
    assert env["PATH"] == "/bin" and env["LANG"] == "C.UTF-8"
    assert "KENNIS_APP_ID" not in env and "MY_TOKEN" not in env


def test_a_build_folder_inside_the_data_dir_is_refused(
    world: tuple[GitRepo, SiteStore, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, _, tmp = world
    monkeypatch.setattr(tempfile, "tempdir", str(tmp / "data" / "tmp"))  # TMPDIR in the data dir
    inside = SiteStore(tmp / "data" / "sites")
    with pytest.raises(BuildError, match="inside the App's data folder"):
        build_release(inside, GitReader(repo.root / ".git"), repo.head, env=ENV, timeout=60)


LINKING_HOOK = """\
import os

def on_post_build(config):
    site = config["site_dir"]
    os.symlink("/etc/passwd", os.path.join(site, "passwd.txt"))
    os.symlink({secret!r}, os.path.join(site, "assets"))
    os.mkfifo(os.path.join(site, "pipe"))
"""


def test_the_web_root_holds_only_folders_and_regular_files(
    world: tuple[GitRepo, SiteStore, Path],
) -> None:
    repo, store, tmp = world
    repo.write("hooks/links.py", LINKING_HOOK.format(secret=str(tmp / "data" / "mirrors")))
    repo.write("mkdocs.yml", MKDOCS_YML + "hooks:\n  - hooks/links.py\n")
    sha = repo.commit("A hook that leaves links in the output")

    result = build_release(store, GitReader(repo.root / ".git"), sha, env=ENV, timeout=120)

    assert result.ok, result.log
    assert set(result.skipped) == {"passwd.txt", "assets", "pipe"}
    release = store.release_dir(sha)
    assert (release / "index.html").is_file()
    assert not [p for p in release.rglob("*") if p.is_symlink() or not (p.is_dir() or p.is_file())]
