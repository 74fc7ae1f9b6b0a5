"""Pytest fixtures: `app_key`, `github` (a fresh stand-in per test) and `webhook_sender`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .server import GitHubStandIn
from .webhooks import WebhookSender

APP_ID = 424242
WEBHOOK_SECRET = "stand-in webhook secret"


@dataclass(frozen=True)
class AppKey:
    """The test App's identity: id, private key (PEM, for `Auth.AppAuth`) and public key."""

    app_id: int
    private_key_pem: str
    public_key_pem: str


def make_app_key(app_id: int = APP_ID) -> AppKey:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return AppKey(app_id, private, public)


@pytest.fixture(scope="session")
def app_key() -> AppKey:
    """One RSA key per session: generating 2048-bit keys costs ~50-100 ms each."""
    return make_app_key()


@pytest.fixture
def github(app_key: AppKey) -> Iterator[GitHubStandIn]:
    """A running GitHub stand-in with empty state; `github.base_url` goes to PyGithub."""
    with GitHubStandIn(app_key.app_id, app_key.public_key_pem) as standin:
        yield standin


@pytest.fixture
def webhook_sender(github: GitHubStandIn) -> Callable[..., WebhookSender]:
    """Factory: `webhook_sender(url, secret=...)` gives a sender that builds payloads from
    the stand-in's state, signs them and POSTs them to `url`."""

    def make(url: str, secret: str = WEBHOOK_SECRET) -> WebhookSender:
        return WebhookSender(url, secret, github)

    return make
