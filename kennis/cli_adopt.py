"""``kennis init`` and ``kennis owners --suggest``: the adoption commands (logic in kennis.adopt)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

LOGINS_HELP = 'A YAML file mapping e-mails or names to GitHub logins (ana@example.com: "@ana").'


@click.command()
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--suggest-owners", is_flag=True, help="Owners per folder from the last 12 months.")
@click.option("--logins", type=click.Path(dir_okay=False, path_type=Path), help=LOGINS_HELP)
@click.option("--github", is_flag=True, help="Also add the GitHub workflows and the App manifest.")
@click.option("--force", is_flag=True, help="Rewrite files that exist (never without it).")
@click.option("--on", "on", help="The adoption date, YYYY-MM-DD (default: today).")
def init(
    path: Path | None,
    suggest_owners: bool,
    logins: Path | None,
    github: bool,
    force: bool,
    on: str | None,
) -> None:
    """Adopt a new or existing Markdown repository: config, site plugins, owners."""
    from .adopt import init_repository, next_steps
    from .cli_output import speaker
    from .errors import KennisError

    root = path or Path.cwd()
    root.mkdir(parents=True, exist_ok=True)
    try:
        report = init_repository(
            root,
            _day(on),
            force=force,
            github=github,
            suggest=suggest_owners,
            logins=_logins(logins),
        )
    except KennisError as exc:
        raise click.ClickException(str(exc)) from exc
    for line in report.done:
        click.echo(line)
    if report.evidence:
        tr = speaker(root)
        click.echo(tr._("owners suggested from the last 12 months of history:"))
        for line in report.evidence:
            click.echo(f"  {line}")
    for line in next_steps(report):
        click.echo(line)


def suggest_owners(top: Path, logins: Path | None, force: bool, on: str | None = None) -> None:
    """``kennis owners --suggest``: the owner suggestion alone, written to .meta.yml files."""
    from .adopt import InitReport, suggest_into
    from .cli_output import speaker
    from .errors import KennisError

    report = InitReport()
    try:
        suggest_into(top, report, _day(on), _logins(logins), force)
    except KennisError as exc:
        raise click.ClickException(str(exc)) from exc
    for line in report.evidence:
        click.echo(line)
    for line in report.done:
        click.echo(line)
    if report.fallback:
        tr = speaker(top)
        click.echo(tr._("suggested fallback_owner (pages nobody owns): {who}", who=report.fallback))


def _day(value: str | None) -> date:
    try:
        return date.fromisoformat(value) if value else date.today()
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date (YYYY-MM-DD)", param_hint="--on"
        ) from None


def _logins(path: Path | None) -> dict[str, str]:
    if path is None:
        return {}
    from .owners_suggest import read_logins

    return read_logins(path)
