import contextlib
import dataclasses
import functools
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest

from core import cli, config, pipeline
from core.actors import actor_dictionary, frames
from core.ingest import scraped_text
from core.store import database, reads

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


# --- The sample corpus, ingested once ------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class SampleCorpus:
    """data/samples/ as ``core.pipeline.ingest`` leaves it (what the command line's ``ingest`` and
    the dashboard's first start run): articles stored, actors and dates extracted, the dashboard's
    frames written beside the store. ``run`` is what that ingest returned. The store itself is
    shared by the whole session: read it through ``copy`` (or the ``sample_store`` fixture), never
    in place, so no test sees another's writes."""
    db: Path
    run: pipeline.PipelineRun

    @property
    def frames(self) -> Path:
        return config.frames_cache_dir(f"sqlite:///{self.db}")

    def copy(self, folder: Path, name: str = "samples.db") -> Path:
        """A copy of the store (and its frames, named for the copy) in ``folder``; its path."""
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / name
        shutil.copyfile(self.db, target)
        if self.frames.is_dir():
            shutil.copytree(self.frames, config.frames_cache_dir(f"sqlite:///{target}"))
        return target


@pytest.fixture(scope="session")
def sample_corpus(tmp_path_factory) -> SampleCorpus:
    """The sample corpus ingested and extracted once per session (the extraction is most of the
    cost: a fresh process builds the matcher's index for each of the corpus's ten languages)."""
    db = tmp_path_factory.mktemp("sample-corpus") / "samples.db"
    engine = database.connect(f"sqlite:///{db}")
    run = pipeline.ingest(engine, [config.SAMPLES_DIR], dictionary=shared_dictionary(), progress=False)
    # Closing the last connection checkpoints the WAL into the file, so copying the one file
    # copies the whole store.
    engine.dispose()
    assert not Path(f"{db}-wal").exists() or Path(f"{db}-wal").stat().st_size == 0
    return SampleCorpus(db, run)


@pytest.fixture
def sample_store(sample_corpus, tmp_path) -> Path:
    """A fresh copy of the sample corpus's store (with its frames cache, ``samples.frames/``
    beside it) for this test alone: write to it freely."""
    return sample_corpus.copy(tmp_path / "sample-store")


@pytest.fixture(scope="session")
def sample_frames(sample_corpus, tmp_path_factory):
    """``(articles, actors, mentions, dates)`` of the sample corpus as the dashboard derives them
    from the store; shared by the session, so copy a frame before changing it."""
    engine = database.connect(f"sqlite:///{sample_corpus.copy(tmp_path_factory.mktemp('sample-frames'))}")
    actors, mentions, dates = frames.actor_frames(engine, shared_dictionary())
    articles = reads.load_articles(engine)
    engine.dispose()
    return articles, actors, mentions, dates


# --- The command line ----------------------------------------------------------------------------

def run_cli(*args, db: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """``python -m core --db DB ARGS`` run in this process by ``core.cli.main``, its output
    captured as a subprocess's would be: returns its exit status, stdout and stderr (text,
    universal newlines). ``env`` adds to (or overrides) the environment for the call only. The
    command reads the actor dictionary through ``shared_dictionary``.

    In-process runs share the process's caches (the matcher's per-language index takes ~13 s to
    build in a fresh process); tests whose point is a separate process (a kill, a resource
    limit, two processes at once, the installed command) start one with ``subprocess``."""
    argv = ["--db", str(db), *map(str, args)]
    out, err = _Output(), _Output()
    with mock.patch.dict(os.environ, env or {}), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
            mock.patch.object(pipeline, "load_dictionary", shared_dictionary):
        try:
            code = cli.main(argv)
        except SystemExit as stop:  # argparse's usage errors, --version
            if isinstance(stop.code, str):  # as the interpreter does with `sys.exit("message")`
                print(stop.code, file=sys.stderr)
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    return subprocess.CompletedProcess(argv, code, out.text(), err.text())


def shared_dictionary() -> actor_dictionary.Dictionary:
    """``core.pipeline.load_dictionary`` for the commands this process runs: the dictionary is read
    once per version of its files, as a long-lived process would keep it. The matcher's
    per-language index is cached per Dictionary object, so a command reading the files afresh
    rebuilt it (~3.5 s with the spelling caches warm). A broken file raises as before."""
    return _dictionary(config.ACTORS_DIR, config.CORRECTIONS_FILE, pipeline.dictionary_version())


@functools.cache
def _dictionary(actors_dir: Path, corrections_file: Path, version: str) -> actor_dictionary.Dictionary:
    return actor_dictionary.load(actors_dir, corrections_file)


class _Output(io.TextIOWrapper):
    """A text stream with the ``buffer`` a standard stream has (``export`` writes bytes to it)."""

    def __init__(self):
        super().__init__(io.BytesIO(), encoding="utf-8", write_through=True)

    def text(self) -> str:
        self.flush()
        return self.buffer.getvalue().decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
