"""What every ledger backend shares: the delivery row, a claim, backoff and payload helpers."""

from __future__ import annotations

import json
import random
import time
from dataclasses import asdict, dataclass
from typing import Any

STATES = ("queued", "running", "done", "retry", "dead")
MAX_BACKOFF = 3600.0
ERROR_LIMIT = 2000
#: The columns of a delivery row, in `Delivery`'s order.
COLUMNS = (
    "id, event, action, installation_id, repo, state, attempts, next_attempt_at,"
    " last_error, received_at, updated_at"
)


@dataclass(frozen=True)
class Delivery:
    """One row of the ledger, without its payload (see `Claim` for the payload)."""

    id: str
    event: str
    action: str | None
    installation_id: int | None
    repo: str | None
    state: str
    attempts: int
    next_attempt_at: float
    last_error: str | None
    received_at: float
    updated_at: float

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("next_attempt_at", "received_at", "updated_at"):
            data[key] = _iso(data[key])
        return data


@dataclass(frozen=True)
class Claim:
    """A delivery leased to one worker: its identity, payload and which attempt this is."""

    delivery: Delivery
    payload: dict[str, Any]

    @property
    def id(self) -> str:
        return self.delivery.id


def backoff(attempt: int, base: float, rng: random.Random | None = None) -> float:
    """Seconds to wait after failed attempt number *attempt* (1-based): exponential with jitter."""
    jitter = 1.0 + 0.25 * (rng or random).random()
    return min(MAX_BACKOFF, base * (2 ** max(0, attempt - 1)) * jitter)


def field_of(payload: dict[str, Any], kind: type, *keys: str) -> Any:
    """``payload[k1][k2]…`` when every step is an object and the value is a *kind* (not a bool)."""
    value: Any = payload
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, kind) and not isinstance(value, bool) else None


def decode_payload(raw: bytes) -> dict[str, Any] | str:
    """The stored payload as an object, or why it is not one."""
    try:
        payload = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return (
        payload if isinstance(payload, dict) else f"a JSON {type(payload).__name__}, not an object"
    )


def _iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))
