"""The shipped sample corpus (data/samples/) for the tests, ingested once per test session.

``store(config)`` is data/samples/ as ``core.pipeline.ingest`` leaves it (what the command line's
``ingest`` and the dashboard's first start run): articles stored, actors and dates extracted, the
dashboard's frames written beside the store. Building it is the slow part (a fresh process builds
the matcher's index for each of the corpus's ten languages), so it is built once and kept on the
pytest config; a test reads or writes a copy of it (``Store.copy``; tests/conftest.py's
``sample_store`` fixture gives one per test), never the store itself. ``load(config)`` gives the
dashboard's frames of it (articles, actors, mentions, dates), each caller its own copies.
"""
from __future__ import annotations

import dataclasses
import fcntl
import functools
import pickle
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from core import config, pipeline
from core.actors import actor_dictionary, frames
from core.store import database, reads


@dataclasses.dataclass(frozen=True)
class Store:
    """The session's store of the sample corpus. ``run`` is what its ingest returned."""
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


def dictionary() -> actor_dictionary.Dictionary:
    """The shipped actor dictionary, read once per version of its files, as a long-lived process
    keeps it. The matcher's per-language index is cached per Dictionary object, so every fresh
    read meant building it again (~3.5 s with the spelling caches warm). A broken file (a test
    pointing config.ACTORS_DIR elsewhere) raises as ``core.pipeline.load_dictionary`` does."""
    return _dictionary(config.ACTORS_DIR, config.CORRECTIONS_FILE, pipeline.dictionary_version())


@functools.cache
def _dictionary(actors_dir: Path, corrections_file: Path, version: str) -> actor_dictionary.Dictionary:
    return actor_dictionary.load(actors_dir, corrections_file)


def store(pytest_config) -> Store:
    """The session's store, built at the first call. Under pytest-xdist the workers of one run
    share it: the first to ask builds it in the run's shared temporary folder while the others
    wait on a lock, then each reads it from there."""
    found = getattr(pytest_config, "_geowire_sample_store", None)
    if found is None:
        if hasattr(pytest_config, "workerinput"):
            found = _shared_store(pytest_config._tmp_path_factory.getbasetemp().parent / "geowire-samples")
        else:
            folder = Path(tempfile.mkdtemp(prefix="geowire-samples-"))
            pytest_config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
            found = _build(folder)
        pytest_config._geowire_sample_store = found
    return found


def _build(folder: Path) -> Store:
    db = folder / "samples.db"
    engine = database.connect(f"sqlite:///{db}")
    run = pipeline.ingest(engine, [config.SAMPLES_DIR], dictionary=dictionary(), progress=False)
    # Closing the last connection checkpoints the WAL into the file, so copying the one file
    # copies the whole store.
    engine.dispose()
    assert not Path(f"{db}-wal").exists() or Path(f"{db}-wal").stat().st_size == 0
    return Store(db, run)


def _shared_store(folder: Path) -> Store:
    """The store in ``folder``, built there by the first worker to get the lock. pytest removes
    the run's temporary folders itself (it keeps the last three runs')."""
    folder.mkdir(parents=True, exist_ok=True)
    built = folder / "run.pickle"
    with open(folder / "lock", "w") as lock:
        # pytest-xdist's workers are processes of one machine; an flock is what they share
        # (the filelock package is not installed and one lock needs no more).
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if built.exists():
                return Store(folder / "samples.db", pickle.loads(built.read_bytes()))
            found = _build(folder)
            built.write_bytes(pickle.dumps(found.run))
            return found
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def session_frames(pytest_config) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``(articles, actors, mentions, dates)`` as the dashboard derives them from the store, shared
    by the session: copy a frame before changing it."""
    found = getattr(pytest_config, "_geowire_sample_frames", None)
    if found is None:
        folder = Path(tempfile.mkdtemp(prefix="geowire-sample-frames-"))
        pytest_config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
        engine = database.connect(f"sqlite:///{store(pytest_config).copy(folder)}")
        actors, mentions, dates = frames.actor_frames(engine, dictionary())
        found = pytest_config._geowire_sample_frames = (reads.load_articles(engine), actors, mentions, dates)
        engine.dispose()
    return found


def load(pytest_config) -> dict:
    """The frames by name, copies of the session's for this caller alone."""
    articles, actors, mentions, dates = session_frames(pytest_config)
    return {"articles": articles.copy(), "actors": actors.copy(), "mentions": mentions.copy(), "dates": dates.copy()}
