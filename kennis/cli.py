"""The ``kennis`` command line: thin commands over the core, clean errors at the boundary."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .cli_adopt import LOGINS_HELP, init, suggest_owners  # click only, like this module
from .cli_args import (
    FORMATS,
    PageTypes,
    date_value,
    find_root,
    handle_value,
    manifest_option,
    root_option,
)
from .cli_index import index
from .cli_translate import translate

# The commands import the core when they run: `kennis --help` stays well under 100 ms (issue 19).

if TYPE_CHECKING:
    from .handles import Handle
    from .kb import KnowledgeBase
    from .page import Page


def _relative(root: Path, given: str) -> str:
    """A user-given path (relative to the current folder) as a repo-relative key."""
    from .cli_output import speaker
    from .paths import normalize

    absolute = (Path.cwd() / given).resolve()
    try:
        return normalize(absolute.relative_to(root.resolve()))
    except ValueError as exc:
        raise click.ClickException(
            speaker(root)._(
                "{given}: not inside the knowledge base at {root}", given=given, root=root
            )
        ) from exc


def _root(root: Path | None) -> Path:
    return root if root is not None else find_root(Path.cwd())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kennis")
def main() -> None:
    """kennis: a knowledge base your experts write, own and keep fresh."""


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@root_option
def check(paths: Sequence[str], fmt: str, strict: bool, root: Path | None) -> None:
    """Validate pages, folder defaults, CODEOWNERS and config; exit 1 on errors."""
    from . import cli_output
    from .i18n import translator
    from .kb import load_kb
    from .kb_checks import content_folder_problem
    from .navigation import full_navigation_problems
    from .paths import is_under
    from .translation_check import translation_problems
    from .tree import WorkTree
    from .upkeep_check import upkeep_problems

    top = _root(root)
    tree = WorkTree(top)
    kb = load_kb(tree)
    tr = translator(kb.config.language)  # JSON stays English: it is for programs
    problems = [*kb.problems, *full_navigation_problems(top / "mkdocs.yml", len(kb.pages))]
    problems += translation_problems(kb, tree, top)
    missing = content_folder_problem(kb, tree)
    problems += [missing] if missing else []
    problems += upkeep_problems(kb, tree.read, top if strict else None)
    if paths:
        wanted = [_relative(top, p) for p in paths]
        problems = [p for p in problems if any(is_under(p.path, w) for w in wanted)]
    if fmt == "json":
        click.echo(cli_output.problems_json(problems))
    elif fmt == "github":
        if problems:
            click.echo(cli_output.problems_github(problems, tr))
        click.echo(cli_output.summary(len(kb.pages), len(kb.metas), problems, tr))
    else:
        for problem in sorted(problems):
            colour = "red" if problem.severity == "error" else "yellow"
            click.echo(click.style(problem.said(tr), fg=colour))
        click.echo(
            cli_output.summary(len(kb.pages), len(kb.metas), problems, tr), err=bool(problems)
        )
    failing = [p for p in problems if p.severity == "error" or strict]
    sys.exit(1 if failing else 0)


def _pages_for(kb: KnowledgeBase, top: Path, paths: Sequence[str]) -> list[Page]:
    from .i18n import translator
    from .kb import effective_page
    from .page import Fields
    from .paths import is_under

    tr = translator(kb.config.language)
    pages = []
    for given in paths:
        key = _relative(top, given)
        matches = [p for path, p in sorted(kb.pages.items()) if is_under(path, key)]
        if not matches and key.endswith(".md"):
            if not is_under(key, kb.config.content_dir):
                raise click.ClickException(
                    tr._(
                        "{given}: not under the content folder {folder}/",
                        given=given,
                        folder=kb.config.content_dir,
                    )
                )
            # A page that does not exist yet: who would own it if it were added?
            matches = [effective_page(kb, key, Fields(key, {}, {}))]
        if not matches:
            raise click.ClickException(tr._("{given}: no pages there", given=given))
        pages += matches
    return pages


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--format", "fmt", type=FORMATS, default="text")
@click.option("--suggest", is_flag=True, help="Suggest owners per folder from the last 12 months.")
@click.option("--logins", type=click.Path(dir_okay=False, path_type=Path), help=LOGINS_HELP)
@click.option("--force", is_flag=True, help="With --suggest: replace owners in .meta.yml files.")
@click.option(
    "--as-of", "as_of", help="With --suggest: the day the 12 months end (default: today)."
)
@root_option
def owners(
    paths: Sequence[str],
    fmt: str,
    suggest: bool,
    logins: Path | None,
    force: bool,
    as_of: str | None,
    root: Path | None,
) -> None:
    """Show the owner and co-authors of pages, and where each came from."""
    from . import cli_output
    from .i18n import translator
    from .kb import load_kb
    from .tree import WorkTree

    top = _root(root)
    if suggest:
        return suggest_owners(top, logins, force, as_of)
    if not paths:
        raise click.UsageError(
            cli_output.speaker(top)._("name the pages or folders (or --suggest)")
        )
    kb = load_kb(WorkTree(top))
    pages = _pages_for(kb, top, paths)
    tr = translator(kb.config.language)
    click.echo(
        cli_output.owners_json(pages) if fmt == "json" else cli_output.owners_text(pages, tr)
    )


@main.command()
@click.argument("kind", metavar="TYPE", type=PageTypes())
@click.argument("title")
@click.option(
    "--owner", callback=handle_value, help="Owner handle, e.g. @alice (default: the folder's)."
)
@click.option("--in", "section", default="", help="Section folder under the content folder.")
@root_option
def new(kind: str, title: str, owner: Handle | None, section: str, root: Path | None) -> None:
    """Create a page from the template of TYPE."""
    from . import cli_output
    from .errors import KennisError
    from .files import write_atomic
    from .i18n import translator
    from .kb import load_kb
    from .scaffold import plan_new_page
    from .texts import say
    from .tree import WorkTree

    top = _root(root)
    kb = load_kb(WorkTree(top), only=())
    tr = translator(kb.config.language)
    try:
        planned = plan_new_page(kb, kind, title, section, owner, date.today())
    except KennisError as exc:
        raise click.ClickException(cli_output.said(exc, tr)) from exc
    target = top / planned.path
    if target.exists():
        raise click.ClickException(
            tr._("{path} already exists; pick another title", path=planned.path)
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, planned.text.encode("utf-8"))
    click.echo(
        tr._(
            "created {path} ({kind}); it is a draft until you set status: published",
            path=planned.path,
            kind=kind,
        )
    )
    click.echo(tr._("owner: {owner}", owner=say(planned.owner_line(), tr)))


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--by", "by", required=True, callback=handle_value, help="Who confirmed it, e.g. @alice."
)
@click.option("--on", "on", callback=date_value, help="Date of the confirmation (default: today).")
@root_option
def verify(paths: Sequence[str], by: Handle, on: date | None, root: Path | None) -> None:
    """Record that pages were confirmed accurate: bump reviewed and reviewed_by."""
    from .confirm import bump_reviewed
    from .errors import KennisError
    from .files import write_atomic
    from .i18n import translator
    from .kb import load_kb
    from .reviews_file import sidecar_update
    from .translate import confirmed
    from .tree import WorkTree

    top = _root(root)
    keys = [_relative(top, p) for p in paths]
    kb = load_kb(WorkTree(top), only=keys)
    tr = translator(kb.config.language)
    when = on or date.today()
    updates = []
    for key in keys:
        file = top / key
        if not file.is_file():
            raise click.ClickException(tr._("{path}: no such page", path=key))
        if not kb.config.front_matter:
            continue  # the page is not touched: the sidecar records the confirmation
        try:
            new = bump_reviewed(file.read_bytes(), key, by, when)
            updates.append((file, confirmed(top, kb, key, new)))  # a translation: translation_of
        except KennisError as exc:
            raise click.ClickException(
                tr._(
                    "{error}\n{path}: not changed; fix the errors above first", error=exc, path=key
                )
            ) from exc
    if not kb.config.front_matter:  # one sidecar file, read with the repository's errors
        try:
            updates = [sidecar_update(top, [(k, by, when) for k in keys])]
        except KennisError as exc:
            raise click.ClickException(tr._("{error}\nnothing changed", error=exc)) from exc
    for file, data in updates:  # write only once every page is known to be editable
        write_atomic(file, data)
    for key in keys:
        page = kb.page(key)
        if page is not None and by.key not in {h.key for h in page.reviewers}:
            click.echo(
                tr._(
                    "warning: {who} is not the owner or a co-author of {path}",
                    who=by.text,
                    path=key,
                ),
                err=True,
            )
        click.echo(tr._("{path}: reviewed {day} by {who}", path=key, day=when, who=by.text))


@main.command()
@click.option("--dev-addr", "-a", default="127.0.0.1:8000", show_default=True)
@root_option
def serve(dev_addr: str, root: Path | None) -> None:
    """Build and serve the knowledge base locally, rebuilding on change."""
    top = _root(root).resolve()
    if not (top / "mkdocs.yml").is_file():
        from .cli_output import speaker

        raise click.ClickException(speaker(top)._("no mkdocs.yml in {folder}", folder=top))
    config_file = str(top / "mkdocs.yml")
    # -P: the repository's own files (a yaml.py, a click/ folder) are never imported in place of
    # the real modules, as with the `mkdocs` command itself.
    command = [sys.executable, "-P", "-m", "mkdocs", "serve", "-f", config_file, "-a", dev_addr]
    if os.name == "nt":  # no exec there: it would start a child and return to the shell at once
        sys.exit(subprocess.call(command, cwd=top))
    # MkDocs takes this process' place: stopping `kennis serve` (Ctrl-C, a terminal closed, a
    # process manager's SIGTERM) stops the server itself, never leaving it holding the port.
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(top)
    os.execv(sys.executable, command)


@main.command()
@click.option(
    "--as-of",
    "as_of",
    callback=date_value,
    help="Judge freshness as of this date (default: today).",
)
@click.option("--format", "fmt", type=FORMATS, default="text")
@manifest_option
@root_option
def stale(as_of: date | None, fmt: str, manifest: Path | None, root: Path | None) -> None:
    """List pages that are due soon, due or overdue, most overdue first."""
    from . import cli_output
    from .errors import KennisError
    from .history_build import index_for
    from .i18n import translator
    from .kb import load_kb
    from .status import assess_pages, most_urgent_first
    from .tree import WorkTree

    top = _root(root)
    kb = load_kb(WorkTree(top))
    try:
        history = index_for(top, kb.config, manifest=manifest)
    except KennisError as exc:
        raise click.ClickException(str(exc)) from exc
    when = as_of or date.today()
    rows = most_urgent_first(assess_pages(kb, history, when))
    if fmt == "json":
        payload = {"as_of": when.isoformat(), "pages": [r.to_json() for r in rows]}
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    click.echo(cli_output.stale_table(rows, when, translator(kb.config.language)))


@main.command()
@click.option(
    "--base", required=True, help="The revision the change is based on (e.g. origin/main)."
)
@click.option("--head", default="HEAD", show_default=True, help="The revision with the change.")
@click.option("--author", default="", help="GitHub login of the change's author (never asked).")
@click.option("--format", "fmt", type=FORMATS, default="text")
@root_option
def reviewers(base: str, head: str, author: str, fmt: str, root: Path | None) -> None:
    """Who would be asked to review the change from BASE to HEAD, and why."""
    from . import cli_output
    from .changes import load_changes
    from .errors import KennisError
    from .gitrev import GitReader
    from .review import PullRequest, plan_review

    top = _root(root)
    reader = GitReader(top)
    tr = cli_output.speaker(top)
    try:
        for rev in (base, head):
            if reader.rev_parse(rev) is None:
                raise click.ClickException(tr._("{rev}: no such revision", rev=rev))
        changes = load_changes(reader, top.name, 0, base, head)  # the App's pipeline
    except KennisError as exc:
        raise click.ClickException(str(exc)) from exc
    config = changes.base.config  # the base side decides: a change cannot loosen its own review
    plan = plan_review(
        changes.pages, PullRequest(author), config.max_reviewers, config.fallback_owner
    )
    click.echo(cli_output.review_json(plan) if fmt == "json" else cli_output.review_text(plan, tr))


main.add_command(init)  # kennis init lives in cli_adopt.py with the adoption commands
main.add_command(translate)  # kennis translate lives in cli_translate.py
main.add_command(index)  # kennis index lives in cli_index.py (it starts git first)
