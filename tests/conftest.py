import contextlib
import io
import os
import signal
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest

from core import cli, config, pipeline
from core.ingest import scraped_text
from core.store import database
from tests import postgres_server, sample_corpus

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def lexicon():
    return scraped_text.Lexicon.load(config.BOILERPLATE_FILE)


@pytest.fixture
def engine():
    """An in-memory store with the schema."""
    return database.connect("sqlite://")


@pytest.fixture
def seeds():
    if not SEEDS.is_dir():
        pytest.skip(f"the real scraped seeds are read from {SEEDS}, which this clone does not have")
    return {path.name: path for path in sorted(SEEDS.glob("*.txt"))}


@pytest.fixture(scope="session", autouse=True)
def _no_watcher_outlives_the_run(tmp_path_factory):
    """A watcher started from the app (its Start button) outlives the app by design; one a test
    started must not outlive the test run. Each leaves its pid file beside its store."""
    yield
    for pid_file in tmp_path_factory.getbasetemp().rglob("*watcher.pid"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid = int(pid_file.read_text(encoding="utf-8").split()[0])
            if b"core\x00watch" in Path(f"/proc/{pid}/cmdline").read_bytes():
                os.kill(pid, signal.SIGTERM)


# --- The store on both databases: SQLite, and a PostgreSQL server the session starts ----------------

@pytest.fixture(scope="session")
def postgres(request) -> postgres_server.Server:
    """A throwaway PostgreSQL cluster for the session (tests/postgres_server.py), stopped and
    removed at its end, also after failures. Without Debian's server binaries the tests that need
    it are skipped, except on CI (``CI=true``), which must run them and fails instead."""
    try:
        server = postgres_server.Server()
    except postgres_server.Unavailable as err:
        _no_postgres(err)
    request.addfinalizer(server.stop)  # before start: a half-started cluster is stopped and removed too
    try:
        return server.start()
    except postgres_server.Unavailable as err:
        _no_postgres(err)


def _no_postgres(err: Exception):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI runs the PostgreSQL tests, and no server could be started: {err}", pytrace=False)
    pytest.skip(f"no PostgreSQL server: {err}")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path, monkeypatch) -> str:
    """The URL of a new empty store, once on SQLite (a file in tmp_path) and once on a new database
    of the session's PostgreSQL server; a PostgreSQL store's frames go under tmp_path too."""
    monkeypatch.setenv("GEOWIRE_FRAMES_DIR", str(tmp_path / "frames"))
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("postgres").database()


# --- The sample corpus, ingested once (tests/sample_corpus.py) -----------------------------------

@pytest.fixture(scope="session")
def sample_ingest(request) -> sample_corpus.Store:
    """The session's store of data/samples/ and what its ingest returned; read it through
    ``copy`` (or take ``sample_store``), never in place, so no test sees another's writes."""
    return sample_corpus.store(request.config)


@pytest.fixture
def sample_store(sample_ingest, tmp_path) -> Path:
    """A fresh copy of the sample corpus's store (with its frames cache, ``samples.frames/``
    beside it) for this test alone: write to it freely."""
    return sample_ingest.copy(tmp_path / "sample-store")


@pytest.fixture(scope="session")
def sample_frames(request):
    """``(articles, actors, mentions, dates)`` of the sample corpus as the dashboard derives them
    from the store; shared by the session, so copy a frame before changing it."""
    return sample_corpus.session_frames(request.config)


# --- The dashboard's store (GEOWIRE_DB) for AppTest runs -------------------------------------------

@pytest.fixture
def app_store(tmp_path, monkeypatch) -> Path:
    """The path of the app's store (GEOWIRE_DB), nothing there yet, and no settings file."""
    db = tmp_path / "app.db"
    monkeypatch.setenv("GEOWIRE_DB", str(db))
    monkeypatch.setenv("GEOWIRE_CONFIG", str(tmp_path / "no-settings.toml"))
    return db


@pytest.fixture
def app_with_db(app_store, sample_ingest) -> Path:
    """The app on the sample corpus as its first start leaves the store (the same
    ``pipeline.ingest`` of data/samples/), copied from the session's store instead of ingested
    again for every test. tests/test_app.py runs the first start itself
    (test_first_start_loads_the_sample_corpus_with_its_actors)."""
    sample_ingest.copy(app_store.parent, app_store.name)
    return app_store


@pytest.fixture
def empty_app(app_store, monkeypatch):
    monkeypatch.setenv("GEOWIRE_SAMPLE_CORPUS", "0")
    return app_store


# --- The command line ----------------------------------------------------------------------------

def run_cli(*args, db: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """``python -m core --db DB ARGS`` run in this process by ``core.cli.main``, its output
    captured as a subprocess's would be: returns its exit status, stdout and stderr (text,
    universal newlines). ``env`` adds to (or overrides) the environment for the call only. The
    command reads the actor dictionary through ``tests.sample_corpus.dictionary`` (once per version
    of its files).

    In-process runs share the process's caches (the matcher's per-language index takes ~13 s to
    build in a fresh process); tests whose point is a separate process (a kill, a resource
    limit, two processes at once, the installed command) start one with ``subprocess``."""
    argv = ["--db", str(db), *map(str, args)]
    out, err = _Output(), _Output()
    with mock.patch.dict(os.environ, env or {}), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
            mock.patch.object(pipeline, "load_dictionary", sample_corpus.dictionary):
        try:
            code = cli.main(argv)
        except SystemExit as stop:  # argparse's usage errors, --version
            if isinstance(stop.code, str):  # as the interpreter does with `sys.exit("message")`
                print(stop.code, file=sys.stderr)
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    return subprocess.CompletedProcess(argv, code, out.text(), err.text())


class _Output(io.TextIOWrapper):
    """A text stream with the ``buffer`` a standard stream has (``export`` writes bytes to it)."""

    def __init__(self):
        super().__init__(io.BytesIO(), encoding="utf-8", write_through=True)

    def text(self) -> str:
        self.flush()
        return self.buffer.getvalue().decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
