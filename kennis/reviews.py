"""The credit file: reviews of knowledge pull requests and resolved reader feedback, per person.

Written by the App from the ``pull_request_review`` events it records and the reader feedback it
closes, or (reviews only) by ``kennis-bot reviews`` from the API when the workflow builds the
site; read by the contributors plugin (option ``reviews``). Version 1::

    {"version": 1,
     "reviews": [{"login": "bob", "pull": 12, "state": "approved",
                  "submitted_at": "2026-03-01T10:00:00Z"}],
     "feedback_resolved": [{"login": "alice", "issue": 31, "page": "content/a.md",
                            "resolved_at": "2026-03-02T09:00:00Z"}]}

A person's review count is the number of distinct pull requests they reviewed; their feedback
count the number of distinct feedback issues their confirmation or edit closed. A file without
``feedback_resolved`` (older, or from the API) credits no feedback.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

REVIEWS_VERSION = 1
_FIELDS = {
    "reviews": ("login", "pull", "state", "submitted_at"),
    "feedback_resolved": ("login", "issue", "page", "resolved_at"),
}
_NUMBER = {"reviews": "pull", "feedback_resolved": "issue"}


class ReviewsError(ValueError):
    """A reviews file that cannot be read; the message names the file and the field."""


def reviews_json(
    reviews: Iterable[Mapping[str, object]], resolved: Iterable[Mapping[str, object]] = ()
) -> str:
    """The file's text for review records and resolved-feedback records, each sorted."""
    data: dict[str, Any] = {"version": REVIEWS_VERSION}
    for key, rows in (("reviews", reviews), ("feedback_resolved", resolved)):
        fields, number = _FIELDS[key], _NUMBER[key]
        data[key] = sorted(
            ({k: r.get(k) for k in fields} for r in rows),
            key=lambda r: (str(r["login"]).lower(), int(str(r[number])), str(r[fields[-1]])),
        )
    if not data["feedback_resolved"]:
        del data["feedback_resolved"]  # the file as it was before feedback credit
    return json.dumps(data, indent=1) + "\n"


def read_reviews(raw: bytes, where: str) -> dict[str, int]:
    """Distinct pull requests reviewed per login (lower-case)."""
    return _counts(raw, where, "reviews")


def read_resolved(raw: bytes, where: str) -> dict[str, int]:
    """Distinct feedback issues resolved per login (lower-case); {} in a file without any."""
    return _counts(raw, where, "feedback_resolved")


def read_rows(raw: bytes, where: str) -> dict[str, list[Any]]:
    """Both lists of records as they are in the file (for adding to it)."""
    data = _load(raw, where)
    return {key: list(data.get(key) or []) for key in _FIELDS}


def _load(raw: bytes, where: str) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise ReviewsError(f"{where}: not a reviews file: {error}") from None
    if not isinstance(data, dict) or data.get("version") != REVIEWS_VERSION:
        raise ReviewsError(f"{where}: not a version {REVIEWS_VERSION} reviews file")
    return data


def _counts(raw: bytes, where: str, key: str) -> dict[str, int]:
    data = _load(raw, where)
    rows = data.get(key, [] if key == "feedback_resolved" else None)
    if not isinstance(rows, list):
        raise ReviewsError(f'{where}: "{key}" must be a list')
    number = _NUMBER[key]
    seen: dict[str, set[int]] = {}
    for i, row in enumerate(rows):
        login = row.get("login") if isinstance(row, dict) else None
        value = row.get(number) if isinstance(row, dict) else None
        if not isinstance(login, str) or not isinstance(value, int) or isinstance(value, bool):
            raise ReviewsError(f"{where}: {key}[{i}] needs a login and a {number} number")
        seen.setdefault(login.lower(), set()).add(value)
    return {login: len(numbers) for login, numbers in sorted(seen.items())}
