"""The ``kennis-bot`` command line: run the App, and inspect or requeue its deliveries."""

from __future__ import annotations

import dataclasses
import fcntl
import json
import logging
import sqlite3
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import IO

import click

from review_bot import startup
from review_bot.app import WebhookApp, allow_open_files, server_options
from review_bot.concerns import root_router
from review_bot.ledger import STATES, DeliveryLedger, Ledger, LedgerUnavailable, open_ledger
from review_bot.locks import share_across_replicas
from review_bot.routing import HandlerSpecError
from review_bot.settings import ConfigError, Settings
from review_bot.shutdown import GracefulStop
from review_bot.site.releases import SiteError, SiteStore
from review_bot.site.static import SiteApp, WSGIApp
from review_bot.worker import WorkerPool

log = logging.getLogger("review_bot")


@click.group()
def main() -> None:
    """kennis-bot: the kennis GitHub App."""


def _lock_data_dir(data_dir: Path) -> IO[str]:
    """Hold an exclusive lock so two servers never share (and corrupt) one ledger's queue."""
    data_dir.mkdir(parents=True, exist_ok=True)
    handle = (data_dir / "serve.lock").open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise click.ClickException(
            f"another kennis-bot is already serving from {data_dir} (KENNIS_DATA_DIR)"
        ) from None
    return handle


def _settings(*, serving: bool) -> Settings:
    """The settings, read and checked once; a bad value stops the command, naming the variable."""
    try:
        return Settings.from_env(serving=serving)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def _logging(settings: Settings, default: str, fmt: str) -> None:
    logging.basicConfig(level=settings.log_level or default, format=fmt, stream=sys.stderr)


def _build_app(settings: Settings) -> object | None:
    if not (settings.app_id and settings.private_key):
        log.warning("KENNIS_APP_ID / KENNIS_PRIVATE_KEY not set: handlers cannot call GitHub")
        return None
    from review_bot.github_client import GitHubApp

    return GitHubApp(
        settings.app_id,
        settings.private_key,
        settings.github_api_url,
        write_pause=settings.github_write_pause,
    )


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8080, show_default=True, type=int, help="0 picks a free port.")
@click.option("--workers", type=int, default=None, help="Worker threads [KENNIS_WORKERS, 2].")
def serve(host: str, port: int, workers: int | None) -> None:
    """Receive webhooks on POST /webhook and process them on worker threads."""
    settings = _settings(serving=True)
    _logging(settings, "INFO", "%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:  # the one list of concerns, then the operator's extra handlers
        router = root_router(settings.extra_handlers)
    except (HandlerSpecError, AttributeError) as exc:
        raise click.ClickException(f"cannot load handlers (KENNIS_EXTRA_HANDLERS): {exc}") from None
    workers = settings.workers if workers is None else workers
    try:
        startup.check_credentials(settings)
        startup.make_private(settings.data_dir)
        lock = _lock_data_dir(settings.data_dir)
        ledger = open_ledger(settings, autocheckpoint=workers == 0)
        resumed = ledger.recover(settings.max_attempts)
        if settings.database_url:  # replicas: per-repository work takes advisory locks too
            share_across_replicas(ledger.exclusive)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    except LedgerUnavailable as exc:
        raise click.ClickException(f"cannot use the ledger (KENNIS_DATABASE_URL): {exc}") from None
    except (OSError, sqlite3.Error) as exc:
        raise click.ClickException(startup.unusable(settings.data_dir, exc)) from None
    sites = SiteStore(settings.sites_dir, settings.keep_releases)
    sites.clean_leftovers()  # builds a killed server left half-written
    pool = WorkerPool(
        ledger,
        router,
        workers=workers,
        mirrors_root=settings.mirrors_dir,
        app=_build_app(settings),  # type: ignore[arg-type]
        max_attempts=settings.max_attempts,
        retry_base=settings.retry_base,
        lease_seconds=settings.lease_seconds,
        keep_seconds=settings.ledger_keep_days * 86400,
        settings=settings,
    )
    if settings.scan_every:
        from review_bot.review_due import start_scheduler

        start_scheduler(ledger, settings.scan_every, pool.wake)

    def catch_up() -> None:  # once the socket listens: a redelivery asked for now can land
        if settings.catchup_every and pool.app is not None:
            from review_bot.catchup import CatchUp, start_catchup

            catchup = CatchUp(
                settings.github_api_url, pool.app.jwt, ledger, settings.github_write_pause
            )
            start_catchup(catchup, settings.catchup_every, threading.Event())

    webhooks = WebhookApp(settings, ledger, pool.wake)
    pool.busy = lambda: webhooks.acknowledging
    app = SiteApp(webhooks, sites.root)
    # Hand the GIL over every millisecond (default 5 ms): a worker busy in Python code then
    # delays a webhook acknowledgement by at most ~1 ms at a time.
    sys.setswitchinterval(0.001)
    _run_server(app, pool, host, port, settings, resumed, catch_up)
    lock.close()


def _run_server(
    app: WSGIApp,
    pool: WorkerPool,
    host: str,
    port: int,
    settings: Settings,
    resumed: int,
    on_listening: Callable[[], None],
) -> None:
    import waitress

    # "Task queue depth is N" is logged per queued request during bursts: noise, and slow.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    allow_open_files(settings.connection_limit)
    server = waitress.create_server(
        app,
        host=host,
        port=port,
        threads=8,
        recv_bytes=65536,  # a typical 20-30 kB payload in one read
        max_request_body_size=settings.max_body,  # waitress refuses larger bodies unread
        ident="kennis-bot",
        clear_untrusted_proxy_headers=True,
        **server_options(settings),  # idle clients cannot hold every connection
    )

    stopping = GracefulStop(server, settings.stop_grace)
    stopping.install()
    bound = server.getsockname() if hasattr(server, "getsockname") else (host, port)
    # The self-hosted site's address for deployment statuses and preview links, known only
    # now that the server is bound; the workers have not started, so every delivery sees it.
    from review_bot.site.deploy import self_url

    address = self_url(str(bound[0]), int(bound[1]), settings.site_url)
    pool.settings = dataclasses.replace(settings, self_url=address)
    pool.start()
    on_listening()  # the socket listens (connections wait in its backlog until server.run)
    # Always printed (whatever the log level): operators and tests read the bound port here.
    click.echo(
        f"kennis-bot listening on http://{bound[0]}:{bound[1]} ({pool.size} workers,"
        f" {resumed} resumed deliveries)",
        err=True,
    )
    try:
        server.run()
    finally:
        log.info("kennis-bot stopping: finishing deliveries in progress")
        server.close()
        # Workers take no new delivery; the current one has what is left of KENNIS_STOP_GRACE
        # (the rest stays queued for the next start).
        unfinished = pool.stop(stopping.remaining())
        log.info("kennis-bot stopped (%d deliveries left unfinished)", unfinished)


def _ledger() -> DeliveryLedger:
    settings = _settings(serving=False)
    if settings.database_url:
        try:
            return open_ledger(settings)
        except LedgerUnavailable as exc:
            raise click.ClickException(f"cannot use KENNIS_DATABASE_URL: {exc}") from None
    path = settings.ledger_path
    if not path.exists():
        raise click.ClickException(f"no ledger at {path} (set KENNIS_DATA_DIR)")
    return Ledger(path)


@main.command()
@click.option("--state", type=click.Choice(STATES), default=None, help="Only this state.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def deliveries(state: str | None, limit: int, fmt: str) -> None:
    """List recent deliveries with their state, attempts and last error (newest first).

    Deliveries that catch-up asked GitHub to send again are marked recovered.
    """
    ledger = _ledger()
    rows = ledger.recent(state, limit)
    recovered = ledger.recovered(row.id for row in rows) if rows else set()
    if fmt == "json":
        listed = [{**row.as_json(), "recovered": row.id in recovered} for row in rows]
        click.echo(json.dumps(listed, indent=2))
        return
    if not rows:
        click.echo("no deliveries")
    for row in rows:
        received = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(row.received_at))
        event = f"{row.event}.{row.action}" if row.action else row.event
        line = f"{received}  {row.id}  {event:<32} {row.state:<7} attempts={row.attempts}"
        if row.repo:
            line += f"  {row.repo}"
        if row.id in recovered:
            line += "  (recovered by catch-up)"
        click.echo(line)
        if row.last_error and row.state != "done":
            click.echo(f"    last error: {row.last_error.splitlines()[0][:200]}")


@main.command()
@click.argument("delivery_id")
def retry(delivery_id: str) -> None:
    """Requeue a dead (or waiting) delivery with a fresh set of attempts."""
    ledger = _ledger()
    requeued = ledger.requeue(delivery_id)
    if requeued is None:
        found = ledger.get(delivery_id)
        if found is None:
            raise click.ClickException(f"no delivery {delivery_id}")
        raise click.ClickException(
            f"delivery {delivery_id} is {found.state}; only dead or retry deliveries are requeued"
        )
    click.echo(f"requeued {delivery_id} ({requeued.event}); a running server picks it up shortly")


@main.command()
@click.argument("sha", required=False)
def rollback(sha: str | None) -> None:
    """Make an earlier release of the self-hosted site live (default: the one before)."""
    settings = _settings(serving=False)
    sites = SiteStore(settings.sites_dir, settings.keep_releases)
    before = sites.current()
    try:
        now_live = sites.rollback(sha)
    except SiteError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"live: {now_live} (was {before or 'nothing'})")


@main.command()
@click.option("--repo", default=None, help="Only this repository (owner/name).")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Judge freshness as of this date (default: today, UTC).",
)
def scan(repo: str | None, as_of: datetime | None) -> None:
    """Run the freshness scan once: one review-due issue per owner, edited in place."""
    from review_bot.review_due import scan_once

    settings = _settings(serving=False)
    _logging(settings, "WARNING", "%(levelname)s %(name)s: %(message)s")
    try:
        report = scan_once(settings, repo, as_of.date() if as_of else None)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    for result in report.results:
        click.echo(result.line())
    if not report.complete:
        click.echo("scan incomplete: resumes next time", err=True)
        raise SystemExit(3)


@main.command()
@click.option("--repo", required=True, help="The repository (owner/name).")
@click.option(
    "--content-dir",
    help="The content folder [default: the one the checkout in this folder names, as kennis reads "
    "it from .github/kennis.yml or mkdocs.yml].",
)
@click.option("--out", type=click.Path(path_type=Path), required=True, help="The reviews file.")
def reviews(repo: str, content_dir: str | None, out: Path) -> None:
    """Write the reviews given on knowledge pull requests (for a workflow's site build)."""
    from github import Auth, Github

    from kennis.files import write_atomic
    from kennis.kb import content_dir_of
    from kennis.reviews import reviews_json
    from kennis.tree import WorkTree
    from review_bot.credit import reviews_from_api

    if content_dir is None:
        content_dir = content_dir_of(WorkTree(Path.cwd()).read)

    settings = _settings(serving=False)
    if not settings.github_token:
        raise click.ClickException("set KENNIS_GITHUB_TOKEN (e.g. the workflow's GITHUB_TOKEN)")
    client = Github(auth=Auth.Token(settings.github_token), base_url=settings.github_api_url)
    rows = list(reviews_from_api(client.get_repo(repo), content_dir))
    write_atomic(out, reviews_json(rows))
    click.echo(f"{len(rows)} reviews of knowledge pull requests written to {out}")
