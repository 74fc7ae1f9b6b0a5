"""A draft in a pull-request preview: the real bot builds it (KENNIS_PREVIEW=1) with a Draft badge."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.botproc import wait_for
from tests.github_standin.fixtures import AppKey
from tests.github_standin.server import GitHubStandIn
from tests.sitebot import MKDOCS_YML, SiteBot, open_site
from tests.test_bot_previews import open_pr, preview_comments

pytestmark = pytest.mark.slow  # starts a kennis-bot process and builds with MkDocs

WITH_KENNIS = MKDOCS_YML.replace("plugins: []", "plugins:\n  - search\n  - kennis/pageinfo")
DRAFT = '---\ntitle: Work in progress\nowner: "@alice"\nstatus: draft\n---\n# Work in progress\n'
BADGE = '<span class="kennis-status kennis-status--draft">Draft</span>'


@pytest.fixture
def site(tmp_path: Path, github: GitHubStandIn, app_key: AppKey) -> Iterator[SiteBot]:
    yield from open_site(tmp_path, github, app_key)


def test_a_draft_page_is_in_the_preview_with_a_draft_badge(site: SiteBot) -> None:
    site.origin.write("mkdocs.yml", WITH_KENNIS)
    site.origin.write(".github/kennis.yml", 'content_dir: content\nfallback_owner: "@acme/kb"\n')
    site.origin.commit("Use the kennis page info")
    open_pr(site, 9, {"content/guide/wip.md": DRAFT})
    comment = wait_for(lambda: preview_comments(site, 9), timeout=90)[0]
    assert "content/guide/wip.md" in comment, comment
    page = site.get("/previews/pr-9/guide/wip/")
    assert page.status == 200, comment
    assert BADGE in page.text
