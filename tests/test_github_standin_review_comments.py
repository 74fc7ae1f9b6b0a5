"""The stand-in's create-review with line comments answers like GitHub: stored, or a 422."""

from __future__ import annotations

from pathlib import Path

import pytest
from github import GithubException

from tests.github_standin.clients import installation_client
from tests.github_standin.fixtures import AppKey
from tests.github_standin.server import GitHubStandIn
from tests.gitrepo import GitRepo

LONG = "".join(f"line {n}\n" for n in range(1, 31))


@pytest.fixture
def pr(github: GitHubStandIn, app_key: AppKey, tmp_path: Path):  # type: ignore[no-untyped-def]
    git = GitRepo(tmp_path / "kb")
    git.write("content/a.md", LONG).commit("start")
    git.git("checkout", "-q", "-b", "edit")
    git.write("content/a.md", LONG.replace("line 20\n", "line twenty\n")).commit("edit")
    github.add_repo("acme/kb", clone_url=f"file://{git.root}")
    github.add_pr("acme/kb", head_ref="edit", base_ref="main", author="zed")
    return installation_client(github, app_key).get_repo("acme/kb").get_pull(1)


def test_comments_on_diff_lines_are_stored_with_the_review(pr, github: GitHubStandIn) -> None:  # type: ignore[no-untyped-def]
    pr.create_review(
        body="fixes",
        event="COMMENT",
        comments=[
            {"path": "content/a.md", "line": 20, "side": "RIGHT", "body": "```suggestion\nx\n```"}
        ],
    )
    [review] = github.pull("acme/kb", 1).reviews
    assert review.comments == [
        {"path": "content/a.md", "line": 20, "side": "RIGHT", "body": "```suggestion\nx\n```"}
    ]


@pytest.mark.parametrize(
    ("comment", "error"),
    [
        (
            {"path": "content/a.md", "line": 2, "side": "RIGHT", "body": "x"},
            "Line could not be resolved",
        ),
        (
            {"path": "content/b.md", "line": 20, "side": "RIGHT", "body": "x"},
            "Path could not be resolved",
        ),
        ({"path": "content/a.md", "line": 20, "side": "RIGHT", "body": ""}, "Body can't be blank"),
    ],
    ids=["line outside the diff", "file not in the pull request", "empty body"],
)
def test_a_comment_github_cannot_place_is_a_422_and_nothing_is_stored(  # type: ignore[no-untyped-def]
    pr, github: GitHubStandIn, comment, error
) -> None:
    with pytest.raises(GithubException) as refused:
        pr.create_review(body="fixes", event="COMMENT", comments=[comment])
    assert refused.value.status == 422
    assert refused.value.data["errors"] == [error]
    assert github.pull("acme/kb", 1).reviews == []
