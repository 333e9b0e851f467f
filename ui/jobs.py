"""Long work (translation, ingest) on a background thread, so the pages stay usable while it runs.

A page starts a job, keeps it where every rerun finds it, and polls ``progress``; the work itself
is the same core function the command line calls, given a progress callback and a cancel flag.
"""
from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable

from core.errors import USER_ERRORS

# work(report, cancelled) -> result; report(done, total, message) may be called from the thread.
Work = Callable[[Callable[[int, int, str], None], Callable[[], bool]], object]


@dataclasses.dataclass
class Progress:
    state: str  # running | done | failed | cancelled
    done: int
    total: int
    message: str
    result: object
    error: str | None
    seconds: float

    @property
    def fraction(self) -> float:
        return min(self.done / self.total, 1.0) if self.total else 0.0


class BackgroundJob:
    """One run of ``work`` on a daemon thread."""

    def __init__(self, name: str, work: Work):
        self.name = name
        self._work = work
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._done = self._total = 0
        self._message = "starting"
        self._state = "running"
        self._result = None
        self._error: str | None = None
        self._started = time.monotonic()
        self._finished: float | None = None
        self._thread = threading.Thread(target=self._run, name=f"geowire-{name}", daemon=True)

    def start(self) -> BackgroundJob:
        self._thread.start()
        return self

    def _report(self, done: int, total: int, message: str) -> None:
        with self._lock:
            self._done, self._total, self._message = done, total, message

    def _run(self) -> None:
        try:
            result = self._work(self._report, self._cancel.is_set)
        except Exception as error:  # shown on the page instead of dying silently with the thread
            message = str(error) if isinstance(error, USER_ERRORS) else f"{type(error).__name__}: {error}"
            with self._lock:
                self._state, self._error = "failed", message
        else:
            with self._lock:
                self._result = result
                self._state = "cancelled" if self._cancel.is_set() else "done"
        finally:
            self._finished = time.monotonic()

    def cancel(self) -> None:
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def progress(self) -> Progress:
        with self._lock:
            end = self._finished or time.monotonic()
            return Progress(self._state if not self._thread.is_alive() or self._state != "running" else "running",
                            self._done, self._total, self._message, self._result, self._error, end - self._started)
