"""The core's one git runner: errors name the command and hide secrets; git is never redirected."""

from __future__ import annotations

from pathlib import Path

import pytest

from kennis.gitrev import GitError, git_env, run_git
from tests.gitrepo import GitRepo


def test_run_git_returns_stdout_and_takes_input(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "kb")
    repo.write("a.md", "hello\n")
    sha = repo.commit("Start", date="2026-01-01T10:00:00+00:00")
    out = run_git(["cat-file", "--batch-check"], repo.root, git_env(), input=f"{sha}\n".encode())
    assert out.decode().startswith(f"{sha} commit ")


def test_a_failure_names_the_command_past_global_options_and_is_redacted(tmp_path: Path) -> None:
    GitRepo(tmp_path / "kb")
    with pytest.raises(GitError) as raised:
        run_git(
            ["-c", "http.extraHeader=Authorization: secret-token", "cat-file", "-p", "nope"],
            tmp_path / "kb",
            git_env(),
            redact=lambda text: text.replace("nope", "<redacted>"),
        )
    message = str(raised.value)
    assert message.startswith("git cat-file failed (128)")
    assert "nope" not in message and "<redacted>" in message


def test_git_env_drops_redirections_and_never_prompts() -> None:
    env = git_env({"PATH": "/usr/bin", "GIT_DIR": "/elsewhere", "GIT_INDEX_FILE": "/tmp/i"})
    assert env == {
        "PATH": "/usr/bin",
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_CONFIG_NOSYSTEM": "1",
        "LC_ALL": "C",
    }
