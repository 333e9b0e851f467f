"""Long work (translation, ingest) on a background thread, so the pages stay usable while it runs.

A page starts a job with ``start_job``, which keeps it in a registry of the process where every
rerun and every session finds it (``job``), and polls its ``progress``; the work itself is the
same ``core.pipeline`` call the command line makes, given a progress callback and a cancel flag.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from core import pipeline
from core.errors import USER_ERRORS, InputError
from ui import corpus

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
        self.started_at = dt.datetime.now(dt.timezone.utc)  # when it began, to find what it stored
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


@st.cache_resource
def _jobs() -> dict:
    return {}


def job(name: str) -> BackgroundJob | None:
    """The latest background job of that name for this store, shared by every session."""
    return _jobs().get((str(corpus.engine().url), name))


def start_job(name: str, work: Work) -> BackgroundJob:
    """Start ``work`` as the job ``name`` of this store, unless one of that name still runs (that
    one is returned)."""
    running = job(name)
    if running is not None and running.running:
        return running
    started = BackgroundJob(name, work).start()
    _jobs()[(str(corpus.engine().url), name)] = started
    return started


def _seen_key(name: str) -> str:
    return f"_job_seen_{name}"


def _job_state(name: str) -> tuple | None:
    found = job(name)
    return None if found is None else (id(found), found.started_at, found.running)


def page_drawn_with(name: str) -> None:
    """Record, in this session, the state of the job ``name`` that the page's full run drew its
    counts with. Called by the page outside its job fragment (see ``refresh_page_when_changed``)."""
    st.session_state[_seen_key(name)] = _job_state(name)


def refresh_page_when_changed(name: str) -> None:
    """Inside a page's polling fragment: rerun the whole page once the job ``name`` has started or
    ended since the page was last drawn (``page_drawn_with``). Only the fragment reruns every
    second, so without this the counts above it (articles in the store, translations) stayed those
    of before the job until the page was reloaded. The caches are keyed by the store's revision:
    the rerun reads what the job wrote."""
    if st.session_state.get(_seen_key(name)) != _job_state(name):
        st.rerun()


def ingest_and_extract(paths: list, report, cancelled, roots: list[Path] | None = None) -> pipeline.PipelineRun:
    """The Ingest page's job: the same pipeline as ``python -m core ingest`` (store, find actors and
    dates, write the frames). ``roots``: the folders the page may read (a link inside them leading
    elsewhere is not followed).

    A store that cannot take a write (busy past the wait, a full disk) ends the job with the same
    one line as the command line (``StoreBusy``/``StoreWriteError``, raised: the job shows it as
    failed); what was stored before it is kept and listed in the log below."""
    try:
        loaded = corpus.dictionary()
    except InputError:  # the pipeline names the broken file and stores the articles all the same
        loaded = None
    outcome = pipeline.ingest(corpus.engine(), paths, dictionary=loaded, progress=False, roots=roots,
                              on_file=lambda done, total, path, outcome: report(done, total, f"{path}: {outcome}"))
    if outcome.ingested.stopped is not None:
        raise outcome.ingested.stopped
    return outcome
