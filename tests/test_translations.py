"""Translations (page.nl.md beside page.md): behind after the grace period, in the owner's
review-due issue until confirmed; ``kennis translate`` and ``kennis check`` (real git, fixed dates)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from kennis.due_issue import parse_issue
from kennis.history import HistoryIndex, load_manifest, write_manifest
from kennis.history_build import index_for
from kennis.i18n import translator
from kennis.kb import load_kb
from kennis.scan import plan_scan
from kennis.status import assess_pages
from kennis.translations import split_translation
from kennis.tree import WorkTree
from tests.gitrepo import GitRepo

SOURCE = "content/close.md"
DUTCH = "content/close.nl.md"
ORIGINAL = (
    '---\ntitle: Closing\nowner: "@alice"\nreviewed: 2026-01-01\n---\n# Closing\n\nLock up.\n'
)
CHANGED_ON = "2026-03-02T09:00:00+00:00"  # the source's edit after the translation


def dutch(revision: str, owner: str = '"@nl-team"') -> str:
    return (
        f'---\ntitle: Afsluiten\ntranslation_of: "{revision}"\nowner: {owner}\n'
        "reviewed: 2026-01-05\n---\n# Afsluiten\n\nDoe alles op slot.\n"
    )


def kennis(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kennis", *args], cwd=root, capture_output=True, text=True
    )


def make_repo(root: Path, *, by_commit: bool = False) -> GitRepo:
    """A source with a Dutch translation of its first version, then an edit of the source."""
    repo = GitRepo(root)
    repo.write(".github/kennis.yml", "review_every: 12 months\ntranslation_grace: 14 days\n")
    repo.write(SOURCE, ORIGINAL)
    repo.write("content/other.md", ORIGINAL.replace("Closing", "Opening"))
    first = repo.commit("Add closing", date="2026-01-01T09:00:00+00:00")
    repo.write("content/unrelated.md", ORIGINAL.replace("Closing", "Unrelated"))
    unrelated = repo.commit("Another page", date="2026-01-03T09:00:00+00:00")
    revision = unrelated if by_commit else repo.git("rev-parse", f"{first}:{SOURCE}")
    repo.write(DUTCH, dutch(revision))
    repo.commit("Dutch translation", date="2026-01-05T09:00:00+00:00")
    repo.append(SOURCE, "\nAnd close the windows.\n")
    repo.commit("Closing: windows too", date=CHANGED_ON)
    repo.append(SOURCE, "\nAnd the back door.\n")
    repo.commit("Closing: back door", date="2026-03-20T09:00:00+00:00")
    return repo


def statuses(root: Path, as_of: date) -> dict:
    kb = load_kb(WorkTree(root))
    assert not kb.errors, kb.errors
    index = index_for(root, kb.config, cache=False)
    return {s.page.path: s for s in assess_pages(kb, index, as_of)}, kb


def due_list(root: Path, as_of: date) -> dict[str, list[str]]:
    found, _kb = statuses(root, as_of)
    plan = plan_scan(list(found.values()), [], as_of=as_of, content_dir="content")
    return {owner: [e.path for e in entries] for owner, entries in plan.owners.items()}


def test_the_review_due_issue_says_why_a_translation_is_listed_in_its_language(tmp_path):
    repo = make_repo(tmp_path / "kb")
    as_of = date(2026, 3, 17)
    found, _kb = statuses(repo.root, as_of)
    english = plan_scan(list(found.values()), [], as_of=as_of, content_dir="content")
    (action,) = english.actions
    assert "a translation: its original changed on 2026-03-02" in action.body
    dutch = plan_scan(
        list(found.values()), [], as_of=as_of, content_dir="content", tr=translator("nl")
    )
    assert "een vertaling: het origineel is gewijzigd op 2 maart 2026" in dutch.actions[0].body
    existing = parse_issue(1, action.title, action.body, action.assignees)
    again = plan_scan(list(found.values()), [existing], as_of=as_of, content_dir="content")
    assert again.actions == []  # read back, nothing to rewrite


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("content/a.nl.md", ("content/a.md", "nl")),
        ("content/a.pt_BR.md", ("content/a.md", "pt_BR")),
        ("content/a.md", None),
        ("content/a.NL.md", None),
        ("content/b.nl.md", None),  # no content/b.md
    ],
    ids=["dutch", "region", "source", "upper-case", "no-source"],
)
def test_the_suffix_layout_names_source_and_language(path, expected):
    assert split_translation(path, {"content/a.md"}.__contains__) == expected


@pytest.mark.parametrize("by_commit", [False, True], ids=["blob-sha", "commit-sha"])
def test_the_index_says_since_when_the_source_changed_after_the_translated_revision(
    tmp_path, by_commit
):
    repo = make_repo(tmp_path / "kb", by_commit=by_commit)
    kb = load_kb(WorkTree(repo.root))
    found = index_for(repo.root, kb.config, cache=False).translations[DUTCH]
    assert found.source == SOURCE and found.found
    assert found.changed_since is not None and found.changed_since.isoformat() == CHANGED_ON
    page = kb.pages[DUTCH]
    assert (page.language, page.source, page.owner.handle.text) == ("nl", SOURCE, "@nl-team")


def test_behind_only_after_the_grace_period_then_in_the_owners_issue_until_confirmed(tmp_path):
    repo = make_repo(tmp_path / "kb")
    within = date(2026, 3, 15)  # 13 days after the change: within the 14-day grace
    found, _ = statuses(repo.root, within)
    assert found[DUTCH].translation.behind is False
    assert found[DUTCH].freshness.state == "fresh"
    assert "@nl-team" not in due_list(repo.root, within)

    after = date(2026, 3, 17)
    found, _ = statuses(repo.root, after)
    assert found[DUTCH].translation.behind is True
    assert found[DUTCH].translation.behind_from == date(2026, 3, 16)
    assert (found[DUTCH].freshness.state, found[DUTCH].freshness.due) == ("due", date(2026, 3, 16))
    assert found[SOURCE].freshness.state == "fresh"  # the original itself is not due
    assert due_list(repo.root, after) == {"@nl-team": [DUTCH]}

    done = kennis(repo.root, "verify", DUTCH, "--by", "@nl-team", "--on", "2026-03-17")
    assert done.returncode == 0, done.stderr
    text = (repo.root / DUTCH).read_text()
    current = repo.git("rev-parse", f"HEAD:{SOURCE}")
    assert f'translation_of: "{current}"\n' in text
    assert text == dutch(current).replace("reviewed: 2026-01-05", "reviewed: 2026-03-17").replace(
        "reviewed: 2026-03-17\n", 'reviewed: 2026-03-17\nreviewed_by: "@nl-team"\n'
    )  # every other byte unchanged
    repo.commit("Confirm the Dutch page", date="2026-03-17T10:00:00+00:00")
    found, _ = statuses(repo.root, after)
    assert found[DUTCH].translation.behind is False
    assert due_list(repo.root, after) == {}


def test_without_an_own_owner_a_translation_belongs_to_the_sources_owner(tmp_path):
    repo = make_repo(tmp_path / "kb")
    revision = repo.git("rev-parse", f"HEAD:{SOURCE}")
    repo.write(DUTCH, dutch(revision).replace('owner: "@nl-team"\n', ""))
    kb = load_kb(WorkTree(repo.root))
    assert not kb.errors
    assert kb.pages[DUTCH].owner.handle.text == "@alice"


def test_the_manifest_keeps_the_translations(tmp_path):
    repo = make_repo(tmp_path / "kb")
    kb = load_kb(WorkTree(repo.root))
    index = index_for(repo.root, kb.config, cache=False)
    write_manifest(index, tmp_path / "m.json")
    again = load_manifest(tmp_path / "m.json")
    assert again.translations == index.translations
    data = json.loads((tmp_path / "m.json").read_text())
    assert data["translations"][DUTCH]["changed_since"] == CHANGED_ON
    assert HistoryIndex.from_json(data).translations[DUTCH].found


def test_kennis_translate_scaffolds_the_translation_and_refuses_to_overwrite(tmp_path):
    repo = make_repo(tmp_path / "kb")
    done = kennis(repo.root, "translate", SOURCE, "--to", "fr", "--owner", "@fr-team")
    assert done.returncode == 0, done.stderr
    assert "content/close.fr.md" in done.stdout
    text = (repo.root / "content/close.fr.md").read_text()
    blob = repo.git("rev-parse", f"HEAD:{SOURCE}")
    assert text.startswith(
        f'---\ntitle: "Closing"\ntranslation_of: "{blob}"\nowner: "@fr-team"\n---\n# Closing\n'
    )
    assert text.endswith("And the back door.\n")  # the whole body, to translate
    checked = kennis(repo.root, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    again = kennis(repo.root, "translate", SOURCE, "--to", "fr")
    assert again.returncode == 1 and "already exists" in again.stderr
    assert (repo.root / "content/close.fr.md").read_text() == text
    bad = kennis(repo.root, "translate", SOURCE, "--to", "French")
    assert bad.returncode == 1 and "not a language code" in bad.stderr


@pytest.mark.parametrize(
    ("revision", "message"),
    [
        ("0123456789abcdef0123456789abcdef01234567", "is no commit or blob in this repository"),
        ("not-a-sha", "is not a git revision"),
    ],
    ids=["unknown-revision", "not-a-sha"],
)
def test_kennis_check_reports_a_bad_revision_at_its_position(tmp_path, revision, message):
    repo = make_repo(tmp_path / "kb")
    repo.write(DUTCH, dutch(revision))
    done = kennis(repo.root, "check")
    assert done.returncode == 1
    assert f"{DUTCH}:3:17: translation_of: " in done.stdout
    assert message in done.stdout


def test_kennis_check_reports_a_commit_without_the_source_and_a_missing_source(tmp_path):
    repo = make_repo(tmp_path / "kb")
    first = repo.git("rev-list", "--max-parents=0", "HEAD")
    repo.git("mv", SOURCE, "content/shut.md")
    repo.write("content/shut.nl.md", dutch(first))  # content/shut.md is not in the first commit
    done = kennis(repo.root, "check")
    assert done.returncode == 1
    assert (
        f"content/shut.nl.md:3:17: translation_of: the source content/shut.md does not exist at commit {first}"
        in done.stdout
    )
    assert f"{DUTCH}:3:17: translation_of: the source {SOURCE} is not a page" in done.stdout


def test_kennis_check_reports_a_blob_that_never_was_the_source(tmp_path):
    repo = make_repo(tmp_path / "kb")
    other = repo.git("rev-parse", "HEAD:content/other.md")
    repo.write(DUTCH, dutch(other))
    done = kennis(repo.root, "check")
    assert done.returncode == 1
    assert f"{DUTCH}:3:17: translation_of: {other} was never the content of {SOURCE}" in done.stdout
