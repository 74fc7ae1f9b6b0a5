"""Worker threads that take deliveries from the ledger and run the registered handlers."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from review_bot import payloads
from review_bot.github_client import GitHubApp, rate_limit_of
from review_bot.ledger import Claim, DeliveryLedger
from review_bot.routing import DeliveryContext, Router
from review_bot.settings import Settings

log = logging.getLogger(__name__)

IDLE_POLL = 1.0  # seconds between ledger checks when nothing wakes the workers
CHECKPOINT_EVERY = 200  # deliveries between WAL checkpoints when the queue never empties
PRUNE_EVERY = 3600.0  # seconds between removals of long-finished deliveries
GIVE_WAY = 0.05  # at most this long a worker waits for webhook acknowledgements to finish
GIVE_WAY_POLL = 0.005  # how often it looks meanwhile (each look takes the interpreter lock)


class WorkerPool:
    """N threads processing the ledger; `wake()` makes an idle worker look immediately."""

    def __init__(
        self,
        ledger: DeliveryLedger,
        router: Router,
        *,
        workers: int,
        mirrors_root: Path,
        app: GitHubApp | None = None,
        max_attempts: int = 6,
        retry_base: float = 30.0,
        lease_seconds: float = 600.0,
        keep_seconds: float = 30 * 86400.0,
        busy: Callable[[], bool] | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.ledger = ledger
        self.settings = settings  # handed to every delivery's context
        self.router = router
        self.size = workers
        self.mirrors_root = mirrors_root
        self.app = app
        self.max_attempts = max_attempts
        self.retry_base = retry_base
        self.lease_seconds = lease_seconds
        self.keep_seconds = keep_seconds
        self.busy = busy or (lambda: False)
        self._pruned_at = 0.0
        self._prune_lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._leases = LeaseKeeper(ledger, lease_seconds)

    def start(self) -> None:
        for n in range(self.size):
            thread = threading.Thread(target=self._run, name=f"kennis-worker-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> int:
        """Take no new delivery; wait up to *timeout* seconds in all for the current ones.

        Returns how many workers were still busy then: their deliveries resume (or are taken
        over when their lease ends) at the next start, the rest never left the queue.
        """
        self._stop.set()
        self._wake.set()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        busy = sum(thread.is_alive() for thread in self._threads)
        if not busy:
            self._leases.stop()  # a delivery still running keeps its lease until the process ends
        return busy

    def _run(self) -> None:
        try:
            since_checkpoint = 0
            while not self._stop.is_set():
                self._wake.clear()
                busy = self.run_once()
                since_checkpoint += busy
                if since_checkpoint and (not busy or since_checkpoint >= CHECKPOINT_EVERY):
                    self.ledger.checkpoint()
                    since_checkpoint = 0
                if not busy:
                    self.prune_if_due()
                if not busy:
                    due = self.ledger.seconds_until_due()
                    self._wake.wait(IDLE_POLL if due is None else min(IDLE_POLL, due))
        finally:
            self.ledger.close()

    def prune_if_due(self, now: float | None = None) -> None:
        """While idle, at most hourly: drop deliveries finished more than ``keep_seconds`` ago."""
        now = time.time() if now is None else now
        with self._prune_lock:
            if now - self._pruned_at < PRUNE_EVERY:
                return
            self._pruned_at = now
        try:
            removed = self.ledger.prune(self.keep_seconds, now)
        except Exception:
            log.exception("could not prune the delivery ledger")
            return
        if removed:
            log.info(
                "forgot %d deliveries finished over %.0f days ago",
                removed,
                self.keep_seconds / 86400,
            )

    def run_once(self) -> bool:
        """Process one due delivery; False when none was due."""
        # Acknowledging webhooks fast matters more than starting the next delivery a few ms
        # early: GitHub waits for the 202, the queue is durable (one interpreter, one GIL).
        deadline = time.monotonic() + GIVE_WAY
        while self.busy() and time.monotonic() < deadline:
            time.sleep(GIVE_WAY_POLL)
        if self._stop.is_set():
            return False  # stopping: what is not claimed yet stays queued
        try:
            claim = self.ledger.claim(self.lease_seconds, max_attempts=self.max_attempts)
        except Exception:
            log.exception("could not read the delivery ledger")
            self._stop.wait(IDLE_POLL)
            return False
        if claim is None:
            return False
        self.process(claim)
        return True

    def process(self, claim: Claim) -> None:
        """Run every handler for the delivery; record done, retry, postponement or dead."""
        self._leases.hold(claim)
        try:
            self._handle(claim)
        finally:
            self._leases.release(claim)

    def _handle(self, claim: Claim) -> None:
        d = claim.delivery
        shape = payloads.problem(claim.payload)
        if shape is not None:  # no attempt can succeed: settle now, with the reason
            self.ledger.bury(claim, shape)
            log.error("delivery %s (%s) is dead: %s", d.id, d.event, shape)
            return
        try:
            ctx = DeliveryContext(
                delivery_id=d.id,
                event=d.event,
                payload=claim.payload,
                attempt=d.attempts,
                app=self.app,
                mirrors_root=self.mirrors_root,
                settings=self.settings,
                ledger_path=self.ledger.path,
                ledger=self.ledger,
            )
            for handler in self.router.handlers_for(d.event, d.action):
                handler(ctx)
        except Exception as exc:  # the one place that catches everything: record it for retry
            self._record_failure(claim, exc)
        else:
            self.ledger.finish(claim)
            log.info("delivery %s (%s.%s) done", d.id, d.event, d.action or "-")

    def _record_failure(self, claim: Claim, exc: Exception) -> None:
        d = claim.delivery
        summary = f"{type(exc).__name__}: {exc}"
        limited = rate_limit_of(exc)
        if limited is not None:
            log.warning("delivery %s postponed: %s", d.id, limited)
            self.ledger.postpone(claim, limited.reset_at, str(limited))
            return
        log.exception(
            "delivery %s (%s.%s) failed on attempt %d", d.id, d.event, d.action or "-", d.attempts
        )
        state = self.ledger.fail(
            claim, summary, max_attempts=self.max_attempts, base=self.retry_base
        )
        if state == "dead":
            log.error("delivery %s is dead after %d attempts", d.id, d.attempts)


class LeaseKeeper:
    """One thread renewing the lease of every delivery in progress (not one per delivery).

    A long build is never taken over mid-way; a short report pays for no thread of its own.
    """

    def __init__(self, ledger: DeliveryLedger, lease_seconds: float) -> None:
        self.ledger = ledger
        self.lease_seconds = lease_seconds
        self._held: dict[int, Claim] = {}
        self._guard = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def hold(self, claim: Claim) -> None:
        with self._guard:
            self._held[id(claim)] = claim
            if self._thread is None and not self._stop.is_set():
                self._thread = threading.Thread(target=self._run, name="kennis-leases", daemon=True)
                self._thread.start()

    def release(self, claim: Claim) -> None:
        with self._guard:
            self._held.pop(id(claim), None)

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.lease_seconds / 3):
                with self._guard:
                    held = list(self._held.values())
                for claim in held:
                    try:
                        if not self.ledger.renew(claim, self.lease_seconds):
                            self.release(claim)  # taken over: its worker finds out on finishing
                    except Exception:
                        log.exception("could not renew the lease of delivery %s", claim.delivery.id)
        finally:
            self.ledger.close()  # this thread's own connection
