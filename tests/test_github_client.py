"""The App's GitHub client against the stand-in: what it asks GitHub once and then remembers."""

from __future__ import annotations

from review_bot.github_client import GitHubApp
from tests.github_standin.clients import seed_acme_kb
from tests.github_standin.fixtures import AppKey
from tests.github_standin.server import GitHubStandIn


def test_a_repositorys_installation_is_asked_once_then_remembered(
    github: GitHubStandIn, app_key: AppKey
) -> None:
    seed_acme_kb(github)
    app = GitHubApp(str(app_key.app_id), app_key.private_key_pem, github.base_url)
    asked = lambda: len(github.requests_to("GET", r"/repos/acme/kb/installation"))  # noqa: E731
    first = app.installation_for("acme/kb")
    assert [app.installation_for("acme/kb"), app.installation_for("ACME/KB")] == [first, first]
    assert asked() == 1  # one App-JWT call per repository, not one per report or delivery
    app.forget(first)  # e.g. its token was refused: ask again
    assert app.installation_for("acme/kb") == first and asked() == 2
