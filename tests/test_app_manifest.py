"""The App manifest asks for exactly the events the bot handles and no more permissions than it uses."""

from pathlib import Path

import yaml

from review_bot.routing import BUILTIN_CONCERNS, load_concerns, router

MANIFEST = yaml.safe_load((Path(__file__).resolve().parent.parent / "app.yml").read_text())


def handled_events() -> set[str]:
    load_concerns(BUILTIN_CONCERNS)
    return {
        event for event, _action, _handler in router.routes() if not event.startswith("kennis_")
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
