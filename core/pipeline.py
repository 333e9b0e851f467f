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
import hashlib
from datetime import datetime, timezone
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import sqlalchemy as sa

from core import cluster, config
from core.actors import actor_dictionary, correction_files, corrections, extraction, frames
from core.alerts import stage as alert_stage
from core.errors import ClusterError, ConfigError, InputError
from core.ingest import batch, fetched, scraped_text
from core.store import corrections as store_corrections
from core.store import database, watched
from core.translate import run


@dataclasses.dataclass
class PipelineRun:
    """What one run of the pipeline did. ``ingested`` is None when nothing was ingested (an
    ``extract``), ``extracted`` None when extraction did not run: skipped on request, after a
    stopped ingest, or for a broken dictionary (``not_extracted`` says why). ``frames_not_written``
    says why the dashboard's frames could not be written (a full disk beside the store: the store
    is unchanged, and the dashboard derives the frames itself). ``cluster_failed`` is the Dask
    cluster's failure that stopped the extraction (the pages extracted before it are stored)."""
    ingested: batch.IngestSummary | None = None
    extracted: extraction.ExtractionSummary | None = None
    not_extracted: str | None = None
    frames_not_written: str | None = None
    cluster_failed: ClusterError | None = None
    fetched: watched.FetchedResult | None = None  # what ``ingest_fetched`` stored of the documents
    translated: run.RunSummary | None = None  # ``ingest_fetched``'s translation of them, when configured
    alerted: alert_stage.AlertRun | None = None  # the alert rules evaluated on what this run stored
    not_alerted: str | None = None  # why the alerts stage could not run (its settings)

    def steps_not_done(self) -> list[str]:
        """The steps after the ingest that did not happen, one line each (the rejected inputs
        are the ingest summary's ``problems``)."""
        lines = []
        if self.not_extracted:
            lines.append(f"actors not extracted: {self.not_extracted}")
        if self.cluster_failed:
            lines.append(f"actors not all extracted: {self.cluster_failed}")
        if self.frames_not_written:
            lines.append(f"frames not written: {self.frames_not_written}")
        if self.not_alerted:
            lines.append(f"alerts not evaluated: {self.not_alerted}")
        return lines


def dictionary_version(stored: Sequence[store_corrections.Correction] = ()) -> str:
    """The version extraction records: a digest of the dictionary files and the corrections file.
    With ``stored`` (the store's corrections, ``store_corrections.load``) the version the
    dashboard's frames are kept under, which every change of the store's corrections changes, so
    frames are never read with corrections other than those they were made with."""
    version = extraction.dictionary_version(config.ACTORS_DIR, config.CORRECTIONS_FILE)
    if not stored:
        return version
    digest = hashlib.sha256(repr([(c.id, c.change()) for c in stored]).encode("utf-8"))
    return f"{version}-{digest.hexdigest()[:12]}"


def load_dictionary() -> actor_dictionary.Dictionary:
    """The actor dictionary with the corrections file's corrections (the store's are added by
    ``corrections.with_corrections``); ``InputError`` names a broken file."""
    return actor_dictionary.load(config.ACTORS_DIR, config.CORRECTIONS_FILE)


def corrected_dictionary(engine: sa.Engine,
                         dictionary: actor_dictionary.Dictionary | None = None) -> actor_dictionary.Dictionary:
    """The dictionary (``load_dictionary``'s unless given) with the store's corrections after the
    file's: what the frames are resolved with."""
    return corrections.with_corrections(dictionary or load_dictionary(), store_corrections.load(engine))


def ingest(engine: sa.Engine, paths: Iterable[str | Path], *, extract: bool = True,
           dictionary: actor_dictionary.Dictionary | None = None, scheduler: str | None = None,
           **options) -> PipelineRun:
    """Store the files, folders and globs (``options`` go to ``core.ingest.batch.ingest``: source,
    force, roots, on_file, progress…), then extract and write the frames. A store that could not
    take a write stops the run after the ingest (``ingested.stopped``); what was stored stays.
    With ``scheduler`` (a Dask scheduler's address) the reading, cleaning and extraction run on
    that cluster's workers and this process writes the store; ``ClusterError`` when it cannot be
    used at all."""
    with cluster.connect(scheduler) as cluster_pool:
        outcome = PipelineRun(ingested=batch.ingest(engine, paths, cluster_pool=cluster_pool, **options))
        if extract and outcome.ingested.stopped is None:
            _extract_into(outcome, engine, dictionary, everything=False, cluster_pool=cluster_pool)
    return outcome


def ingest_fetched(engine: sa.Engine, documents: Sequence[fetched.FetchedDocument], *, extract: bool = True,
                   lexicon: scraped_text.Lexicon | None = None, dictionary: actor_dictionary.Dictionary | None = None,
                   translation: config.TranslationSettings | None = None, now: datetime | None = None) -> PipelineRun:
    """Store documents fetched from followed sources (``core.monitor``'s watcher) through the
    ingest's stages (clean, language, dates, fingerprints, deduplication), each with its seen-item
    record in the same transaction (``core.store.watched.save_fetched``); then, unless asked not to
    (a watcher storing items one by one extracts once per round), extract, run the stages after
    extraction and write the frames, as ``ingest`` does for files; then translate the new articles
    when ``translation`` names a configured provider. ``StoreBusy``/``StoreWriteError`` propagate:
    nothing of the documents is then stored."""
    outcome = PipelineRun()
    if documents:
        rows = fetched.prepare_documents(list(documents), lexicon or scraped_text.Lexicon.load(config.BOILERPLATE_FILE))
        items = [watched.SeenItem(doc.source_id, doc.item_key, doc.url) for doc in documents]
        outcome.fetched = watched.save_fetched(engine, rows, items, now or datetime.now(timezone.utc))
    if extract:
        _extract_into(outcome, engine, dictionary, everything=False)
        if translation is not None and translation.configured and outcome.fetched and outcome.fetched.stored:
            outcome.translated = run.run(engine, translation, limit=outcome.fetched.stored)
    return outcome


def extract(engine: sa.Engine, *, everything: bool = False, dictionary: actor_dictionary.Dictionary | None = None,
            progress: Callable[[int, int], None] | None = None, scheduler: str | None = None,
            with_frames: bool = True) -> PipelineRun:
    """Actors and dates for the articles not extracted with the current dictionary (every article
    with ``everything``), then the dashboard's frames (unless ``with_frames`` is False: the watcher
    writes them less often, ``write_frames``); on the Dask cluster at ``scheduler`` if given."""
    outcome = PipelineRun()
    with cluster.connect(scheduler) as cluster_pool:
        _extract_into(outcome, engine, dictionary, everything=everything, progress=progress, cluster_pool=cluster_pool,
                      with_frames=with_frames)
    return outcome


def write_frames(engine: sa.Engine, dictionary: actor_dictionary.Dictionary | None = None) -> PipelineRun:
    """The dashboard's frames of the store as it is now (``extract`` writes them after extracting):
    their cost grows with the store, so a watcher extracting every few seconds writes them at a
    slower pace of its own. ``not_extracted`` names a broken dictionary, ``frames_not_written`` a
    full disk."""
    outcome = PipelineRun()
    try:
        dictionary = dictionary or load_dictionary()
    except InputError as err:
        outcome.not_extracted = str(err)
        return outcome
    _frames_into(outcome, engine, dictionary, store_corrections.load(engine))
    return outcome


def translate(engine: sa.Engine, settings: config.TranslationSettings, **options) -> run.RunSummary:
    """Translate the stored articles not yet in ``settings.target`` (``options`` go to
    ``core.translate.run.run``: limit, progress, should_stop). Translations are joined to the
    articles when they are read, so no derived frame needs writing again."""
    return run.run(engine, settings, **options)


def _extract_into(outcome: PipelineRun, engine: sa.Engine, dictionary: actor_dictionary.Dictionary | None,
                  everything: bool, progress: Callable[[int, int], None] | None = None,
                  cluster_pool: cluster.Pool | None = None, with_frames: bool = True) -> None:
    try:
        dictionary = dictionary or load_dictionary()
    except InputError as err:  # a broken dictionary or corrections file: the articles are stored all the same
        outcome.not_extracted = str(err)
        return
    # The store's corrections: their aliases are matched, the rest applied to the frames.
    stored = store_corrections.load(engine)
    version = dictionary_version()
    try:
        outcome.extracted = extraction.run(engine, corrections.finding_dictionary(dictionary, stored), version,
                                           everything=everything, progress=progress, only_affected=True,
                                           cluster_pool=cluster_pool)
    except ClusterError as err:  # the pages extracted before it are stored; the frames wait for the rest
        outcome.cluster_failed = err
        return
    _alert_into(outcome, engine)
    if with_frames:
        _frames_into(outcome, engine, dictionary, stored)


def _frames_into(outcome: PipelineRun, engine: sa.Engine, dictionary: actor_dictionary.Dictionary,
                 stored: Sequence[store_corrections.Correction]) -> None:
    cache_dir = config.frames_cache_dir(str(engine.url))
    revision = database.revision(engine)
    try:
        frames.prepare_frames(engine, corrections.with_corrections(dictionary, stored), dictionary_version(stored),
                              cache_dir)
    except OSError as err:  # a full disk beside the store: the store itself is not touched by this step
        if database.revision(engine) != revision:
            # Another writer stored articles meanwhile, and its frames replaced these (the files
            # read here were removed as stale): the frames of the newer store are its run's.
            return
        outcome.frames_not_written = f"{cache_dir}: {err.strerror or err}; the store is unchanged, and the " \
                                     "dashboard derives the frames itself when it starts"


def _alert_into(outcome: PipelineRun, engine: sa.Engine) -> None:
    """The alert rules over the articles stored since their last evaluation (``core.alerts``): run
    after every extraction, so files and the watcher's articles alike are evaluated once extracted."""
    try:
        settings = config.alert_settings(str(engine.url))
    except ConfigError as err:  # the articles are stored and extracted; the next run evaluates them
        outcome.not_alerted = str(err)
        return
    outcome.alerted = alert_stage.run(engine, settings)


# --- the analysts' corrections of the actors ------------------------------------------------------

@dataclasses.dataclass
class CorrectionRun:
    """What a change to the store's corrections did: the corrections ``added`` (with their ids) or
    ``removed``, how many were ``already`` stored, and the extraction that followed (the articles an
    alias could be found in are extracted again; the frames are written anew)."""
    added: list[store_corrections.Correction] = dataclasses.field(default_factory=list)
    removed: list[store_corrections.Correction] = dataclasses.field(default_factory=list)
    already: int = 0
    run: PipelineRun | None = None

    def describe(self) -> str:
        parts = [f"{len(self.added)} correction(s) added"] if self.added or not self.removed else []
        parts += [f"{len(self.removed)} removed"] if self.removed else []
        parts += [f"{self.already} already in the store"] if self.already else []
        if self.run is not None and self.run.extracted is not None and self.run.extracted.articles:
            parts.append(f"{self.run.extracted.articles} article(s) extracted again")
        return "; ".join(parts)


def correct(engine: sa.Engine, new: Sequence[store_corrections.Correction],
            dictionary: actor_dictionary.Dictionary | None = None) -> CorrectionRun:
    """Store corrections (each checked first: ``InputError`` names every problem, and nothing is
    stored), extract again the articles their aliases could be found in, and write the frames."""
    problems = []
    for correction in new:
        try:
            corrections.check(correction)
        except InputError as err:
            problems.append(str(err))
    if problems:
        raise InputError("correction not stored", "; ".join(problems))
    due = corrections.alias_articles(engine, [c.alias for c in new if c.kind == "alias"])
    added = store_corrections.add(engine, new, due_articles=due)
    outcome = CorrectionRun(added=added, already=len(new) - len(added))
    if added or due:
        outcome.run = PipelineRun()
        _extract_into(outcome.run, engine, dictionary, everything=False)
    return outcome


def undo_corrections(engine: sa.Engine, ids: Iterable[int],
                     dictionary: actor_dictionary.Dictionary | None = None) -> CorrectionRun:
    """Remove the store's corrections ``ids``; articles a removed alias was found in are extracted
    again, and the frames written anew."""
    ids = {int(i) for i in ids}
    going = [c for c in store_corrections.load(engine) if c.id in ids]
    due = corrections.alias_articles(engine, [c.alias for c in going if c.kind == "alias"])
    outcome = CorrectionRun(removed=store_corrections.remove(engine, ids, due_articles=due))
    if outcome.removed or due:
        outcome.run = PipelineRun()
        _extract_into(outcome.run, engine, dictionary, everything=False)
    return outcome


def import_corrections(engine: sa.Engine, found: Sequence[store_corrections.Correction], analyst: str,
                       dictionary: actor_dictionary.Dictionary | None = None) -> CorrectionRun:
    """Add corrections read from a corrections file (``correction_files.read`` or ``loads``) to the
    store (``correct``): those already stored are left out, so importing a file twice, or a file
    exported from this store, changes nothing. One that names no analyst is recorded as
    ``analyst``'s."""
    return correct(engine, [dataclasses.replace(c, analyst=c.analyst or analyst, origin="store") for c in found],
                   dictionary)


def export_corrections(engine: sa.Engine) -> str:
    """The store's corrections as a corrections file (``import_corrections`` reads it back)."""
    return correction_files.dumps(store_corrections.load(engine))
