"""Drafts stay drafts: left out of a production build, shown with a Draft badge in previews."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.sitekit import PAGES, Built, build, make_kb, page

DRAFT = page(
    "Half-written recipe",
    body="Serve with [the sauce](sauce.md).\n",  # a page nobody wrote: not wanted while a draft
    owner='"@alice"',
    status="draft",
)
WITH_DRAFT = {**PAGES, "content/kitchen/recipe.md": DRAFT}


def search_locations(built: Built) -> list[str]:
    index = json.loads((built.site / "search" / "search_index.json").read_text("utf-8"))
    return [doc["location"] for doc in index["docs"]]


def test_a_production_build_leaves_the_draft_out_of_pages_search_sitemap_and_nav(tmp_path):
    root = tmp_path / "repo"
    make_kb(root, WITH_DRAFT)
    built = build(root)
    assert built.returncode == 0, built.output
    assert not (built.site / "kitchen" / "recipe").exists()
    assert not any(loc.startswith("kitchen/recipe/") for loc in search_locations(built))
    assert "kitchen/recipe/" not in (built.site / "sitemap.xml").read_text("utf-8")
    assert "Half-written recipe" not in built.html("kitchen/closing/")  # not in the nav
    assert "kitchen/closing/" in (built.site / "sitemap.xml").read_text("utf-8")
    assert "kitchen/sauce.md" not in built.html("knowledge/wanted/")  # nor in the reports


def test_a_link_to_a_draft_is_not_a_broken_link_nor_a_wanted_page(tmp_path):
    root = tmp_path / "repo"
    linking = page("Kitchen rules", body="Soon: [the recipe](recipe.md).\n", owner='"@bob"')
    pages = {k: v for k, v in WITH_DRAFT.items() if k != "content/tricky.md"}  # a missing link
    make_kb(root, {**pages, "content/kitchen/rules.md": linking})
    (root / "mkdocs.yml").write_text(
        (root / "mkdocs.yml").read_text().replace("not_found: info", "not_found: warn")
    )
    built = build(root)  # --strict: a warning would fail it
    assert built.returncode == 0, built.output
    assert "excluded from the built site" in built.output
    assert "kitchen/recipe.md" not in built.html("knowledge/wanted/")


def test_a_preview_build_shows_the_draft_with_a_draft_badge(tmp_path, monkeypatch):
    root = tmp_path / "repo"
    make_kb(root, WITH_DRAFT)
    monkeypatch.setenv("KENNIS_PREVIEW", "1")
    built = build(root)
    assert built.returncode == 0, built.output
    html = built.html("kitchen/recipe/")
    assert '<span class="kennis-status kennis-status--draft">Draft</span>' in html
    assert any(loc.startswith("kitchen/recipe/") for loc in search_locations(built))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_kennis_serve_shows_the_draft_with_a_draft_badge(tmp_path):
    root = tmp_path / "repo"
    make_kb(root, WITH_DRAFT)
    port = _free_port()
    env = {**os.environ, "KENNIS_AS_OF": "2026-06-01", "NO_MKDOCS_2_WARNING": "1"}
    env.pop("KENNIS_PREVIEW", None)
    proc = subprocess.Popen(  # --root relative to where it runs: resolved before MkDocs starts
        [sys.executable, "-m", "kennis", "serve", "--root", "repo", "-a", f"127.0.0.1:{port}"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        html = _get(f"http://127.0.0.1:{port}/kitchen/recipe/", proc)
    finally:
        proc.terminate()
        proc.wait(10)
    assert '<span class="kennis-status kennis-status--draft">Draft</span>' in html
    # Stopping `kennis serve` stopped the server itself: nothing is left holding the port.
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def _get(url: str, proc: subprocess.Popen[bytes], wait: float = 90.0) -> str:
    deadline = time.monotonic() + wait
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.5)
