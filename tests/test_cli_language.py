"""The command line speaks the ``language:`` of .github/kennis.yml; positions and JSON stay as they are."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kennis.cli import main
from kennis.cli_output import history_written
from kennis.history import HistoryIndex, PageHistory, Person
from kennis.i18n import translator
from tests.gitrepo import GitRepo
from tests.kbfiles import page, write_tree


def make_kb(root: Path, language: str) -> Path:
    write_tree(
        root,
        {
            ".github/kennis.yml": f'fallback_owner: "@acme/kb"\nlanguage: {language}\n',
            "content/index.md": page(owner='"@alice"', title="Home", review_every="3 maanden"),
            "content/kitchen/.meta.yml": 'owner: "@chef"\n',
            "content/kitchen/close.md": page(
                title="Close", coauthors='["@bob"]', reviewed="2025-01-10"
            ),
        },
    )
    (root / ".git").mkdir(exist_ok=True)
    return root


@pytest.fixture
def dutch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return make_kb(tmp_path, "nl")


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_check_says_all_good_in_dutch_and_reads_dutch_intervals(dutch: Path) -> None:
    result = run("check")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "2 pagina's en 1 mapstandaard gecontroleerd: alles in orde"


def test_problems_keep_their_position_prefix_and_the_summary_is_dutch(dutch: Path) -> None:
    (dutch / "content/kitchen/close.md").write_text("---\ntitle: Close\nowner: chef\n---\n")
    result = run("check")
    assert result.exit_code == 1
    assert result.output.startswith(
        'content/kitchen/close.md:3:8: owner: bij "chef" ontbreekt de "@" (schrijf "@chef")\n'
    )
    assert "gecontroleerd: 1 fout, 0 waarschuwingen" in result.output


def test_json_is_the_same_in_every_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = []
    for language in ("en", "nl"):
        root = make_kb(tmp_path / language, language)
        (root / "content/kitchen/close.md").write_text("---\ntitle: Close\nowner: chef\n---\n")
        monkeypatch.chdir(root)
        outputs += [
            run("check", "--format", "json").output,
            run("owners", "content", "--format", "json").output,
        ]
    assert outputs[:2] == outputs[2:] and '"owner"' in outputs[1]


def test_owners_in_dutch(dutch: Path) -> None:
    result = run("owners", "content/kitchen/close.md")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[1].split() == [
        "eigenaar",
        "@chef",
        "content/kitchen/.meta.yml:1",
        "(mapstandaard)",
    ]
    assert lines[2].split()[:2] == ["mede-auteur", "@bob"]


def test_errors_at_the_boundary_are_dutch(dutch: Path) -> None:
    result = run("owners", "content/nowhere")
    assert result.exit_code == 1
    assert "content/nowhere: daar staan geen pagina's" in result.output


def test_stale_table_in_dutch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = GitRepo(tmp_path)  # stale reads the pages' first commits
    make_kb(tmp_path, "nl")
    repo.commit("Pages", date="2025-01-10T10:00:00+00:00")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["stale", "--as-of", "2026-06-01"])
    assert result.exit_code == 0, result.output
    header = result.output.splitlines()[0].split()
    assert header == ["staat", "gepland", "te", "laat", "pagina", "eigenaar", "mede-auteurs"]
    assert "TE LAAT" in result.output and "content/kitchen/close.md" in result.output
    assert result.output.splitlines()[-1].endswith("binnenkort te controleren op 2026-06-01")


def test_an_unknown_language_is_a_positioned_config_error(tmp_path: Path, monkeypatch) -> None:
    make_kb(tmp_path, "klingon")
    monkeypatch.chdir(tmp_path)
    result = run("check")
    assert result.exit_code == 1
    assert (
        ".github/kennis.yml:2:11: language: 'klingon' is not a language kennis speaks (known: en, nl)"
        in result.output
    )


def test_a_dutch_repository_gets_its_problems_in_dutch(dutch: Path) -> None:
    (dutch / "content/index.md").write_text(
        '---\ntitle: Home\nowner: "@alice"\nreview_every: 3 maandn\nreviewed: nooit\n---\n'
    )
    result = run("check")
    assert result.output.splitlines()[:2] == [
        'content/index.md:4:15: review_every: "3 maandn" is geen controle-interval (verwacht '
        '"<n> dagen|weken|maanden|jaren" met n ≥ 1, of "nooit"); bedoel je "3 months"?',
        "content/index.md:5:11: reviewed: 'nooit' is geen datum (schrijf JJJJ-MM-DD, bijvoorbeeld "
        "2026-03-01)",
    ]
    english = run("check", "--format", "json").output
    assert "is not a review interval" in english and "geen" not in english


def test_warnings_and_codeowners_problems_in_dutch(dutch: Path) -> None:
    (dutch / ".github/CODEOWNERS").write_text("content/ ana@example.com\n")
    (dutch / "content/kitchen/.meta.yml").write_text('owner: "@chef"\nreviewd: 2026-01-01\n')
    result = run("check")
    assert (
        ".github/CODEOWNERS:1:10: waarschuwing: ana@example.com: kennis kan eigenaren met een "
        "e-mailadres niet om een review vragen; gebruik @login" in result.output
    )
    assert (
        'content/kitchen/.meta.yml:2:1: waarschuwing: onbekende sleutel "reviewd": '
        'bedoel je "reviewed"?' in result.output
    )


def test_yaml_mistakes_in_dutch(dutch: Path) -> None:
    (dutch / "content/index.md").write_text("---\ntitle: Home\nowner: @alice\n---\n")
    result = run("check")
    assert result.output.startswith(
        "content/index.md:3:8: een handle die met @ begint moet tussen aanhalingstekens: "
        'schrijf owner: "@alice"\n'
    )


def test_a_missing_content_folder_in_dutch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {".github/kennis.yml": "content_dir: docs\nlanguage: nl\n"})
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    result = run("check")
    assert result.exit_code == 1
    assert (
        "docs: de inhoudsmap docs/ (content_dir in .github/kennis.yml) bestaat niet (of is leeg)"
        in result.output
    )


def test_new_page_in_dutch(dutch: Path) -> None:
    made = run("new", "how-to", "Afwassen", "--in", "kitchen")
    assert made.exit_code == 0, made.output
    assert made.output.splitlines() == [
        "content/kitchen/afwassen.md aangemaakt (how-to); het blijft een concept tot je"
        " status: published zet",
        "eigenaar: @chef, uit content/kitchen/.meta.yml:1",
    ]
    refused = run("new", "how-to", "Afwassen", "--in", "../elders")
    assert refused.exit_code == 1
    assert "--in ../elders: pagina's staan in content/; noem daar een sectiemap" in refused.output


@pytest.mark.parametrize("language", ["en", "de", "nl"])
def test_the_index_message_is_what_babel_says(language: str) -> None:
    moment = datetime.fromisoformat("2025-01-01T10:00:00+00:00")
    one = PageHistory("content/a.md", moment, moment, Person("Ann", ""), (), (), 0)
    tr = translator(language)
    for n in [0, 1, 2, 999, 1000, 12345]:
        index = HistoryIndex("0123456789abcdef", {f"content/{i}.md": one for i in range(n)})
        said = tr.ngettext(  # Babel's plural rule and digit grouping for the language
            "wrote the history of {n} page at {head} to {out}",
            "wrote the history of {n} pages at {head} to {out}",
            n,
            head="0123456789ab",
            out=Path("out.json"),
        )
        assert history_written(index, Path("out.json"), language) == said


def test_the_index_message_in_english_reads_no_locale_data() -> None:
    """Babel's locale data takes ~16 ms to load: `kennis index` in English writes without it."""
    code = (
        "from pathlib import Path\nimport babel.localedata as data\n"
        "from kennis.cli_output import history_written\nfrom kennis.history import HistoryIndex\n"
        "said = history_written(HistoryIndex('0123456789abcdef'), Path('out.json'), 'en')\n"
        "print(said, len(data._cache))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert (
        found.stdout.split("\n")[0] == "wrote the history of 0 pages at 0123456789ab to out.json 0"
    )
