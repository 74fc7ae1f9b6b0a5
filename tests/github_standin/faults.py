"""Faults on demand: 5xx, secondary and primary rate limits, slow responses, per endpoint."""

from __future__ import annotations

import random
import re
import threading
import time
from dataclasses import dataclass

from .core import ApiError

SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID {request_id}."
)
SECONDARY_DOC = (
    "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"
)
PRIMARY_DOC = (
    "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-primary-rate-limits"
)
KINDS = ("5xx", "secondary_rate_limit", "primary_rate_limit", "slow")


@dataclass
class Fault:
    """One rule: which requests it hits (method + path regex) and how often."""

    method: str
    pattern: re.Pattern[str]
    kind: str
    count: int | None  # hit the next N matching requests
    share: float | None  # or hit this share of matching requests (seeded, reproducible)
    retry_after: int
    status: int
    delay: float
    hits: int = 0


class FaultPlan:
    """The stand-in's fault rules; `github.faults.add(...)` from tests."""

    def __init__(self, seed: int = 5) -> None:
        self._rules: list[Fault] = []
        self._lock = threading.Lock()
        self._random = random.Random(seed)

    def add(
        self,
        method: str,
        path_pattern: str,
        kind: str = "5xx",
        *,
        count: int | None = None,
        share: float | None = None,
        retry_after: int = 1,
        status: int | None = None,
        delay: float = 0.5,
    ) -> Fault:
        """Add a rule. `path_pattern` is a regex matched against the whole path (no query).

        With neither `count` nor `share` the rule hits once. `status` defaults to 502 for
        "5xx" and 403 for rate limits (use 429 for the primary limit's other form).
        """
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {KINDS}")
        if count is None and share is None:
            count = 1
        default = 502 if kind == "5xx" else 403
        rule = Fault(
            method.upper(),
            re.compile(path_pattern),
            kind,
            count,
            share,
            retry_after,
            status or default,
            delay,
        )
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def pick(self, method: str, path: str) -> Fault | None:
        """The rule that hits this request, if any (consumes one of its `count`)."""
        if not self._rules:
            return None
        with self._lock:
            for rule in self._rules:
                if rule.method not in ("*", method) or not rule.pattern.fullmatch(path):
                    continue
                if rule.count is not None and rule.hits >= rule.count:
                    continue
                if rule.share is not None and self._random.random() >= rule.share:
                    continue
                rule.hits += 1
                return rule
        return None


def apply(rule: Fault, request_id: str) -> None:
    """Act out a fault: sleep for "slow", else raise the error response GitHub would send."""
    if rule.kind == "slow":
        time.sleep(rule.delay)
        return
    if rule.kind == "5xx":
        raise ApiError(rule.status, "Server Error")
    if rule.kind == "secondary_rate_limit":
        raise ApiError(
            rule.status,
            SECONDARY_MESSAGE.format(request_id=request_id),
            doc=SECONDARY_DOC,
            headers={"Retry-After": str(rule.retry_after)},
        )
    reset = int(time.time()) + rule.retry_after
    raise ApiError(
        rule.status,
        "API rate limit exceeded for installation. If you reach out to GitHub Support for help, "
        f"please include the request ID {request_id}.",
        doc=PRIMARY_DOC,
        headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)},
    )
