"""A real PostgreSQL server for tests: initdb in a temporary folder, pg_ctl on a loopback port.

The ``postgres_url`` fixture gives every test a fresh database on one server per session. When
no server binary exists the tests are skipped, unless ``CI`` is set: then they fail.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.botproc import free_port


def server_bin() -> Path | None:
    """The folder of Debian's (newest) PostgreSQL binaries, else wherever ``initdb`` is."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    initdb = found[-1] if found else shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _version(path: str) -> float:
    try:
        return float(Path(path).parts[-3])
    except ValueError:
        return 0.0


def _as_owner(owner: str | None, command: list[str]) -> list[str]:
    # initdb refuses to run as root: as root, run the server as the unprivileged owner.
    return ["runuser", "-u", owner, "--", *command] if owner else command


class PostgresServer:
    """One throwaway cluster; `database()` makes a fresh database and returns its URL."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="kennis-pg-"))
        self.port = free_port()
        self.owner = None
        if os.geteuid() == 0:
            self.owner = "postgres" if _user_exists("postgres") else "nobody"
            uid = pwd.getpwnam(self.owner).pw_uid
            os.chown(self.root, uid, -1)
        self.data = self.root / "data"
        self.count = 0

    def run(self, *command: str) -> None:
        result = subprocess.run(
            _as_owner(self.owner, list(command)), capture_output=True, text=True, cwd=self.root
        )
        if result.returncode != 0:
            raise RuntimeError(f"{command[0]} failed:\n{result.stdout}\n{result.stderr}")

    def start(self) -> PostgresServer:
        self.run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "kennis",
            "--no-sync",
            "-E",
            "UTF8",
        )
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -F"
        self.run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "log"),
            "-w",
            "start",
        )
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://kennis@127.0.0.1:{self.port}/{database}"

    def database(self) -> str:
        import psycopg

        self.count += 1
        name = f"t{self.count}"
        with psycopg.connect(self.url(), autocommit=True) as db:
            db.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        try:
            self.run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bindir = server_bin()
    if bindir is None:
        message = "no PostgreSQL server binary (apt-get install postgresql)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    server = PostgresServer(bindir).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """A fresh, empty database on the session's PostgreSQL server."""
    return postgres_server.database()
