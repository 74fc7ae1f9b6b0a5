"""A small MkDocs site in a real git repo, served to the real bot through the GitHub stand-in."""

from __future__ import annotations

import http.client
import json
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.botproc import SECRET, BotProcess, start_bot
from tests.github_standin.fixtures import AppKey
from tests.github_standin.server import GitHubStandIn
from tests.github_standin.webhooks import WebhookSender
from tests.gitrepo import GitRepo

REPO = "acme/kb"
CONCERNS = "tests.botproc:register_test_handlers,review_bot.site.deploy,review_bot.site.previews"

MKDOCS_YML = """\
site_name: Test KB
docs_dir: content
theme:
  name: material
plugins: []
hooks:
  - hooks/checks.py
"""

# The repository's own (trusted, default-branch) hook: strict front matter like the kennis
# plugins, and a gate that holds a build until the test releases it.
CHECKS_HOOK = '''\
"""Test-site hook: fail on unparsable front matter; wait at a gate named in build-gate.txt."""
import os
import time
from pathlib import Path

from mkdocs.exceptions import PluginError


def on_page_markdown(markdown, page, config, files):
    if markdown.startswith("---"):
        raise PluginError(f"{page.file.src_path}:1:1: front matter is not valid YAML")
    return markdown


def on_post_build(config):
    gate_file = Path(config["docs_dir"]).parent / "build-gate.txt"
    if not gate_file.exists():
        return
    gate = Path(gate_file.read_text().strip())
    Path(str(gate) + ".started").write_text(str(os.getpid()))
    deadline = time.monotonic() + 60
    while not gate.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
'''


def page(title: str, version: str) -> str:
    return f"# {title}\n\nThis is version {version} of the {title.lower()} page.\n"


def make_site_repo(root: Path, version: str = "v1") -> GitRepo:
    repo = GitRepo(root)
    # Let the bot's mirror be a real blobless (partial) clone and fetch PR commits by id.
    repo.git("config", "uploadpack.allowFilter", "true")
    repo.git("config", "uploadpack.allowAnySHA1InWant", "true")
    repo.write("mkdocs.yml", MKDOCS_YML).write("hooks/checks.py", CHECKS_HOOK)
    repo.write(".github/kennis.yml", "content_dir: content\n")
    repo.write("content/index.md", page("Home", version))
    repo.write("content/guide/setup.md", page("Setup", version))
    repo.commit("Start the knowledge base")
    return repo


@dataclass
class Fetched:
    status: int
    body: bytes
    headers: dict[str, str]

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def fetch(port: int, path: str, method: str = "GET") -> Fetched:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path)
        resp = conn.getresponse()
        return Fetched(resp.status, resp.read(), {k.lower(): v for k, v in resp.getheaders()})
    finally:
        conn.close()


@dataclass
class SiteBot:
    """The bot, its stand-in and the origin repository, with helpers to push and to look."""

    github: GitHubStandIn
    origin: GitRepo
    data_dir: Path
    app_key: AppKey
    bot: BotProcess | None = None
    env: dict[str, str] | None = None

    def start(self) -> BotProcess:
        env = dict(
            KENNIS_APP_ID=str(self.app_key.app_id),
            KENNIS_PRIVATE_KEY=self.app_key.private_key_pem,
            KENNIS_GITHUB_API_URL=self.github.base_url,
            KENNIS_DEPLOY="1",
            KENNIS_PREVIEWS="1",
            KENNIS_SITE_REPO=REPO,
            KENNIS_EXTRA_HANDLERS=CONCERNS,
            KENNIS_BUILD_TIMEOUT="60",
        )
        env.update(self.env or {})
        self.bot = start_bot(self.data_dir, 20, **env)
        return self.bot

    @property
    def port(self) -> int:
        assert self.bot is not None
        return self.bot.port

    @property
    def sender(self) -> WebhookSender:
        return WebhookSender(f"http://127.0.0.1:{self.port}/webhook", SECRET, self.github)

    @property
    def sites(self) -> Path:
        return self.data_dir / "sites"

    def push(self, before: str, after: str) -> str:
        body = self.sender.push_payload(REPO, ref="refs/heads/main", before=before, after=after)
        sent = self.sender.send("push", payload=body)
        assert sent.status == 202, sent.body
        return sent.delivery_id

    def get(self, path: str) -> Fetched:
        return fetch(self.port, path)

    def live_sha(self) -> str | None:
        link = self.sites / "live"
        return Path(link.readlink()).name if link.is_symlink() else None

    def journal(self) -> list[dict[str, Any]]:
        path = self.sites / "deploys.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    def deployment_states(self, sha: str) -> list[dict[str, Any]]:
        found = [d for d in self.github.repo(REPO).deployments.values() if d.sha == sha]
        return [s for d in found for s in d.statuses]


def wait_live(site: SiteBot, sha: str, timeout: float = 30) -> float:
    """Poll until *sha* is live; return the monotonic time it was first seen."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if site.live_sha() == sha:
            return time.monotonic()
        time.sleep(0.005)
    raise AssertionError(f"{sha[:12]} not live within {timeout}s; journal: {site.journal()}")


ZERO = "0" * 40  # the "before" of a branch's first push


def open_site(tmp_path: Path, github: GitHubStandIn, app_key: AppKey) -> Iterator[SiteBot]:
    """Yield a started site bot and kill it afterwards (the body of each module's `site` fixture)."""
    origin = make_site_repo(tmp_path / "origin")
    github.add_repo(REPO, clone_url=f"file://{origin.root}")
    made = SiteBot(github, origin, tmp_path / "data", app_key)
    made.start()
    yield made
    if made.bot is not None:
        made.bot.stop(signal.SIGKILL)


def deploy_first(site: SiteBot) -> str:
    """Push the origin's head as the first deploy and wait until it is live."""
    sha = site.origin.head
    site.push(ZERO, sha)
    wait_live(site, sha)
    return sha
