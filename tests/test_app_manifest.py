"""The App manifest asks for exactly the events the bot handles and no more permissions than it uses."""

from pathlib import Path

import yaml

from review_bot.concerns import builtin_router

MANIFEST = yaml.safe_load((Path(__file__).resolve().parent.parent / "app.yml").read_text())


def handled_events() -> set[str]:
    return {
        event
        for event, _action, _handler in builtin_router().routes()
        if not event.startswith("kennis_")
    }


def test_manifest_subscribes_to_every_event_a_concern_handles_and_nothing_else():
    assert set(MANIFEST["default_events"]) == handled_events()


def test_manifest_permissions_are_the_least_the_bot_uses():
    assert MANIFEST["default_permissions"] == {
        "metadata": "read",
        "contents": "write",
        "pull_requests": "write",
        "issues": "write",
        "checks": "write",
        "deployments": "write",
        "members": "read",
    }
    assert MANIFEST["public"] is False
    assert MANIFEST["hook_attributes"]["url"].startswith("https://")
