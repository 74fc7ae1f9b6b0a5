"""Payload shape checks, nesting depth and incremental signatures: what the bot accepts."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from review_bot import signature
from review_bot.app import nesting_depth, read_signed_body
from review_bot.payloads import problem

SHAPES: dict[str, tuple[dict[str, Any], str | None]] = {
    "github-pull-request": (
        {
            "action": "opened",
            "number": 3,
            "installation": {"id": 9},
            "repository": {"full_name": "acme/kb", "clone_url": "https://x/acme/kb.git"},
            "pull_request": {"number": 3, "draft": False, "head": {"sha": "a" * 40}},
            "sender": {"login": "al"},
        },
        None,
    ),
    "nulls-and-absent-fields": ({"issue": {"body": None}, "comment": None}, None),
    "installation-id-object": (
        {"installation": {"id": {"x": 1}}},
        "payload field installation.id is an object, expected a whole number",
    ),
    "full-name-list": (
        {"repository": {"full_name": ["acme", "kb"]}},
        "payload field repository.full_name is an array, expected a string",
    ),
    "changes-list": (
        {"action": "edited", "changes": ["body"]},
        "payload field changes is an array, expected an object",
    ),
    "changes-body-from-number": (
        {"changes": {"body": {"from": 1}}},
        "payload field changes.body.from is a whole number, expected a string",
    ),
    "number-true": (
        {"number": True},
        "payload field number is true or false, expected a whole number",
    ),
    "number-fraction": (
        {"number": 1.5},
        "payload field number is a fractional number, expected a whole number",
    ),
    "sender-string": ({"sender": "al"}, "payload field sender is a string, expected an object"),
}


@pytest.mark.parametrize("case", list(SHAPES), ids=list(SHAPES))
def test_payload_shape(case: str) -> None:
    payload, expected = SHAPES[case]
    assert problem(payload) == expected


DEPTHS = {
    "flat-object": (b'{"a": 1}', 1),
    "nested": (b'{"a": [1, {"b": []}]}', 4),
    "brackets-in-strings": (b'{"a": "[[[{{{", "b": "\\"[[["}', 1),
    "escaped-backslash-before-quote": (b'{"a": "\\\\", "b": [[1]]}', 3),
    "hundred-thousand-deep": (b"[" * 100_000 + b"]" * 100_000, 100_000),
    "unterminated-string": (b'[["abc', 2),
    "empty": (b"", 0),
}


@pytest.mark.parametrize("case", list(DEPTHS), ids=list(DEPTHS))
def test_nesting_depth_without_parsing(case: str) -> None:
    text, depth = DEPTHS[case]
    assert nesting_depth(text) == depth


def test_nesting_depth_agrees_with_the_parser_on_a_github_sized_payload() -> None:
    payload = {"pull_request": {"head": {"repo": {"owner": {"login": "[{al}]"}}}}, "list": [[[]]]}
    assert nesting_depth(json.dumps(payload).encode()) == 5


def test_an_hmac_fed_in_pieces_equals_the_one_shot_signature() -> None:
    body = bytes(range(256)) * 4099
    mac = signature.start(b"s3cret")
    for start in range(0, len(body), 65536):
        mac.update(body[start : start + 65536])
    assert signature.matches(mac, signature.sign(b"s3cret", body))
    assert not signature.matches(mac, signature.sign(b"other", body))


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_big_signed_body_comes_back_whole_after_spooling(chunked: bool) -> None:
    body = b'{"pad": "' + b"x" * 3_000_000 + b'"}'  # over the spool's in-memory size
    environ = {
        "CONTENT_LENGTH": "" if chunked else str(len(body)),
        "HTTP_X_HUB_SIGNATURE_256": signature.sign(b"k", body),
        "wsgi.input": io.BytesIO(body),
    }
    assert read_signed_body(environ, len(body), b"k") == body
