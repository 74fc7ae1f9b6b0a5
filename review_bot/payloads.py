"""The shape a webhook payload must have before any handler sees it: the fields handlers read."""

from __future__ import annotations

from typing import Any

# Every field a handler reads, by dotted path, with the JSON type GitHub sends. A field may be
# absent or null (GitHub sends null for an empty body); any other type is a payload no handler
# can act on, so the delivery is settled dead with this reason instead of failing in a handler
# (or in the ledger) attempt after attempt.
FIELDS: dict[str, type] = {
    "action": str,
    "installation": dict,
    "installation.id": int,
    "repository": dict,
    "repository.full_name": str,
    "repository.clone_url": str,
    "repository.default_branch": str,
    "repository.master_branch": str,
    "sender": dict,
    "sender.login": str,
    "number": int,
    "ref": str,
    "after": str,
    "deleted": bool,
    "pull_request": dict,
    "pull_request.number": int,
    "pull_request.draft": bool,
    "pull_request.head": dict,
    "pull_request.head.sha": str,
    "pull_request.head.ref": str,
    "pull_request.base": dict,
    "pull_request.base.sha": str,
    "pull_request.base.ref": str,
    "issue": dict,
    "issue.number": int,
    "issue.title": str,
    "issue.body": str,
    "issue.user": dict,
    "issue.user.login": str,
    "issue.pull_request": dict,
    "comment": dict,
    "comment.id": int,
    "comment.body": str,
    "comment.user": dict,
    "comment.user.login": str,
    "changes": dict,
    "changes.body": dict,
    "changes.body.from": str,
    "requested_reviewer": dict,
    "requested_reviewer.login": str,
    "requested_team": dict,
    "requested_team.slug": str,
    "as_of": str,
    "repository_full_name": str,
}

_JSON_NAMES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "true or false",
    int: "a whole number",
    float: "a fractional number",
}


def _json_name(kind: type) -> str:
    return _JSON_NAMES.get(kind, "null")


def problem(payload: dict[str, Any]) -> str | None:
    """Why handlers cannot read *payload* (the first field of the wrong type), or None."""
    for path, kind in FIELDS.items():
        parent, _, key = path.rpartition(".")
        holder: Any = payload
        for step in parent.split(".") if parent else ():
            holder = holder.get(step) if isinstance(holder, dict) else None
        if not isinstance(holder, dict) or holder.get(key) is None:
            continue
        value = holder[key]
        # JSON true/false are Python bools, which are also ints: a number field refuses them.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            return f"payload field {path} is {_json_name(type(value))}, expected {_json_name(kind)}"
    return None
