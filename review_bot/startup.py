"""Start-up checks of ``kennis-bot serve``: App credentials it can use and a private data folder."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from cryptography.hazmat.primitives.serialization import load_pem_private_key

from review_bot.settings import ConfigError, Settings

# Folders the App keeps under its data folder: clones of (private) repositories, built sites.
FOLDERS = ("mirrors", "sites")
LEDGER_FILES = ("ledger.sqlite3", "ledger.sqlite3-wal", "ledger.sqlite3-shm")


def check_credentials(settings: Settings) -> None:
    """Refuse to start with an App id or key GitHub would reject on every delivery."""
    if settings.app_id is not None and not settings.app_id.strip().isdigit():
        raise ConfigError(f"KENNIS_APP_ID={settings.app_id!r} is not a whole number")
    if settings.private_key is None:
        return
    try:
        load_pem_private_key(settings.private_key.encode("utf-8"), password=None)
    except (ValueError, TypeError):  # never echo the key: only say what it is not
        raise ConfigError(
            "the App's private key (KENNIS_PRIVATE_KEY or the file KENNIS_PRIVATE_KEY_FILE names)"
            " is not an unencrypted PEM private key"
        ) from None


def make_private(data_dir: Path) -> None:
    """Create *data_dir* and its folders 0700, and keep everything made from now on private.

    The umask covers what the App creates later (ledger, mirrors, builds, releases); folders and
    ledger files an earlier version left readable to every local user are tightened here. The
    self-hosted site is served by the App itself, so nothing needs to be readable by others.
    """
    os.umask(0o077)
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    for folder in (data_dir, *(data_dir / name for name in FOLDERS)):
        folder.mkdir(mode=0o700, exist_ok=True)
        _tighten(folder, 0o700)
    for name in LEDGER_FILES:
        if (data_dir / name).exists():
            _tighten(data_dir / name, 0o600)


def _tighten(path: Path, mode: int) -> None:
    info = path.stat()
    # Only our own files: chmod on someone else's would fail, and is theirs to decide.
    if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & 0o077:
        path.chmod(mode)


def unusable(data_dir: Path, error: OSError | sqlite3.Error) -> str:
    """The one line an operator reads when the data folder cannot be used."""
    if isinstance(error, sqlite3.Error):
        reason = f"{data_dir / LEDGER_FILES[0]}: {error}"
    else:
        reason = error.strerror or str(error)
        where = error.filename
        if where is not None and Path(os.fsdecode(where)) != data_dir:
            reason = f"{os.fsdecode(where)}: {reason}"
    return f"cannot use KENNIS_DATA_DIR={data_dir}: {reason}"
