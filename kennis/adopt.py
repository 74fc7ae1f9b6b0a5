"""``kennis init``: adopt a new or an existing Markdown repository in minutes, idempotently.

Finds the docs folder, writes ``.github/kennis.yml`` (with ``adopted:``), adds the kennis plugins
to ``mkdocs.yml`` (round-trip: comments kept) or writes one, optionally the GitHub workflows and
the App manifest, and optionally owners suggested from history into ``.meta.yml`` files. Nothing
that exists is overwritten without ``force``.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from .config import CONFIG_PATH
from .errors import KennisError
from .files import write_atomic
from .kb import META_FILE, load_kb
from .mkdocs_yml import MKDOCS_PATH, parse_site_config
from .owners_suggest import (
    FolderSuggestion,
    evidence,
    folder_of,
    folders_of,
    suggest_owners,
    top_overall,
    twelve_months_before,
)
from .page import DEFAULT
from .paths import is_under, join
from .tree import WorkTree

#: Where docs usually live, most likely first.
COMMON_DOCS = ("docs", "content", "handbook", "documentation", "doc", "wiki", "kb", "knowledge")
KENNIS_PLUGINS = ("kennis/pageinfo", "kennis/health", "kennis/contributors", "kennis/wanted")
#: The GitHub files ``--github`` adds: template name in kennis/templates/github → repo path.
GITHUB_FILES = {
    "kennis-check.yml": ".github/workflows/kennis-check.yml",
    "deploy.yml": ".github/workflows/deploy.yml",
    "freshness.yml": ".github/workflows/freshness.yml",
    "app.yml": "app.yml",
}


@dataclass
class InitReport:
    """What ``kennis init`` did, in order, and what to do next."""

    docs_dir: str = ""
    done: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    fallback: str | None = None


def find_docs_folder(root: Path) -> tuple[str, str]:
    """The docs folder (repo-relative) and why: mkdocs.yml's docs_dir, else a common name."""
    mkdocs = root / MKDOCS_PATH
    if mkdocs.is_file():
        site, _ = parse_site_config(mkdocs.read_bytes())
        if site is not None:
            return site.docs_dir, f"docs_dir in {MKDOCS_PATH}"
    for name in COMMON_DOCS:
        if (root / name).is_dir() and any((root / name).rglob("*.md")):
            return name, f"the {name}/ folder holds Markdown pages"
    return "docs", "no docs folder found: docs/ is MkDocs' default"


def init_repository(
    root: Path,
    today: date,
    *,
    force: bool = False,
    github: bool = False,
    suggest: bool = False,
    logins: Mapping[str, str] | None = None,
) -> InitReport:
    """Adopt the repository at ``root``; see the module docstring."""
    report = InitReport()
    report.docs_dir, why = find_docs_folder(root)
    report.done.append(f"docs folder: {report.docs_dir or '.'}/ ({why})")
    docs = root / report.docs_dir
    if not docs.is_dir():
        docs.mkdir(parents=True)
        _write(root, join(report.docs_dir, "index.md"), "# Welcome\n", False, report)
    if suggest:
        suggest_into(root, report, today, logins or {}, force)
    _kennis_yml(root, today, report, force)
    _mkdocs_yml(root, report, force)
    if github:
        for template, target in GITHUB_FILES.items():
            text = resources.files("kennis").joinpath("templates", "github", template).read_text()
            _write(root, target, text, force, report)
    return report


def next_steps(report: InitReport) -> list[str]:
    owners = []
    if not report.evidence:
        owners = ["  kennis owners --suggest           # owners per folder from the last 12 months"]
    elif report.fallback is None:
        owners = [f'  set fallback_owner: "@team" in {CONFIG_PATH} (no owner was found in history)']
    return [
        "next:",
        *owners,
        "  kennis check                      # every page has an owner and valid settings",
        "  make serve   (or: mkdocs serve)   # the site with page info at http://127.0.0.1:8000",
        "  git add -A && git commit -m 'Adopt kennis'",
    ]


def _write(root: Path, path: str, text: str, force: bool, report: InitReport) -> bool:
    target = root / path
    if target.exists() and not force:
        report.done.append(f"kept {path} (it exists; --force rewrites it)")
        return False
    verb = "rewrote" if target.exists() else "wrote"
    write_atomic(target, text.encode("utf-8"))
    report.done.append(f"{verb} {path}")
    return True


def _kennis_yml(root: Path, today: date, report: InitReport, force: bool) -> None:
    lines = [
        "# kennis settings (written by `kennis init`; every key is optional, see README).",
        f"# The docs folder is {MKDOCS_PATH}'s docs_dir: kennis reads it from there.",
        "",
        "# Pages never reviewed are due one interval after the later of their first commit",
        "# and this day, so adopting kennis does not turn every old page overdue at once.",
        f"adopted: {today.isoformat()}",
        "review_every: 12 months",
    ]
    if report.fallback:
        lines += [
            "# Owner of pages nobody else owns (folders nobody changed in the last 12 months).",
            f'fallback_owner: "{report.fallback}"',
        ]
    lines += [
        "# Uncomment when your pages must never carry front matter: confirmations then go to",
        "# .github/kennis-reviews.yml instead of the pages.",
        "# front_matter: false",
    ]
    _write(root, CONFIG_PATH, "\n".join(lines) + "\n", force, report)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _mkdocs_yml(root: Path, report: InitReport, force: bool) -> None:
    if (root / MKDOCS_PATH).is_file():
        _add_plugins(root / MKDOCS_PATH, report)  # adds only what is missing: no --force needed
        return
    name = root.resolve().name.replace("-", " ").replace("_", " ").title() or "Knowledge base"
    plugins = "".join(f"  - {p}\n" for p in ("search", "meta", *KENNIS_PLUGINS))
    text = (
        f"site_name: {name}\ndocs_dir: {report.docs_dir or '.'}\n"
        # navigation.prune: each page carries its own part of the navigation, so the build
        # stays linear in the page count (kennis check warns without it past 500 pages).
        "theme:\n  name: material\n  features: [navigation.prune]\n"
        "# kennis: owner, review dates and freshness on every page; generated reports.\n"
        f"plugins:\n{plugins}"
    )
    _write(root, MKDOCS_PATH, text, force, report)


def _add_plugins(target: Path, report: InitReport) -> None:
    """Add the kennis plugins to an existing mkdocs.yml; comments, order and quoting kept."""
    yaml = _yaml()
    try:
        data = yaml.load(target.read_text("utf-8-sig"))
    except (YAMLError, UnicodeDecodeError) as exc:
        raise KennisError(f"{MKDOCS_PATH}: cannot edit it safely: {exc}") from None
    if not isinstance(data, CommentedMap):
        raise KennisError(f"{MKDOCS_PATH}: expected settings (keys and values)")
    plugins = data.get("plugins")
    if plugins is None:  # MkDocs' default is [search]: keep it when adding ours
        plugins = data["plugins"] = CommentedSeq(["search"])
    if not isinstance(plugins, list):
        raise KennisError(f"{MKDOCS_PATH}: plugins must be a list to add the kennis plugins")
    present = {_plugin_name(p) for p in plugins}
    theme = data.get("theme")
    material = (theme.get("name") if isinstance(theme, dict) else theme) == "material"
    wanted = (["meta"] if material else []) + list(KENNIS_PLUGINS)
    missing = [p for p in wanted if p not in present]
    if not missing:
        report.done.append(f"kept {MKDOCS_PATH} (the kennis plugins are there)")
        return
    plugins.extend(missing)
    out = io.StringIO()
    yaml.dump(data, out)
    write_atomic(target, out.getvalue().encode("utf-8"))
    report.done.append(f"added {', '.join(missing)} to the plugins of {MKDOCS_PATH}")


def _plugin_name(entry: Any) -> str:
    if isinstance(entry, dict) and entry:
        return str(next(iter(entry)))
    return str(entry)


def suggest_into(
    root: Path, report: InitReport, today: date, logins: Mapping[str, str], force: bool
) -> None:
    """Suggest owners per folder from history, record the evidence, write the .meta.yml files."""
    config = load_kb(WorkTree(root), only=()).config
    if not report.docs_dir and config.content_dir_source == DEFAULT:
        report.docs_dir = find_docs_folder(root)[0]  # mkdocs.yml's docs_dir, else a common name
    if report.docs_dir:  # kennis.yml and mkdocs.yml may not exist yet
        config = replace(config, content_dir=report.docs_dir)
    report.docs_dir = config.content_dir
    since = twelve_months_before(today)
    suggestions = suggest_owners(
        root, config, page_folders(root, config.content_dir), since, logins
    )
    tops = {folder_of(f"{s.folder}/x.md", config.content_dir) for s in suggestions}
    configured = config.fallback_owner.text if config.fallback_owner else None
    report.fallback = configured or top_overall(s for s in suggestions if s.folder in tops)
    if not suggestions:
        report.evidence.append(f"{config.content_dir or '.'}/ holds no pages to suggest owners for")
    for suggestion in own_owners(suggestions, tops):
        report.evidence.append(evidence(suggestion, since))
        write_meta(root, suggestion, report, force)


def own_owners(
    suggestions: list[FolderSuggestion], tops: set[str | None]
) -> list[FolderSuggestion]:
    """The suggestions worth a ``.meta.yml``: every top-level folder, and one below it only.

    A nested folder is written only when its owner differs from the nearest written folder above
    it (the nearest ``.meta.yml`` owner wins, so the others inherit theirs).
    """
    written: dict[str, str | None] = {}
    kept = []
    for suggestion in sorted(suggestions, key=lambda s: s.folder):
        folder = suggestion.folder
        above = [f for f in written if is_under(folder, f) and f != folder]
        inherited = written[max(above, key=len)] if above else None
        if folder in tops or (suggestion.owner is not None and suggestion.owner != inherited):
            written[folder] = suggestion.owner
            kept.append(suggestion)
    return kept


def page_folders(root: Path, docs_dir: str) -> list[str]:
    """The folders owners are suggested for: every folder holding pages, at any depth (sorted)."""
    base = root / docs_dir
    found = set()
    for page in base.rglob("*.md"):
        if any(part.startswith(".") for part in page.relative_to(base).parts):
            continue
        found.update(folders_of(page.relative_to(root).as_posix(), docs_dir))
    return sorted(found)


def write_meta(root: Path, suggestion: FolderSuggestion, report: InitReport, force: bool) -> None:
    """Set owner and co-authors in the folder's .meta.yml, keeping every other key and comment."""
    if suggestion.owner is None:
        return
    path = join(suggestion.folder, META_FILE)
    target = root / path
    yaml = _yaml()
    data = yaml.load(target.read_text("utf-8-sig")) if target.is_file() else None
    data = data if isinstance(data, CommentedMap) else CommentedMap()
    if "owner" in data and not force:
        report.done.append(f"kept {path} (owner {data['owner']} is set; --force replaces it)")
        return
    data["owner"] = suggestion.owner
    if suggestion.coauthors:
        data["coauthors"] = CommentedSeq(suggestion.coauthors)
        data["coauthors"].fa.set_flow_style()
    out = io.StringIO()
    yaml.dump(data, out)
    write_atomic(target, out.getvalue().encode("utf-8"))
    report.done.append(f"wrote owner {suggestion.owner} to {path}")
