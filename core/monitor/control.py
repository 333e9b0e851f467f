"""One watcher per store, started and stopped from the app or a shell.

The watcher holds an exclusive lock (``fcntl.flock``) on a file beside the store for as long as it
runs, and writes its pid and start time into it. The kernel releases the lock when the process
ends, however it ends (kill -9 included), so a pid file left by a killed watcher is recognised as
stale by the lock being free, never by guessing whether its pid is still someone's. For a store on
a PostgreSQL server the file is kept in the store's frames folder on this machine: one watcher per
store per machine (a team runs its watcher on one machine).
"""
from __future__ import annotations

import dataclasses
import fcntl
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa

from core import config
from core.errors import InputError
from core.monitor import watcher
from core.store import database

START_WAIT_SECONDS = 20.0  # a new watcher takes its lock as soon as it has opened the store
STOP_WAIT_SECONDS = 30.0  # the poll under way ends (a request is abandoned at once, an item stored whole)


@dataclasses.dataclass(frozen=True)
class Status:
    """Whether a watcher runs for the store: its ``pid`` and ``since`` when it does; ``stale``
    when a pid file is left by a watcher that ended without removing it."""
    running: bool
    pid: int | None = None
    since: datetime | None = None
    stale: bool = False
    log_file: Path | None = None

    def describe(self) -> str:
        if self.running:
            return f"watching since {self.since:%Y-%m-%d %H:%M:%S} UTC (pid {self.pid})"
        return "not watching" + (" (a watcher that was killed left its pid file; it is not running)" if self.stale else "")


class AlreadyWatching(Exception):
    def __init__(self, status: Status, lock_file: Path):
        super().__init__(f"another watcher is watching this store: {status.describe()} ({lock_file})")
        self.status = status


def lock_file(url: str) -> Path:
    """``<store>.watcher.pid`` beside an SQLite store; ``watcher.pid`` in a server store's frames folder."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        return path.with_name(f"{path.name}.watcher.pid")
    folder = config.frames_cache_dir(url)
    if folder is None:
        raise InputError(url, "an in-memory store cannot be watched from another process")
    return folder / "watcher.pid"


class Held:
    """The lock a running watcher holds (``hold``); ``release`` (or the process ending) frees it."""

    def __init__(self, path: Path, handle):
        self.path, self.handle = path, handle

    def release(self) -> None:
        if self.handle is not None:
            self.handle.seek(0)
            self.handle.truncate()
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None


def hold(url: str) -> Held:
    """Take the store's watcher lock for this process, or raise ``AlreadyWatching``."""
    path = lock_file(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise AlreadyWatching(status(url), path) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()} {datetime.now(timezone.utc).isoformat()}\n")
    handle.flush()
    return Held(path, handle)


def status(url: str) -> Status:
    path = lock_file(url)
    log = _log_file(path)
    try:
        handle = open(path, encoding="utf-8")
    except FileNotFoundError:
        return Status(False, log_file=log)
    with handle:
        pid, since = _read(handle.read())
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return Status(True, pid, since, log_file=log)
        fcntl.flock(handle, fcntl.LOCK_UN)
    return Status(False, stale=pid is not None, log_file=log)


def start(url: str, extra_args: tuple[str, ...] = ()) -> Status:
    """Start ``python -m core watch`` for the store as a process of its own (it outlives the app),
    its output appended to ``<store>.watcher.log``; returns once it holds the lock. A watcher
    already running is left as it is. ``InputError`` with the log's last lines when it ends first."""
    current = status(url)
    if current.running:
        return current
    path = lock_file(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(config.REPO_ROOT), os.environ.get("PYTHONPATH")])))
    with open(_log_file(path), "ab") as log:
        process = subprocess.Popen([sys.executable, "-m", "core", "watch", "--db", url, *extra_args],
                                   cwd=config.REPO_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    ends = time.monotonic() + START_WAIT_SECONDS
    while time.monotonic() < ends:
        current = status(url)
        if current.running and current.pid == process.pid:
            return current
        if process.poll() is not None:
            tail = _log_file(path).read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
            raise InputError(url, f"the watcher ended at once (exit {process.returncode}): {' | '.join(tail)}")
        time.sleep(0.1)
    return status(url)


def stop(url: str, wait: float = STOP_WAIT_SECONDS) -> Status:
    """Ask the store's watcher to stop (SIGTERM) and wait for it to end; returns the status after."""
    current = status(url)
    if not current.running or current.pid is None:
        return current
    try:
        os.kill(current.pid, signal.SIGTERM)
    except ProcessLookupError:
        return status(url)
    ends = time.monotonic() + wait
    while time.monotonic() < ends:
        current = status(url)
        if not current.running:
            break
        time.sleep(0.1)
    return current


def run(engine: sa.Engine, settings: watcher.Settings, *, once: bool = False, max_seconds: float | None = None,
        log: Callable[[str], None] = print) -> int:
    """The ``watch`` command's process: take the store's lock (exit 3 when another watcher holds
    it), watch until SIGINT or SIGTERM (which end it after the poll under way: a request in flight
    is abandoned, nothing half-stored), print a one-line summary, exit 0."""
    url = engine.url.render_as_string(hide_password=False)
    try:
        held = hold(url)
    except AlreadyWatching as err:
        print(f"error: {err}", file=sys.stderr)
        return 3
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    print(f"watching {database.store_name(engine)} (pid {os.getpid()}); Ctrl-C or SIGTERM stops", flush=True)
    try:
        summary = watcher.watch(engine, stop, settings=settings, once=once, max_seconds=max_seconds, log=log)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        held.release()
    print(summary.describe() + ("; stopped on request" if stop.is_set() else ""), flush=True)
    return 0


def _log_file(lock: Path) -> Path:
    return lock.with_name(lock.name.removesuffix(".pid") + ".log")


def _read(text: str) -> tuple[int | None, datetime | None]:
    parts = text.split()
    try:
        return int(parts[0]), datetime.fromisoformat(parts[1])
    except (IndexError, ValueError):
        return None, None
