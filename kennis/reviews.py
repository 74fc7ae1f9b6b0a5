"""The reviews file: who reviewed which knowledge pull request, for credit on the Contributors page.

Written by the App from the ``pull_request_review`` events it records, or by
``kennis-bot reviews`` from the API when the workflow builds the site; read by the contributors
plugin (option ``reviews``). Version 1::

    {"version": 1, "reviews": [{"login": "bob", "pull": 12, "state": "approved",
                                "submitted_at": "2026-03-01T10:00:00Z"}]}

A person's count is the number of distinct pull requests they reviewed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

REVIEWS_VERSION = 1


class ReviewsError(ValueError):
    """A reviews file that cannot be read; the message names the file and the field."""


def reviews_json(reviews: Iterable[Mapping[str, object]]) -> str:
    """The file's text for review records (login, pull, state, submitted_at), sorted."""
    rows = sorted(
        ({k: r.get(k) for k in ("login", "pull", "state", "submitted_at")} for r in reviews),
        key=lambda r: (str(r["login"]).lower(), int(str(r["pull"])), str(r["submitted_at"])),
    )
    return json.dumps({"version": REVIEWS_VERSION, "reviews": rows}, indent=1) + "\n"


def read_reviews(raw: bytes, where: str) -> dict[str, int]:
    """Distinct pull requests reviewed per login (lower-case)."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise ReviewsError(f"{where}: not a reviews file: {error}") from None
    if not isinstance(data, dict) or data.get("version") != REVIEWS_VERSION:
        raise ReviewsError(f"{where}: not a version {REVIEWS_VERSION} reviews file")
    rows = data.get("reviews")
    if not isinstance(rows, list):
        raise ReviewsError(f'{where}: "reviews" must be a list')
    pulls: dict[str, set[int]] = {}
    for i, row in enumerate(rows):
        login = row.get("login") if isinstance(row, dict) else None
        pull = row.get("pull") if isinstance(row, dict) else None
        if not isinstance(login, str) or not isinstance(pull, int) or isinstance(pull, bool):
            raise ReviewsError(f"{where}: reviews[{i}] needs a login and a pull number")
        pulls.setdefault(login.lower(), set()).add(pull)
    return {login: len(numbers) for login, numbers in sorted(pulls.items())}
