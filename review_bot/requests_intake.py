"""``POST /requests``: a reader without a GitHub account asks for a page; answered 202.

The same protections as ``POST /feedback`` (review_bot/public.py: 8 KB bodies, a per-client
rate limit, CORS for the site's origins only, plain reader text). The request is in the ledger
(a ``kennis_request`` delivery) before the 202; a worker files it as the same issue the form
makes (`review_bot.requests.on_public_request`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from kennis.requests import RequestForm
from review_bot.ledger import DeliveryLedger
from review_bot.public import (
    Environ,
    Intake,
    PublicError,
    StartResponse,
    intake_from_settings,
    new_id,
    respond,
)
from review_bot.public import reader_text as plain
from review_bot.settings import Settings

REQUEST_EVENT = "kennis_request"
MAX_NEED = 2000
MAX_FIELD = 1000
_SECTION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_./-]{0,199}$")


def parse_request(body: dict[str, Any]) -> RequestForm:
    """The four fields from the JSON body, plain text; a 400 naming the field that is wrong."""
    need = plain(body.get("need"), "need", MAX_NEED)
    if not need:
        raise PublicError("400 Bad Request", "need must say what you need to know")
    section = plain(body.get("section"), "section", 200).strip("/")
    if section and (not _SECTION.match(section) or ".." in section.split("/")):
        raise PublicError("400 Bad Request", "section must be a folder name, e.g. operations")
    return RequestForm(
        need,
        plain(body.get("purpose"), "purpose", MAX_FIELD),
        section,
        plain(body.get("who"), "who", MAX_FIELD),
    )


class RequestsEndpoint:
    """``OPTIONS`` and ``POST /requests`` for the one site repository (``KENNIS_SITE_REPO``)."""

    def __init__(
        self, settings: Settings, ledger: DeliveryLedger, on_recorded: Callable[[], None]
    ) -> None:
        self.settings = settings
        self.ledger = ledger
        self.on_recorded = on_recorded
        self.intake: Intake = intake_from_settings(settings)

    def __call__(self, environ: Environ, start: StartResponse) -> list[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if method == "OPTIONS":
            return self.intake.preflight(environ, start)
        cors = self.intake.cors(environ)
        try:
            if method != "POST":
                raise PublicError("405 Method Not Allowed", "use POST")
            if not self.settings.site_repo:
                raise PublicError("404 Not Found", "requests are not enabled (no KENNIS_SITE_REPO)")
            answer = self.accept(environ)
        except PublicError as refused:
            headers = cors + refused.headers
            return respond(start, refused.status, {"error": refused.message}, headers)
        return respond(start, "202 Accepted", answer, cors)

    def accept(self, environ: Environ) -> dict[str, Any]:
        form = parse_request(self.intake.admit(environ))
        request_id = new_id("request")
        payload = {
            "repository": {"full_name": self.settings.site_repo},
            "request": {
                "id": request_id,
                "need": form.need,
                "purpose": form.purpose,
                "section": form.section,
                "who": form.who,
                "identity": self.intake.identity(environ),
            },
        }
        raw = json.dumps(payload, separators=(",", ":")).encode()
        self.ledger.record(request_id, REQUEST_EVENT, raw, payload)
        self.on_recorded()
        return {"id": request_id, "message": "Thanks — your request is filed; experts are asked."}
