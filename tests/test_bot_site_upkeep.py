"""End to end: the App's own site build gets the members and reviews files (health, contributors)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.sitebot import REPO, SiteBot, deploy_first, open_site

KENNIS_YML = """\
site_name: Test KB
docs_dir: content
theme:
  name: material
plugins:
  - kennis/health
  - kennis/contributors
"""


@pytest.fixture
def site(tmp_path: Path, github: Any, app_key: Any) -> Iterator[SiteBot]:
    yield from open_site(tmp_path, github, app_key)


@pytest.mark.slow  # runs kennis-bot and mkdocs builds
def test_the_apps_build_shows_owners_who_left_and_credits_recorded_reviews(
    site: SiteBot, github: Any
) -> None:
    github.add_collaborator(REPO, "alice")
    site.origin.write("mkdocs.yml", KENNIS_YML)
    site.origin.write("content/index.md", '---\nowner: "@alice"\n---\n# Home\n')
    site.origin.write("content/guide/setup.md", '---\nowner: "@gone"\n---\n# Setup\n')
    site.origin.commit("Owners and the kennis plugins")
    reviews = site.data_dir / "reviews" / "acme__kb.json"
    reviews.parent.mkdir(parents=True, exist_ok=True)
    reviews.write_text(
        '{"version": 1, "reviews": [{"login": "carol", "pull": 7, "state": "approved",'
        ' "submitted_at": "2026-03-01T10:00:00Z"}]}\n'
    )
    deploy_first(site)
    health = site.get("/knowledge/health/").text
    assert 'data-path="content/guide/setup.md" data-risk="owner"' in health
    assert "no longer a member" in health
    assert 'data-path="content/index.md" data-risk="owner"' not in health
    board = site.get("/knowledge/contributors/").text
    assert 'data-contributor="carol"' in board
