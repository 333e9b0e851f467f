"""The store and the frames every page starts from, cached in the server process: the engine, the
articles with their translations, the actors, mentions and mentioned dates, the story labels, the
actors' names and labels and the index of their spellings; the translation settings of the
session; the preload of ``serve.py`` and the sample corpus of a first start."""
from __future__ import annotations

import dataclasses
import logging
import os
import threading
from pathlib import Path
from typing import Callable

import numpy as np

import pandas as pd
import streamlit as st

from core import config, pipeline, schema
from core.actors import actor_dictionary, corrections, frames, spelling, transliteration
from core.analysis import actor_search, filtering, indexed_search, mention_index, ranking
from core.charts import theme
from core.errors import ConfigError
from core.store import (batches, corrections as store_corrections, database, frame_cache, frame_files, text_index,
                        translation_memory)
from core.translate import translated
from ui import memory

# Languages offered as translation targets: those of the press Geowire's users read most, named
# in English by CLDR. Any other ISO 639-1 code works through GEOWIRE_TARGET_LANG or --to.
TARGET_LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "ru", "uk", "ar", "fa", "he", "tr", "zh", "ja")


# Frames are cached with st.cache_resource, not st.cache_data: cache_data pickles and copies the
# value on every hit, which for a large store costs more than the page. No stage changes its input
# (core's frames-in, new-frame-out rule), so sharing one frame between reruns and sessions is safe.
# Each key carries the store's revision, so a write makes the next run read afresh.


@st.cache_resource
def _engine(url: str):
    return database.connect(url, busy_seconds=config.busy_seconds())


def engine():
    """The store named by GEOWIRE_DB (or the default), opened once per process."""
    return _engine(config.database_url())


# What the server holds of each article: everything but its text, which stays in the store (a
# million 3 KB texts are 3 GB) and is read for the articles shown or exported (``with_texts``),
# while the text query looks its words up in the full-text index (``text_lookup``), and but its
# provenance, which only the Reader shows and the exports write. A store without a frames folder
# (not a local file) has no index: its articles are held whole and the texts scanned.
LEFT_IN_STORE = ("text", "origin_file", "origin_item", "format", "encoding", "content_hash", "language_declared")
# Nor does it hold their titles and URLs (at a million articles 73 and 50 MB, and again in every
# selection kept, ``ui.filters._select``): they stay in the articles' frame file, and the rows a
# page shows are read there by their position in it (``FRAME_ROW``, 4 bytes an article;
# ``with_titles``). The text query finds titles through the full-text index; the translated title
# (the title itself for an article already in the target language) is held, as the query scans it.
LEFT_IN_FRAME = ("title", "url")
FRAME_ROW = "frame_row"
HELD_COLUMNS = tuple(name for name in schema.ARTICLE_COLUMNS if name not in LEFT_IN_STORE + LEFT_IN_FRAME)


def _stored_articles(_engine, url: str, columns: tuple[str, ...] = HELD_COLUMNS):
    cache_dir = config.frames_cache_dir(url)
    if cache_dir is None:
        return frame_cache.cached_articles(_engine, None)
    found = frame_cache.cached_articles(_engine, cache_dir, columns)
    return found.assign(**{FRAME_ROW: np.arange(len(found), dtype=np.int32)})


@st.cache_resource(show_spinner=False, max_entries=4)
def _articles(_engine, url: str, revision: int):
    return _stored_articles(_engine, url)


def articles():
    """All stored articles (without their texts when the store has a frames folder), re-read
    only when the store's revision changes."""
    eng = engine()
    return _articles(eng, str(eng.url), database.revision(eng))


@st.cache_resource(show_spinner="Loading the actor dictionary…")
def dictionary() -> actor_dictionary.Dictionary:
    return pipeline.load_dictionary()


# A change to the analysts' corrections is a write to the store (its revision moves, so every page
# reads afresh) and changes the version the frames are kept under (the corrections' digest), so
# frames are never read with other corrections than those they were made with.
# Columns of the mentions frame no page reads (how a mention was found, and how surely), and the
# sentences, read by row for the passages shown (``Corpus.sentences``): left in the frame's file.
# Where each mention ends, which only the Reader's one article marks, stays there too (41 MB at a
# million articles; ``Corpus.mention_ends``).
_LEFT_IN_FILE = ("sentence", "end", "method", "confidence", "name_key")
# The mentioned dates' sentences too (103 of the 172 MB the dates took at a million articles): read
# by row for the days the Timeline quotes, the Reader's article and the export (``Corpus.date_sentences``).
_DATES_LEFT_IN_FILE = ("sentence",)
# Columns held compact (``frame_cache._read_file``): as categoricals with sorted categories, as ten
# mentions of an article repeat its id and every actor, spelling and field is written many times
# (at a million articles the mentions frame took 1.27 GB with these as strings); offsets and counts
# in 32 bits. Rows a function returns have them back as read (``schema.as_read``).
_NARROW = {"start": "int32", "end": "int32", "occurrences": "int32"}
_HELD_DTYPES = {"mentions": dict.fromkeys(("article_id", "actor_id", "field", "surface"), "category") | _NARROW,
                "dates": dict.fromkeys(("article_id", "kind", "field"), "category") | _NARROW}


@dataclasses.dataclass(frozen=True)
class ActorFrames:
    """The actor frames as held, and the readers, by row, of what they leave in their files (None
    where the frames hold it: a store without a frames folder)."""

    actors: pd.DataFrame
    mentions: pd.DataFrame
    dates: pd.DataFrame
    sentences: Callable[[np.ndarray], pd.Series] | None = None
    date_sentences: Callable[[np.ndarray], pd.Series] | None = None
    mention_ends: Callable[[np.ndarray], np.ndarray] | None = None


@st.cache_resource(show_spinner=False, max_entries=4)
def _actor_frames(_engine, url: str, revision: int) -> ActorFrames:
    stored = store_corrections.load(_engine)
    version, cache_dir = pipeline.dictionary_version(stored), config.frames_cache_dir(url)
    held = {"mentions": [c for c in batches.empty_mentions().columns if c not in _LEFT_IN_FILE],
            "dates": [c for c in batches.empty_mentioned_dates().columns if c not in _DATES_LEFT_IN_FILE]}
    found, mentions, dates = frames.cached_actor_frames(_engine, lambda: corrections.with_corrections(dictionary(), stored),
                                                        version, cache_dir, held if cache_dir is not None else None,
                                                        _HELD_DTYPES)
    if "sentence" in mentions.columns:
        return ActorFrames(found, mentions, dates)
    # The sentences stay in the file: the frame has a key of each (passages are counted by it), and
    # the sentences of the passages a page shows are read by their rows.
    path = frame_cache.entry_file(cache_dir, "actors", f"{revision}-{version}", "mentions")
    mentions = mentions.assign(sentence_key=frame_files.keys(path, "sentence", "surface"))
    # Likewise the dates': the Timeline quotes distinct sentences of a day, told apart by their keys.
    dates_path = frame_cache.entry_file(cache_dir, "actors", f"{revision}-{version}", "dates")
    dates = dates.assign(sentence_key=frame_files.keys(dates_path, "sentence", "surface"))
    return ActorFrames(found, mentions, dates, lambda rows: frame_files.read_rows(path, "sentence", rows),
                       lambda rows: frame_files.read_rows(dates_path, "sentence", rows),
                       lambda rows: frame_files.read_numbers(path, "end", rows))


@st.cache_resource(show_spinner="Grouping the corpus into stories (once after each change to the store)…", max_entries=2)
def _story_labels(_engine, _articles, _mentions, url: str, revision: int) -> pd.Series:
    version = pipeline.dictionary_version(store_corrections.load(_engine))
    return by_held_ids(frames.cached_story_labels(_engine, _articles, _mentions, version, config.frames_cache_dir(url)),
                       _articles)


def by_held_ids(labels: pd.Series, articles: pd.DataFrame) -> pd.Series:
    """``labels`` (by article_id) indexed by the held ``articles``' own id column, which an index
    shares rather than copies: the labels' ids as read from their file were a second copy of every
    id (40 MB at 1M articles). As they are when some article has no label."""
    ids = articles["article_id"]
    where = labels.index.get_indexer(ids)
    if (where < 0).any() or not ids.is_unique:
        return labels
    # In the labels' own string dtype (the ids' Arrow buffers are still shared, not copied).
    index = pd.Index(ids, name=labels.index.name).astype(labels.index.dtype)
    return pd.Series(labels.to_numpy()[where], index=index, name=labels.name)


def story_labels(data: Corpus) -> pd.Series:
    """The story of every stored article (``story_grouping.story_labels``), grouped once per revision."""
    eng = engine()
    return _story_labels(eng, data.articles, data.mentions, str(eng.url), database.revision(eng))


@dataclasses.dataclass(frozen=True)
class Corpus:
    """Everything the analysis pages draw from, for the chosen translation target."""

    articles: pd.DataFrame  # with the translation columns
    actors: pd.DataFrame
    mentions: pd.DataFrame
    dates: pd.DataFrame
    target: str
    # The sentences of rows of ``mentions`` (by position), when the frame holds only their keys
    # (``passages.Sentences``); None when it holds them.
    sentences: Callable[[np.ndarray], pd.Series] | None = None
    # The same for the rows of ``dates``.
    date_sentences: Callable[[np.ndarray], pd.Series] | None = None
    # Where each mention of rows of ``mentions`` ends, when the frame leaves it in its file.
    mention_ends: Callable[[np.ndarray], np.ndarray] | None = None


def current() -> Corpus:
    """The corpus of the store's current revision, translated into the session's target."""
    eng = engine()
    target = translation_settings().target
    held = _actor_frames(eng, str(eng.url), database.revision(eng))
    return Corpus(articles_with_translations(target), held.actors, held.mentions, held.dates, target, held.sentences,
                  held.date_sentences, held.mention_ends)


def preload() -> bool:
    """Read what every page starts from into this process's caches before the server takes its
    first request (``serve.py``): the store's frames, their translations, the mention index and
    the spellings of the filter bar. Streamlit's resource caches belong to the process, so the
    first page opened finds them there instead of spending seconds on them. An empty store is left
    to ``ensure_sample_corpus``, which the first page run calls; False then."""
    eng = engine()
    if database.revision(eng) == 0:
        return False
    url, revision = str(eng.url), database.revision(eng)
    held_frames = _actor_frames(eng, url, revision)
    found, mentions = held_frames.actors, held_frames.mentions
    held = articles_with_translations(config.translation_settings().target)
    cache_dir = config.frames_cache_dir(url)
    if cache_dir is not None and frame_cache.text_index_written(eng, cache_dir):
        # The index's entries found in the frame once (0.3 s at 300k articles), not on the first text query.
        text_lookup(held)
    _actor_labels(found, mentions, url, revision)  # also builds the mention index every analysis uses
    # The held articles' codes in that index and each article's first row, which every
    # selection's are taken from (``MentionIndex.remember_rows``): 0.8 s at 1M articles, here
    # rather than in the first filter change of a server started without the pages' warm-up.
    if len(mentions):
        mention_index.of(mentions).article_codes(held)
        mention_index.distinct_rows(held)
    _story_labels(eng, articles_with_translations(config.translation_settings().target), mentions, url, revision)
    # Plotly loads its template and JSON encoder on the first figure (0.7 s of the first page).
    theme.empty_figure("Geowire").to_json()
    memory.hand_back_freed_memory()
    # The actors' spelling index (the actor search, and the actors a text query names under the
    # text box: every text query needs it) in the background: built on the first text query it
    # made that query 1.1-1.5 s slower at 300k articles (the dictionary read, every spelling folded,
    # romanised and its skeleton taken), and built here it would delay the server's start by as
    # much. A page asking for it meanwhile waits for this build (Streamlit computes a cached value
    # once), not for a second one.
    threading.Thread(target=_build_spelling_index, args=(found, mentions, url, revision), name="spelling-index",
                     daemon=True).start()
    return True


def _build_spelling_index(actors, mentions, url: str, revision: int) -> None:
    try:
        _spelling_index(actors, mentions, url, revision)
    except Exception:  # noqa: BLE001 - left to the first page that asks for it, which shows the error
        logging.getLogger(__name__).exception("the actors' spelling index could not be built in the background")


def ensure_sample_corpus() -> None:
    """On a store that never had anything, ingest the shipped sample corpus (and find its actors)
    so the dashboard has something to show. GEOWIRE_SAMPLE_CORPUS=0 starts empty instead."""
    if os.environ.get("GEOWIRE_SAMPLE_CORPUS", "1").strip().lower() in ("0", "false", "no", "off"):
        return
    eng = engine()
    if database.revision(eng) > 0:
        return
    bar = st.progress(0.0, text="First start: reading the sample corpus…")

    def advance(done: int, total: int, path: str, outcome: str) -> None:
        bar.progress(done / total, text=f"First start: reading the sample corpus ({done}/{total} files)" if done < total
                     else "First start: finding actors and dates…")

    outcome = pipeline.ingest(eng, [config.SAMPLES_DIR], dictionary=dictionary(), progress=False, on_file=advance)
    bar.empty()
    st.toast(f"Sample corpus loaded: {outcome.ingested.describe()}")


# --- actors' names ------------------------------------------------------------------------------

@st.cache_resource(show_spinner=False, max_entries=4)
def _actor_labels(_actors, _mentions, url: str, revision: int) -> dict:
    spellings = ranking.spellings(_mentions, limit=4).to_dict()
    return {actor_id: f"{name} ({kind if isinstance(kind, str) else '?'})"
                      + (f" · {spellings[actor_id]}" if spellings.get(actor_id) else "")
            for actor_id, name, kind in _actors[["actor_id", "name", "type"]].itertuples(index=False)}


def actor_labels(data: Corpus) -> dict:
    """The Actors box's label of every actor, by id. Spellings in the label make the original
    scripts searchable in the box (Патрушев finds Patrushev)."""
    eng = engine()
    return _actor_labels(data.actors, data.mentions, str(eng.url), database.revision(eng))


@st.cache_resource(show_spinner=False, max_entries=4)
def _actor_names(_actors, url: str, revision: int) -> dict:
    return _actors.set_index("actor_id")["name"].to_dict()


def actor_names(data: Corpus) -> dict:
    """English name of every actor, by id (kept per revision: 1,000 actors take 20 ms a run)."""
    eng = engine()
    return _actor_names(data.actors, str(eng.url), database.revision(eng))


# The cross-script keys of core.actors, handed to core.analysis (which does not import the stages).
SPELLING_KEYS = actor_search.SpellingKeys(fold=spelling.fold, romanize=transliteration.romanize,
                                          skeleton=transliteration.skeleton)


@st.cache_resource(show_spinner="Indexing the actors' spellings (once after each change to the store)…", max_entries=2)
def _spelling_index(_actors, _mentions, url: str, revision: int) -> actor_search.SpellingIndex:
    # The store's aliases too: a spelling an analyst added is searched for like the dictionary's.
    aliases = corrections.with_corrections(dictionary(), store_corrections.load(engine())).aliases
    return actor_search.build_index(_actors, _mentions, aliases, SPELLING_KEYS)


def spelling_index(data: Corpus) -> actor_search.SpellingIndex:
    """Every alias and seen spelling of the store's actors, indexed for ``actor_search`` once per
    revision (0.3 s on the sample corpus; 2-4 s for 100k distinct spellings seen), in the
    background after the preload, else on the first search."""
    eng = engine()
    return _spelling_index(data.actors, data.mentions, str(eng.url), database.revision(eng))


# --- translation --------------------------------------------------------------------------------

def translation_settings() -> config.TranslationSettings:
    """The configured translation settings, with the target language and provider the user chose
    on the Translation page (kept for the session, so every page shows the same translation)."""
    try:
        settings = config.translation_settings()
    except ConfigError as err:
        st.error(f"Translation settings: {err}")
        settings = config.TranslationSettings()
    chosen = {name: st.session_state[f"translation_{name}"] for name in ("target", "provider", "url")
              if st.session_state.get(f"translation_{name}") is not None}
    if "url" in chosen:
        chosen["url"] = chosen["url"].strip() or None
    return config.TranslationSettings(**{**settings.__dict__, **chosen})


@st.cache_resource(show_spinner=False, max_entries=4)
def _translations(_engine, url: str, target: str, revision: int):
    return translation_memory.load_translations(_engine, target)


@st.cache_resource(show_spinner=False, max_entries=4)
def _with_translations(_engine, _translations, url: str, target: str, revision: int, translations_revision: int):
    # Newest first, the order of every selection: an unfiltered view then needs no copy. The
    # articles are read here, not kept by ``articles()`` beside this copy (280 MB at 1M articles),
    # unless the store has no frames to read them from again (a read of every row from SQL).
    # The titles are read for the translated title of the articles already in the target, then let go.
    if config.frames_cache_dir(url) is None:
        return filtering.filter_articles(translated.with_translations(articles(), _translations, target), filtering.Filters())
    stored = _stored_articles(_engine, url, (*HELD_COLUMNS, "title"))
    joined = translated.with_translations(stored, _translations, target).drop(columns="title")
    return filtering.filter_articles(joined, filtering.Filters())


def articles_with_translations(target: str):
    """All stored articles with their translation into ``target`` and its status."""
    eng = engine()
    revision, translated_revision = database.revision(eng), database.revision(eng, "translations")
    found = _translations(eng, str(eng.url), target, translated_revision)
    return _with_translations(eng, found, str(eng.url), target, revision, translated_revision)


# --- the texts --------------------------------------------------------------------------------

@st.cache_resource(show_spinner="Indexing the texts for search (once after each change to the store)…", max_entries=2)
def _text_index(_engine, url: str, revision: int):
    return frame_cache.text_index(_engine, config.frames_cache_dir(url), indexed_search.documents)


def text_lookup(articles: pd.DataFrame | None = None):
    """The text query's lookup in the store's full-text index, or None when the store has no
    frames folder (the texts are then held and scanned): bound to ``articles`` (a frame the corpus
    holds: ``text_search.RowLookup``, kept for as long as that frame) when given, else by id
    (``text_search.Lookup``)."""
    eng = engine()
    if config.frames_cache_dir(str(eng.url)) is None:
        return None
    folder = _text_index(eng, str(eng.url), database.revision(eng))
    if articles is None:
        return lambda term: text_index.lookup(folder, indexed_search.match(term))
    found = _bound_lookup(articles, str(folder), id(articles))
    if found.frame() is not articles:  # kept for a frame since freed, whose id this one reuses
        _bound_lookup.clear()
        found = _bound_lookup(articles, str(folder), id(articles))
    return found


@st.cache_resource(show_spinner=False, max_entries=4)
def _bound_lookup(_articles, folder: str, frame: int):
    # Keyed by the frame's identity: a new revision, target or translation makes a new frame.
    return indexed_search.bound(_articles, text_index.article_ids(Path(folder)),
                                lambda match: text_index.entries(Path(folder), match))
