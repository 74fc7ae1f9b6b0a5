"""The public endpoints' intake: body size, rate limit, CORS, reader text, identity header."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from review_bot.public import (
    MAX_PUBLIC_BODY,
    PublicError,
    RateLimiter,
    make_intake,
    origin_of,
    read_json,
    reader_text,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def environ(body: bytes = b"{}", **extra: Any) -> dict[str, Any]:
    env: dict[str, Any] = {
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
        "REMOTE_ADDR": "192.0.2.7",
    }
    env.update(extra)
    return env


def test_body_over_8kb_is_413_without_reading_it() -> None:
    stream = io.BytesIO(b"x" * (MAX_PUBLIC_BODY + 1))
    with pytest.raises(PublicError) as caught:
        read_json({"wsgi.input": stream, "CONTENT_LENGTH": str(MAX_PUBLIC_BODY + 1)})
    assert caught.value.status.startswith("413")
    assert stream.tell() == 0


def test_chunked_body_over_the_limit_is_413() -> None:
    stream = io.BytesIO(b'{"a": "' + b"x" * MAX_PUBLIC_BODY + b'"}')
    with pytest.raises(PublicError) as caught:
        read_json({"wsgi.input": stream, "CONTENT_LENGTH": ""})
    assert caught.value.status.startswith("413")


@pytest.mark.parametrize(
    "body", [b"not json", b"[1, 2]", b'"text"', b"[" * 5000], ids=["garbage", "list", "str", "deep"]
)
def test_bad_json_is_400(body: bytes) -> None:
    with pytest.raises(PublicError) as caught:
        read_json(environ(body))
    assert caught.value.status.startswith("400")


def test_json_object_is_returned() -> None:
    assert read_json(environ(json.dumps({"page": "a.md"}).encode())) == {"page": "a.md"}


def test_rate_limit_holds_per_client_and_says_when_to_retry() -> None:
    clock = Clock()
    limiter = RateLimiter(3, 600, clock)
    assert [limiter.check("a").allowed for _ in range(4)] == [True, True, True, False]
    refused = limiter.check("a")
    assert refused.retry_after == 600
    assert limiter.check("b").allowed  # another client is not affected
    clock.now += 300
    assert limiter.check("a").retry_after == 300
    clock.now += 300
    assert limiter.check("a").allowed


def test_no_address_is_remembered_beyond_the_window() -> None:
    clock = Clock()
    limiter = RateLimiter(5, 60, clock)
    limiter.check("198.51.100.1")
    limiter.check("198.51.100.2")
    assert len(limiter) == 2
    assert all(b"198.51" not in key for key in limiter._hits)  # hashed, never the address
    clock.now += 61
    assert len(limiter) == 0


def test_admit_turns_the_limit_into_429_with_retry_after() -> None:
    intake = make_intake("https://kb.example.com/", (), limit=1, window=600)
    intake.admit(environ())
    with pytest.raises(PublicError) as caught:
        intake.admit(environ())
    assert caught.value.status.startswith("429")
    assert dict(caught.value.headers)["Retry-After"] == "600"


@pytest.mark.parametrize(
    ("origin", "granted"),
    [
        ("https://kb.example.com", True),
        ("https://KB.example.com", True),
        ("https://docs.example.org", True),
        ("https://evil.example.net", False),
        ("http://kb.example.com", False),
        ("null", False),
        ("", False),
    ],
    ids=["site", "site-case", "extra", "other", "http", "null", "none"],
)
def test_cors_grants_only_configured_origins(origin: str, granted: bool) -> None:
    intake = make_intake(
        "https://kb.example.com/handbook/", ["https://docs.example.org"], limit=5, window=60
    )
    headers = dict(intake.cors(environ(HTTP_ORIGIN=origin)))
    assert ("Access-Control-Allow-Origin" in headers) is granted
    assert "Access-Control-Allow-Credentials" not in headers
    if granted:
        assert headers["Access-Control-Allow-Origin"] == origin


def test_preflight_names_methods_only_for_an_allowed_origin() -> None:
    intake = make_intake("https://kb.example.com/", (), limit=5, window=60)
    seen: list[Any] = []
    intake.preflight(
        environ(HTTP_ORIGIN="https://kb.example.com"), lambda s, h: seen.append((s, h))
    )
    intake.preflight(environ(HTTP_ORIGIN="https://evil.example"), lambda s, h: seen.append((s, h)))
    (ok_status, ok_headers), (_, bad_headers) = seen
    assert ok_status.startswith("204")
    assert dict(ok_headers)["Access-Control-Allow-Methods"] == "POST, OPTIONS"
    assert "Access-Control-Allow-Methods" not in dict(bad_headers)
    assert all(name.lower() != "set-cookie" for name, _ in ok_headers + bad_headers)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("plain", "plain"),
        ("two\r\nlines", "two\nlines"),
        ("@\u200deveryone", "@everyone"),  # a joiner cannot hide a mention from the neutraliser
        ("right\u202eleft", "rightleft"),
        ("  padded  ", "padded"),
        (None, ""),
    ],
    ids=["plain", "crlf", "zwj", "bidi", "padded", "none"],
)
def test_reader_text_is_plain(raw: str | None, expected: str) -> None:
    assert reader_text(raw, "comment", 2000) == expected


@pytest.mark.parametrize("raw", [5, ["x"], "x" * 2001], ids=["number", "list", "long"])
def test_reader_text_refuses_other_shapes_with_400(raw: object) -> None:
    with pytest.raises(PublicError) as caught:
        reader_text(raw, "comment", 2000)
    assert caught.value.status.startswith("400")
    assert "comment" in caught.value.message


def test_identity_header_only_when_configured() -> None:
    env = environ(HTTP_X_FORWARDED_USER="sam.okafor@example.com")
    assert make_intake(None, (), limit=1, window=1).identity(env) is None
    named = make_intake(None, (), limit=1, window=1, identity_header="X-Forwarded-User")
    assert named.identity(env) == "sam.okafor@example.com"


def test_origin_of() -> None:
    assert origin_of("https://kb.example.com/docs/") == "https://kb.example.com"
    assert origin_of("http://127.0.0.1:8080/") == "http://127.0.0.1:8080"
