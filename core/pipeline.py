"""The pipeline: the one place that chains the stages, so that a file ingested from the command
line, from the dashboard's Ingest page or at the dashboard's first start ends in the same state.

    files ──ingest──▶ store ──actors.extraction──▶ store ──actors.frames──▶ frame cache (Parquet)
                      store ──translate.run──▶ store (translations, translation memory)

``ingest`` stores files, then (unless asked not to) finds actors and dates in the new articles and
writes the dashboard's frames; ``extract`` does the last two for the articles not yet extracted
with the current dictionary (or all of them); ``translate`` runs the translator over the store.
Each returns a summary and names what it could not do in one line, so the command line turns it
into an exit status and the pages into a message; nothing here prints.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from pathlib import Path

import sqlalchemy as sa

from core import config
from core.actors import actor_dictionary, extraction, frames
from core.errors import InputError
from core.ingest import batch
from core.translate import run


@dataclasses.dataclass
class PipelineRun:
    """What one run of the pipeline did. ``ingested`` is None when nothing was ingested (an
    ``extract``), ``extracted`` None when extraction did not run: skipped on request, after a
    stopped ingest, or for a broken dictionary (``not_extracted`` says why). ``frames_not_written``
    says why the dashboard's frames could not be written (a full disk beside the store: the store
    is unchanged, and the dashboard derives the frames itself)."""
    ingested: batch.IngestSummary | None = None
    extracted: extraction.ExtractionSummary | None = None
    not_extracted: str | None = None
    frames_not_written: str | None = None

    def steps_not_done(self) -> list[str]:
        """The steps after the ingest that did not happen, one line each (the rejected inputs
        are the ingest summary's ``problems``)."""
        lines = []
        if self.not_extracted:
            lines.append(f"actors not extracted: {self.not_extracted}")
        if self.frames_not_written:
            lines.append(f"frames not written: {self.frames_not_written}")
        return lines


def dictionary_version() -> str:
    """The version extraction records: a digest of the dictionary files and the corrections."""
    return extraction.dictionary_version(config.ACTORS_DIR, config.CORRECTIONS_FILE)


def load_dictionary() -> actor_dictionary.Dictionary:
    """The actor dictionary with the analysts' corrections; ``InputError`` names a broken file."""
    return actor_dictionary.load(config.ACTORS_DIR, config.CORRECTIONS_FILE)


def ingest(engine: sa.Engine, paths: Iterable[str | Path], *, extract: bool = True,
           dictionary: actor_dictionary.Dictionary | None = None, **options) -> PipelineRun:
    """Store the files, folders and globs (``options`` go to ``core.ingest.batch.ingest``: source,
    force, roots, on_file, progress…), then extract and write the frames. A store that could not
    take a write stops the run after the ingest (``ingested.stopped``); what was stored stays."""
    outcome = PipelineRun(ingested=batch.ingest(engine, paths, **options))
    if extract and outcome.ingested.stopped is None:
        _extract_into(outcome, engine, dictionary, everything=False)
    return outcome


def extract(engine: sa.Engine, *, everything: bool = False, dictionary: actor_dictionary.Dictionary | None = None,
            progress: Callable[[int, int], None] | None = None) -> PipelineRun:
    """Actors and dates for the articles not extracted with the current dictionary (every article
    with ``everything``), then the dashboard's frames."""
    outcome = PipelineRun()
    _extract_into(outcome, engine, dictionary, everything=everything, progress=progress)
    return outcome


def translate(engine: sa.Engine, settings: config.TranslationSettings, **options) -> run.RunSummary:
    """Translate the stored articles not yet in ``settings.target`` (``options`` go to
    ``core.translate.run.run``: limit, progress, should_stop). Translations are joined to the
    articles when they are read, so no derived frame needs writing again."""
    return run.run(engine, settings, **options)


def _extract_into(outcome: PipelineRun, engine: sa.Engine, dictionary: actor_dictionary.Dictionary | None,
                  everything: bool, progress: Callable[[int, int], None] | None = None) -> None:
    try:
        dictionary = dictionary or load_dictionary()
    except InputError as err:  # a broken dictionary or corrections file: the articles are stored all the same
        outcome.not_extracted = str(err)
        return
    version = dictionary_version()
    outcome.extracted = extraction.run(engine, dictionary, version, everything=everything, progress=progress)
    cache_dir = config.frames_cache_dir(str(engine.url))
    try:
        frames.prepare_frames(engine, dictionary, version, cache_dir)
    except OSError as err:  # a full disk beside the store: the store itself is not touched by this step
        outcome.frames_not_written = f"{cache_dir}: {err.strerror or err}; the store is unchanged, and the " \
                                     "dashboard derives the frames itself when it starts"
