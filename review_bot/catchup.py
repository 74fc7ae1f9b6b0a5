"""Catch-up: ask GitHub to redeliver webhook deliveries that failed or never reached the ledger.

GitHub never redelivers by itself. On start and every ``KENNIS_CATCHUP_EVERY`` the App lists
its recent deliveries (``GET /app/hook/deliveries``, cursor pagination, as the App), picks the
GUIDs that no attempt delivered and the ledger does not hold, and asks for one redelivery of
each (``POST /app/hook/deliveries/{id}/attempts``). The ledger remembers every request before
it is made, so no delivery is asked for twice, by this replica or another.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import requests

log = logging.getLogger(__name__)

PER_PAGE = 100
MAX_PAGES = 10  # the newest 1,000 attempts: GitHub keeps deliveries for a few days anyway
MAX_REQUESTS = 50  # redeliveries asked for in one run; the rest waits for the next run
TIMEOUT = 30.0
_NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')


class Redeliveries(Protocol):
    """What catch-up needs from the ledger."""

    def known(self, guids: Iterable[str]) -> set[str]: ...

    def mark_redelivery(self, guid: str, hook_id: int, now: float | None = None) -> bool: ...

    def forget_redelivery(self, guid: str) -> None: ...


class RateLimitedError(Exception):
    """GitHub asked us to slow down: stop this run, the next one continues."""


@dataclass
class Report:
    """What one run did."""

    listed: int = 0
    requested: list[str] = field(default_factory=list)  # GUIDs asked for again
    stopped: str | None = None  # why the run ended early (a rate limit, an error)


def missing(attempts: Iterable[dict[str, Any]], known: set[str]) -> dict[str, int]:
    """GUID -> the newest attempt's id, for deliveries no attempt delivered and we do not hold."""
    delivered: set[str] = set()
    newest: dict[str, int] = {}
    for attempt in attempts:
        guid, status = attempt.get("guid"), attempt.get("status_code")
        if not isinstance(guid, str) or not isinstance(attempt.get("id"), int):
            continue
        if isinstance(status, int) and 200 <= status < 300:
            delivered.add(guid)
        newest[guid] = max(newest.get(guid, 0), attempt["id"])
    return {g: i for g, i in newest.items() if g not in delivered and g not in known}


class CatchUp:
    """One App's catch-up against one ledger; `run_once` is one pass."""

    def __init__(
        self, base_url: str, jwt: Callable[[], str], ledger: Redeliveries, pause: float = 1.0
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.jwt = jwt
        self.ledger = ledger
        self.pause = pause  # between redelivery requests (GitHub asks a pause between writes)
        self.session = requests.Session()

    def _call(self, method: str, url: str, **params: Any) -> requests.Response:
        headers = {
            "Authorization": f"Bearer {self.jwt()}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        }
        response = self.session.request(
            method, url, headers=headers, params=params or None, timeout=TIMEOUT
        )
        limited = response.status_code == 429 or (
            response.status_code == 403 and response.headers.get("x-ratelimit-remaining") == "0"
        )
        if limited or "retry-after" in response.headers:
            raise RateLimitedError(f"GitHub rate limit ({response.status_code})")
        response.raise_for_status()
        return response

    def attempts(self) -> Iterator[dict[str, Any]]:
        url: str | None = f"{self.base_url}/app/hook/deliveries"
        params: dict[str, Any] = {"per_page": PER_PAGE}
        for _ in range(MAX_PAGES):
            if url is None:
                return
            response = self._call("GET", url, **params)
            items = response.json()
            if not isinstance(items, list):
                return
            yield from (item for item in items if isinstance(item, dict))
            found = _NEXT.search(response.headers.get("Link", ""))
            url, params = (found.group(1), {}) if found else (None, {})

    def run_once(self) -> Report:
        report = Report()
        try:
            listed = list(self.attempts())
            report.listed = len(listed)
            guids = {a["guid"] for a in listed if isinstance(a.get("guid"), str)}
            wanted = missing(listed, self.ledger.known(guids))
            for guid, hook_id in sorted(wanted.items(), key=lambda item: item[1]):
                if len(report.requested) >= MAX_REQUESTS:
                    report.stopped = f"at most {MAX_REQUESTS} redeliveries per run"
                    break
                if not self.ledger.mark_redelivery(guid, hook_id):
                    continue  # another replica (or an earlier run) asked already
                try:
                    self._call("POST", f"{self.base_url}/app/hook/deliveries/{hook_id}/attempts")
                except RateLimitedError:
                    self.ledger.forget_redelivery(guid)  # not taken: the next run asks again
                    raise
                report.requested.append(guid)
                time.sleep(self.pause)
        except RateLimitedError as exc:
            report.stopped = str(exc)
        except (requests.RequestException, ValueError) as exc:
            report.stopped = f"{type(exc).__name__}: {exc}"
        return report


def start_catchup(catchup: CatchUp, every: float, stop: threading.Event) -> threading.Thread:
    """Run catch-up now and then every *every* seconds on a daemon thread until *stop* is set."""

    def loop() -> None:
        while not stop.is_set():
            try:
                report = catchup.run_once()
            except Exception:  # the ledger failing must not end the loop
                log.exception("catch-up of missed deliveries failed")
            else:
                if report.requested or report.stopped:
                    log.info(
                        "catch-up: %d attempts listed, %d redeliveries asked for%s",
                        report.listed,
                        len(report.requested),
                        f" (stopped: {report.stopped})" if report.stopped else "",
                    )
            stop.wait(every)

    thread = threading.Thread(target=loop, name="kennis-catchup", daemon=True)
    thread.start()
    return thread
