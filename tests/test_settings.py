"""Settings are read and checked once: every bad value is a startup error naming its variable."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from review_bot.settings import ConfigError, Settings, data_dir_from_env
from tests.botproc import bot_command, bot_env

ROOT = Path(__file__).resolve().parent.parent
BASE = {"KENNIS_WEBHOOK_SECRET": "x"}


def test_a_relative_data_dir_is_made_absolute(tmp_path, monkeypatch):
    """Clones and builds run git in other folders; a relative data dir would point elsewhere."""
    monkeypatch.chdir(tmp_path)
    assert data_dir_from_env({"KENNIS_DATA_DIR": "state"}) == tmp_path / "state"
    assert data_dir_from_env({}) == tmp_path / ".kennis-bot"


BAD = {  # case: (variable, value, what the error says after "NAME='value' ")
    "deploy-yes": ("KENNIS_DEPLOY", "yes", "must be 1 (on), 0 or empty (off)"),
    "previews-true": ("KENNIS_PREVIEWS", "true", "must be 1 (on), 0 or empty (off)"),
    "site-url-without-scheme": ("KENNIS_SITE_URL", "kb.example.com", "is not a web address"),
    "site-url-ftp": ("KENNIS_SITE_URL", "ftp://kb.example.com/", "is not a web address"),
    "build-timeout-words": ("KENNIS_BUILD_TIMEOUT", "ten", "is not a number of seconds"),
    "build-timeout-zero": ("KENNIS_BUILD_TIMEOUT", "0", "must be more than zero seconds"),
    "keep-releases-zero": ("KENNIS_KEEP_RELEASES", "0", "must be at least 1"),
    "keep-releases-words": ("KENNIS_KEEP_RELEASES", "five", "is not a whole number"),
    "log-level-unknown": ("KENNIS_LOG_LEVEL", "loud", "must be one of DEBUG, INFO"),
    "scan-every-words": ("KENNIS_SCAN_EVERY", "often", "is not a period"),
    "ledger-sync-unknown": ("KENNIS_LEDGER_SYNC", "sometimes", "must be one of NORMAL, FULL"),
    "api-url-without-scheme": ("KENNIS_GITHUB_API_URL", "api.github.com", "is not a web address"),
    "connection-limit-tiny": ("KENNIS_CONNECTION_LIMIT", "5", "must be at least 10"),
    "channel-timeout-words": ("KENNIS_CHANNEL_TIMEOUT", "soon", "is not a whole number"),
    "channel-timeout-zero": ("KENNIS_CHANNEL_TIMEOUT", "0", "must be at least 1"),
    "feedback-origin-path": (
        "KENNIS_FEEDBACK_ORIGINS",
        "https://kb.example.com/docs",
        "is not an origin",
    ),
    "feedback-origin-scheme": ("KENNIS_FEEDBACK_ORIGINS", "kb.example.com", "is not an origin"),
    "feedback-header-spaces": (
        "KENNIS_FEEDBACK_IDENTITY_HEADER",
        "X User",
        "is not an HTTP header name",
    ),
    "feedback-limit-zero": ("KENNIS_FEEDBACK_LIMIT", "0", "must be at least 1"),
    "feedback-write-every-zero": ("KENNIS_FEEDBACK_WRITE_EVERY", "0", "must be more than zero"),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_a_bad_value_is_an_error_naming_the_variable(case: str) -> None:
    name, value, why = BAD[case]
    with pytest.raises(ConfigError, match=rf"^{name}=.*{re.escape(why)}"):
        Settings.from_env({**BASE, name: value})


GOOD = {  # case: (environment, attribute, expected value)
    "deploy-on": ({"KENNIS_DEPLOY": "1", "KENNIS_SITE_REPO": "acme/kb"}, "deploy", True),
    "deploy-off": ({"KENNIS_DEPLOY": "0"}, "deploy", False),
    "previews-empty": ({"KENNIS_PREVIEWS": ""}, "previews", False),
    "site-url-gets-a-slash": (
        {"KENNIS_SITE_URL": "https://kb.example.com"},
        "site_url",
        "https://kb.example.com/",
    ),
    "build-timeout": ({"KENNIS_BUILD_TIMEOUT": "60"}, "build_timeout", 60.0),
    "keep-releases": ({"KENNIS_KEEP_RELEASES": "2"}, "keep_releases", 2),
    "log-level-any-case": ({"KENNIS_LOG_LEVEL": "debug"}, "log_level", "DEBUG"),
    "log-level-default": ({}, "log_level", None),
    "connection-limit-default": ({}, "connection_limit", 1000),
    "channel-timeout": ({"KENNIS_CHANNEL_TIMEOUT": "3"}, "channel_timeout", 3),
    "site-repo-used": ({"KENNIS_SITE_REPO": "acme/kb"}, "site_repo", "acme/kb"),
    "stop-grace-default": ({}, "stop_grace", 30.0),
    "catchup-every-default": ({}, "catchup_every", 600.0),
    "catchup-every-off": ({"KENNIS_CATCHUP_EVERY": ""}, "catchup_every", None),
    "database-url-default-sqlite": ({}, "database_url", None),
    "database-url": (
        {"KENNIS_DATABASE_URL": "postgresql://kennis@db/kennis"},
        "database_url",
        "postgresql://kennis@db/kennis",
    ),
    "feedback-origins": (
        {"KENNIS_FEEDBACK_ORIGINS": "https://A.example.org, http://127.0.0.1:8000"},
        "feedback_origins",
        ("https://a.example.org", "http://127.0.0.1:8000"),
    ),
    "feedback-defaults": ({}, "feedback_limit", 20),
    "feedback-window-default": ({}, "feedback_window", 600.0),
    "feedback-write-every": ({"KENNIS_FEEDBACK_WRITE_EVERY": "5"}, "feedback_write_every", 5.0),
    "api-url-without-slash": (
        {"KENNIS_GITHUB_API_URL": "https://ghe.example.com/api/v3/"},
        "github_api_url",
        "https://ghe.example.com/api/v3",
    ),
}


def test_a_bad_database_url_never_shows_its_password() -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({**BASE, "KENNIS_DATABASE_URL": "mysql://u:secret@h/db"})
    assert "secret" not in str(caught.value)


@pytest.mark.parametrize("case", list(GOOD), ids=list(GOOD))
def test_good_values_are_parsed_once(case: str) -> None:
    env, attribute, expected = GOOD[case]
    assert getattr(Settings.from_env({**BASE, **env}), attribute) == expected


def test_child_processes_get_the_environment_without_secrets_or_git_redirections() -> None:
    settings = Settings.from_env(
        {
            **BASE,
            "KENNIS_PRIVATE_KEY": "-----BEGIN KEY-----",
            "KENNIS_GITHUB_TOKEN": "ghs_x",
            "GITHUB_TOKEN": "ghp_x",
            "GIT_DIR": "/elsewhere",
            "GIT_CONFIG_VALUE_0": "Authorization: x",
            "PATH": "/usr/bin",
            "HOME": "/home/bot",
        }
    )
    assert dict(settings.child_env) == {"PATH": "/usr/bin", "HOME": "/home/bot"}
    assert "BEGIN KEY" not in repr(settings) and "ghs_x" not in repr(settings)


def test_the_inspecting_commands_need_no_webhook_secret() -> None:
    with pytest.raises(ConfigError, match="KENNIS_WEBHOOK_SECRET is not set"):
        Settings.from_env({})
    assert Settings.from_env({}, serving=False).webhook_secret == b""


def test_the_public_url_is_the_site_url_else_the_address_the_app_listens_on() -> None:
    settings = Settings.from_env(BASE)
    assert settings.public_url is None
    listening = Settings(webhook_secret=b"x", self_url="http://127.0.0.1:8080/")
    assert listening.public_url == "http://127.0.0.1:8080/"
    both = Settings(webhook_secret=b"x", site_url="https://kb.example.com/", self_url="http://x/")
    assert both.public_url == "https://kb.example.com/"


SERVE_ERRORS = {  # case: (variable, value, the message on stderr)
    "build-timeout": ("KENNIS_BUILD_TIMEOUT", "ten", "KENNIS_BUILD_TIMEOUT='ten' is not a number"),
    "deploy-flag": ("KENNIS_DEPLOY", "yes", "KENNIS_DEPLOY='yes' must be 1 (on), 0 or empty"),
}


@pytest.mark.slow  # starts kennis-bot
@pytest.mark.parametrize("case", list(SERVE_ERRORS), ids=list(SERVE_ERRORS))
def test_serve_refuses_to_start_on_a_bad_setting(tmp_path: Path, case: str) -> None:
    name, value, message = SERVE_ERRORS[case]
    result = subprocess.run(
        bot_command("serve", "--port", "0"),
        env=bot_env(tmp_path, **{name: value}),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert "listening on" not in result.stderr


def test_no_module_below_the_cli_reads_the_environment() -> None:
    """Settings travel: only review_bot/settings.py and review_bot/cli.py read os.environ."""
    allowed = {Path("review_bot/settings.py"), Path("review_bot/cli.py")}
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "review_bot").rglob("*.py"))
        if path.relative_to(ROOT) not in allowed
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\bos\.environ\b|\bgetenv\(|\bos\.environ\.", line)
    ]
    assert found == []
