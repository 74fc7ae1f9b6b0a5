"""Graceful stop: SIGTERM closes the listening socket, answers requests in flight, then ends."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from types import FrameType
from typing import Any

from waitress import wasyncore
from waitress.channel import HTTPChannel

log = logging.getLogger(__name__)

POLL = 0.05  # seconds between looks at the connections while stopping


class GracefulStop:
    """Signal handling for ``kennis-bot serve`` on waitress.

    The first SIGTERM (or SIGINT) stops accepting connections; the server keeps reading and
    answering requests already on their way until none is left or *grace* seconds pass, then
    its loop ends. A second signal ends it at once. `remaining` tells the workers how long
    they still have to finish their current delivery.
    """

    def __init__(self, server: Any, grace: float) -> None:
        self.server = server
        self.grace = grace
        self.deadline: float | None = None

    def install(self) -> None:
        signal.signal(signal.SIGTERM, self._on_stop)
        signal.signal(signal.SIGINT, self._on_stop)
        signal.signal(signal.SIGALRM, self._exit)

    def remaining(self) -> float:
        if self.deadline is None:
            return self.grace
        return max(0.0, self.deadline - time.monotonic())

    def _on_stop(self, signum: int, _frame: FrameType | None) -> None:
        if self.deadline is not None:
            raise SystemExit(0)  # asked twice: stop now
        self.deadline = time.monotonic() + self.grace
        log.info("kennis-bot stopping: no new connections, answering requests in flight")
        for listener in self._listeners():
            wasyncore.dispatcher.close(listener)  # not the server's close: keep its trigger
        threading.Thread(target=self._watch, name="kennis-stop", daemon=True).start()

    def _listeners(self) -> list[Any]:
        servers = getattr(self.server, "map", None)
        if isinstance(servers, dict):  # several addresses: a MultiSocketServer
            return [s for s in servers.values() if not isinstance(s, HTTPChannel)]
        return [self.server]

    def _busy(self) -> bool:
        table = getattr(self.server, "_map", None) or getattr(self.server, "map", {})
        for channel in list(table.values()):
            if isinstance(channel, HTTPChannel) and (
                channel.requests or channel.request is not None or channel.total_outbufs_len
            ):
                return True
        return False

    def _watch(self) -> None:
        # Idle keep-alive connections do not count: only a request being read, run or answered.
        while self.remaining() > 0 and self._busy():
            time.sleep(POLL)
        os.kill(os.getpid(), signal.SIGALRM)  # wakes the server's loop in the main thread

    def _exit(self, signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(0)  # waitress' loop catches it and shuts its task threads down
