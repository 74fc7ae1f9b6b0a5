"""The delivery context: settings travel with it, and a pull request's changes are made once."""

from __future__ import annotations

import re
from pathlib import Path

from review_bot.context import DeliveryContext
from review_bot.settings import Settings
from tests.gitrepo import GitRepo
from tests.kbfiles import page

ROOT = Path(__file__).resolve().parent.parent


def _context(tmp_path: Path, origin: GitRepo, delivery: str) -> DeliveryContext:
    settings = Settings(webhook_secret=b"x", data_dir=tmp_path / "data", site_repo="acme/kb")
    payload = {"repository": {"full_name": "acme/kb", "clone_url": origin.root.as_uri()}}
    return DeliveryContext(
        delivery_id=delivery,
        event="pull_request",
        payload=payload,
        attempt=1,
        app=None,
        mirrors_root=settings.mirrors_dir,
        settings=settings,
    )


def test_a_pull_requests_changes_are_computed_once_per_delivery(tmp_path: Path) -> None:
    origin = GitRepo(tmp_path / "origin")
    origin.write("content/a.md", page(owner='"@ana"', reviewed="2026-10-01"))
    base = origin.commit("Start", date="2026-01-01T10:00:00+00:00")
    origin.append("content/a.md", "\nAn edit.\n")
    head = origin.commit("Edit", date="2026-02-01T10:00:00+00:00")
    origin.git("update-ref", "refs/pull/7/head", head)  # GitHub's pull ref, fetched by the App
    origin.git("reset", "--hard", base)

    ctx = _context(tmp_path, origin, "d1")
    first = ctx.pull_request(7, base, head)
    assert [t.path for t in first.pages] == ["content/a.md"]
    assert ctx.pull_request(7, base, head) is first  # reviewers, previews, confirm share it
    assert ctx.settings.site_repo == "acme/kb"
    # another delivery starts afresh: the pull request may have changed since
    assert _context(tmp_path, origin, "d2").pull_request(7, base, head) is not first


def test_caches_are_named_attributes_not_dict_tricks() -> None:
    """No ``__dict__.setdefault`` memo and no client cache keyed by ``id()`` in the App."""
    pattern = re.compile(r"__dict__\.setdefault|\bid\([a-z_]*(github|client)")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "review_bot").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []
