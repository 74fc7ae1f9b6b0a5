"""Starting the real ``kennis-bot serve``: unusable settings are one clear line, the data is private."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import pytest

from tests.botproc import bot_command, bot_env, start_bot

pytestmark = pytest.mark.slow  # starts kennis-bot processes


def serve_fails(env: dict[str, str]) -> str:
    """Run ``serve`` expecting it to refuse to start; return what it printed."""
    result = subprocess.run(
        bot_command("serve", "--port", "0"), env=env, capture_output=True, text=True, timeout=60
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output, output
    return output


def _data_dir_is_a_file(tmp: Path) -> tuple[Path, str]:
    (tmp / "state").write_text("not a folder\n")
    return tmp / "state", ": File exists"


def _data_dir_under_a_file(tmp: Path) -> tuple[Path, str]:
    (tmp / "file").write_text("not a folder\n")
    return tmp / "file" / "state", ": Not a directory"


def _ledger_not_a_database(tmp: Path) -> tuple[Path, str]:
    (tmp / "state").mkdir()
    (tmp / "state" / "ledger.sqlite3").write_bytes(b"garbage " * 512)
    return tmp / "state", "ledger.sqlite3: file is not a database"


DATA_DIRS = {
    "is-a-file": _data_dir_is_a_file,
    "under-a-file": _data_dir_under_a_file,
    "ledger-not-a-database": _ledger_not_a_database,
}


@pytest.mark.parametrize("case", list(DATA_DIRS), ids=list(DATA_DIRS))
def test_an_unusable_data_dir_is_one_clear_line(tmp_path: Path, case: str) -> None:
    data_dir, reason = DATA_DIRS[case](tmp_path)
    output = serve_fails(bot_env(data_dir))
    (line,) = output.strip().splitlines()
    assert line.startswith(f"Error: cannot use KENNIS_DATA_DIR={data_dir}")
    assert line.endswith(reason) or reason in line


APP_KEYS = {  # environment: the line printed
    "key-file-is-a-folder": (
        {"KENNIS_APP_ID": "1", "KENNIS_PRIVATE_KEY_FILE": "{tmp}"},
        "KENNIS_PRIVATE_KEY_FILE={tmp}: cannot read it (Is a directory)",
    ),
    "key-file-not-a-key": (
        {"KENNIS_APP_ID": "1", "KENNIS_PRIVATE_KEY_FILE": "{tmp}/key.pem"},
        "the App's private key (KENNIS_PRIVATE_KEY or the file KENNIS_PRIVATE_KEY_FILE names)"
        " is not an unencrypted PEM private key",
    ),
    "app-id-not-a-number": (
        {"KENNIS_APP_ID": "kennis", "KENNIS_PRIVATE_KEY": "x"},
        "KENNIS_APP_ID='kennis' is not a whole number",
    ),
}


@pytest.mark.parametrize("case", list(APP_KEYS), ids=list(APP_KEYS))
def test_unusable_app_credentials_are_one_clear_line(tmp_path: Path, case: str) -> None:
    (tmp_path / "key.pem").write_text("-----BEGIN NOTHING-----\nc2VjcmV0\n")
    extra, message = APP_KEYS[case]
    env = bot_env(tmp_path / "state", **{k: v.format(tmp=tmp_path) for k, v in extra.items()})
    output = serve_fails(env)
    assert output.strip().splitlines() == [f"Error: {message.format(tmp=tmp_path)}"]
    assert "c2VjcmV0" not in output


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_data_dir_is_private_and_an_old_one_is_tightened(tmp_path: Path) -> None:
    data = tmp_path / "state"
    (data / "mirrors").mkdir(parents=True, mode=0o755)
    data.chmod(0o755)  # as an earlier version left it
    bot = start_bot(data)
    try:
        assert bot.post({"n": 1}).status == 202
    finally:
        bot.stop()
    assert {name: mode(data / name) for name in ("", "mirrors", "sites")} == {
        "": 0o700,
        "mirrors": 0o700,
        "sites": 0o700,
    }
    ledger_files = sorted(data.glob("ledger.sqlite3*"))
    assert ledger_files and {p.name: mode(p) for p in ledger_files} == {
        p.name: 0o600 for p in ledger_files
    }
