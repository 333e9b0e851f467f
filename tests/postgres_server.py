"""A throwaway PostgreSQL cluster for the tests: Debian's server binaries, a data folder and a unix
socket in a temporary folder, a free port on 127.0.0.1, stopped and removed at the end.

``find_binaries`` looks in /usr/lib/postgresql/*/bin (Debian's ``postgresql`` package, which
scripts/test.sh installs) and then on PATH. ``Server.start`` runs ``initdb`` and ``pg_ctl start``;
``Server.database`` makes a new empty database and gives its URL; ``Server.stop`` stops the server
and removes the folder. The server refuses to run as root, so when the tests run as root (a
container, CI's machine) the cluster is run as an unprivileged account: ``postgres`` (made by the
Debian package), else ``nobody``, through ``runuser`` (util-linux), which needs no password and no
sudo configuration. Its folder is made under the system's temporary folder and handed to that
account, since pytest's own temporary folders are private to root.

Connections from the tests go over TCP to 127.0.0.1 with a password (a random one per cluster),
as a team's dashboards would reach their server, so that a password in a URL is exercised too;
the superuser's own commands (``createdb``) go over the socket in the folder.
"""
from __future__ import annotations

import dataclasses
import glob
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

# The accounts a root test run hands the cluster to, in order of preference.
_UNPRIVILEGED = ("postgres", "nobody")
# What a test database is called: its name goes into SQL unquoted.
_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_USER = "geowire"


class Unavailable(RuntimeError):
    """No PostgreSQL server can be run here; the message says why and what to install."""


@dataclasses.dataclass(frozen=True)
class Binaries:
    initdb: Path
    pg_ctl: Path
    psql: Path
    version: str


def find_binaries() -> Binaries:
    """The newest Debian PostgreSQL's binaries, else those on PATH; ``Unavailable`` when none."""
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    on_path = shutil.which("pg_ctl")
    if on_path:
        folders.append(str(Path(on_path).parent))
    for folder in map(Path, folders):
        if all((folder / name).is_file() for name in ("initdb", "pg_ctl", "postgres", "psql")):
            version = folder.parent.name if folder.parent.parent.name == "postgresql" else "on PATH"
            return Binaries(folder / "initdb", folder / "pg_ctl", folder / "psql", version)
    raise Unavailable("PostgreSQL's server binaries (initdb, pg_ctl, postgres) are not installed: "
                      "install Debian's postgresql package (scripts/test.sh does)")


def _version_key(folder: str) -> tuple:
    return tuple(int(part) for part in re.findall(r"\d+", Path(folder).parent.name))


def _run_as() -> pwd.struct_passwd | None:
    """The account the server runs as when this process is root; None when it is not root."""
    if os.geteuid() != 0:
        return None
    if shutil.which("runuser") is None:
        raise Unavailable("the tests run as root, which PostgreSQL refuses, and runuser (util-linux) is missing")
    for name in _UNPRIVILEGED:
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise Unavailable(f"the tests run as root, which PostgreSQL refuses, and none of the accounts "
                      f"{', '.join(_UNPRIVILEGED)} exists to run it as")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """One cluster. ``start`` it, make ``database``s, ``stop`` it (also after a failed start)."""

    def __init__(self, binaries: Binaries | None = None):
        self.binaries = binaries or find_binaries()
        self.account = _run_as()
        self.folder = Path(tempfile.mkdtemp(prefix="geowire-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "server.log"
        self.password = secrets.token_urlsafe(16)
        self.port: int | None = None
        self._databases = 0

    def _command(self, *args: str | Path) -> list[str]:
        command = [str(arg) for arg in args]
        return command if self.account is None else ["runuser", "-u", self.account.pw_name, "--", *command]

    def _run(self, *args: str | Path, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(self._command(*args), capture_output=True, text=True, timeout=120, **kwargs)

    def start(self) -> "Server":
        if self.account is not None:
            os.chown(self.folder, self.account.pw_uid, self.account.pw_gid)
        password_file = self.folder / "password"
        password_file.write_text(self.password + "\n", encoding="utf-8")
        if self.account is not None:
            os.chown(password_file, self.account.pw_uid, self.account.pw_gid)
        # trust on the socket (only this folder's owner can reach it), a password over TCP.
        done = self._run(self.binaries.initdb, "-D", self.data, "-U", _USER, "--pwfile", password_file,
                         "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8")
        password_file.unlink()
        if done.returncode != 0:
            raise Unavailable(f"initdb failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
        for attempt in range(5):  # the port is free when probed; another process may take it first
            self.port = _free_port()
            # fsync off: a throwaway cluster need not survive a power cut, and it makes commits
            # (every test writes) several times faster on a shared disk.
            options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                       "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60")
            done = self._run(self.binaries.pg_ctl, "-D", self.data, "-l", self.log, "-o", options, "-w", "-t", "60",
                             "start")
            if done.returncode == 0:
                return self
            if "could not bind" not in self._log_text():
                break
        raise Unavailable(f"the PostgreSQL server did not start: {done.stderr.strip()}; log: {self._log_text()[-2000:]}")

    def _log_text(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def database(self, name: str | None = None) -> str:
        """A new empty database; its SQLAlchemy URL (psycopg 3, over TCP, with the password)."""
        self._databases += 1
        name = name or f"geowire_{self._databases}"
        if not _NAME.fullmatch(name):
            raise ValueError(f"test database name {name!r}: lower-case letters, digits and _ only")
        done = self._run(self.binaries.psql, "-h", self.folder, "-p", str(self.port), "-U", _USER, "-d", "postgres",
                         "-v", "ON_ERROR_STOP=1", "-q", "-c", f"CREATE DATABASE {name}")
        if done.returncode != 0:
            raise RuntimeError(f"CREATE DATABASE {name} failed: {done.stderr.strip()}")
        return f"postgresql+psycopg://{_USER}:{self.password}@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        """Stop the server (at once: nothing in it is kept) and remove its folder."""
        try:
            if self.port is not None and (self.data / "postmaster.pid").exists():
                self._run(self.binaries.pg_ctl, "-D", self.data, "-m", "immediate", "-w", "stop")
                # pg_ctl returns once the postmaster is gone; give its children a moment to exit.
                for _ in range(50):
                    if not (self.data / "postmaster.pid").exists():
                        break
                    time.sleep(0.1)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
