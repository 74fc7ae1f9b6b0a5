import ast
import json
import subprocess
import sys

import pytest

from tests.gitrepo import GitRepo
from tests.kbfiles import page

AS_OF = "2026-11-27"


@pytest.fixture
def repo(tmp_path):
    repo = GitRepo(tmp_path / "kb")
    repo.write(
        ".github/kennis.yml",
        "review_every: 12 months\ndue_soon: 30 days\nfallback_owner: '@acme/kb'\n",
    )
    repo.write("content/fresh.md", page(owner='"@ana"', reviewed="2026-10-01"))
    repo.write("content/soon.md", page(owner='"@ben"', reviewed="2025-12-10"))
    repo.write("content/due.md", page(owner='"@cy"', coauthors='["@dee"]', reviewed="2025-11-01"))
    repo.write("content/overdue.md", page(owner='"@ana"', reviewed="2024-06-01"))
    repo.write(
        "content/evergreen.md", page(owner='"@ana"', reviewed="2001-01-01", review_every="never")
    )
    repo.write("content/kitchen/.meta.yml", "owner: '@chef'\nreview_every: 1 month\n")
    repo.write("content/kitchen/inherited.md", page(reviewed="2026-10-01"))
    repo.commit("Start", date="2024-01-01T09:00:00+00:00")
    repo.write("content/unreviewed.md", page(owner='"@eve"'))
    repo.commit("Add a page nobody confirmed", date="2025-06-01T09:00:00+00:00")
    repo.append("content/unreviewed.md", "\nAn edit does not count as a review.\n")
    repo.commit("Edit it", date="2026-11-20T09:00:00+00:00")
    return repo


def kennis(cwd, *args):
    return subprocess.run(
        [sys.executable, "-m", "kennis", *args], cwd=cwd, capture_output=True, text=True
    )


EXPECTED = [
    ("content/overdue.md", "overdue", "2025-06-01", 544, "@ana", "reviewed"),
    ("content/unreviewed.md", "due", "2026-06-01", 179, "@eve", "first_commit"),
    ("content/due.md", "due", "2026-11-01", 26, "@cy", "reviewed"),
    ("content/kitchen/inherited.md", "due", "2026-11-01", 26, "@chef", "reviewed"),
    ("content/soon.md", "due_soon", "2026-12-10", 0, "@ben", "reviewed"),
]


def rows(output):
    data = json.loads(output)
    assert data["as_of"] == AS_OF
    return [
        (p["path"], p["state"], p["due"], p["days_overdue"], p["owner"], p["basis"])
        for p in data["pages"]
    ]


def test_stale_lists_exactly_the_pages_needing_review(repo):
    result = kennis(repo.root, "stale", "--as-of", AS_OF, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert rows(result.stdout) == EXPECTED
    assert json.loads(result.stdout)["pages"][2]["coauthors"] == ["@dee"]


def test_stale_text_is_a_table(repo):
    result = kennis(repo.root, "stale", "--as-of", AS_OF)
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["state", "due", "overdue", "page", "owner", "co-authors"]
    assert lines[1].split() == ["OVERDUE", "2025-06-01", "544", "d", "content/overdue.md", "@ana"]
    assert lines[-1] == "1 overdue, 3 due, 1 due soon as of 2026-11-27"


def test_shallow_clone_is_refused_then_works_with_a_manifest(repo, tmp_path):
    shallow = repo.clone(tmp_path / "shallow", depth=1)
    refused = kennis(shallow.root, "stale", "--as-of", AS_OF)
    assert refused.returncode == 1
    assert "shallow clone" in refused.stderr and "fetch-depth: 0" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert kennis(shallow.root, "index").returncode == 1

    manifest = tmp_path / "history.json"
    written = kennis(repo.root, "index", "--out", str(manifest))
    assert written.returncode == 0 and "wrote the history of 7 pages" in written.stderr
    result = kennis(
        shallow.root, "stale", "--as-of", AS_OF, "--format", "json", "--manifest", str(manifest)
    )
    assert result.returncode == 0, result.stderr
    assert rows(result.stdout) == EXPECTED


def test_index_prints_the_documented_json(repo):
    data = json.loads(kennis(repo.root, "index").stdout)
    assert data["version"] == 1 and data["head"] == repo.head
    entry = data["pages"]["content/unreviewed.md"]
    assert entry["created"].startswith("2025-06-01") and entry["last_modified"].startswith(
        "2026-11-20"
    )
    assert entry["commits"] == 2


def test_bad_manifest_is_explained(repo, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"version": 1,\n "pages": [}')
    result = kennis(repo.root, "stale", "--manifest", str(bad))
    assert (
        result.returncode == 1 and f"{bad}:2:" in result.stderr and "Traceback" not in result.stderr
    )


def test_index_out_is_readable_by_others_and_the_same_text_as_stdout(repo, tmp_path):
    """The manifest is handed to a web server or a later CI step: 0644, not a temp file's 0600."""
    out = tmp_path / "published" / "history.json"
    assert kennis(repo.root, "index", "--out", str(out)).returncode == 0
    assert out.stat().st_mode & 0o777 == 0o644
    assert out.read_text(encoding="utf-8") == kennis(repo.root, "index").stdout
    assert [p.name for p in out.parent.iterdir()] == ["history.json"]  # no temp file left
    out.chmod(0o600)  # an existing file keeps the mode its owner chose
    assert kennis(repo.root, "index", "--out", str(out)).returncode == 0
    assert out.stat().st_mode & 0o777 == 0o600


def test_help_does_not_import_the_core():
    """`kennis --help` stays fast: no git, YAML or history code is imported to print it."""
    code = (
        "import sys; from kennis.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('kennis.', 'git', 'yaml'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    loaded = ast.literal_eval(result.stdout.strip().splitlines()[-1])
    assert "kennis.cli" in loaded
    assert [m for m in loaded if not m.startswith("kennis.cli")] == []  # command modules only


def test_index_imports_only_what_it_uses(repo, tmp_path):
    """`kennis index` starts fast: no GitPython, no YAML editor, no ignore-file matcher."""
    out = tmp_path / "history.json"
    code = (
        "import sys; from kennis.cli import main\n"
        f"try:\n    main(['index', '--root', {str(repo.root)!r}, '--out', {str(out)!r}])\n"
        "except SystemExit:\n    pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    loaded = ast.literal_eval(result.stdout.strip().splitlines()[-1])
    assert out.is_file() and "kennis" in loaded
    assert {"git", "ruamel", "pathspec"} & set(loaded) == set()


def test_index_in_process_gives_the_collector_back(repo, tmp_path):
    """`kennis index` pauses garbage collection for its pass; a caller's process gets it back."""
    import gc

    from click.testing import CliRunner

    from kennis.cli import main

    out = tmp_path / "history.json"
    result = CliRunner().invoke(main, ["index", "--root", str(repo.root), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert gc.isenabled()
    assert json.loads(out.read_text())["head"] == repo.head
