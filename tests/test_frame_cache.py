"""Frames the dashboard starts from, kept as Parquet beside the store: equal to what the store
gives, re-derived after every write, written by `python -m core extract`."""
from __future__ import annotations

import shutil

import pandas as pd

from core import cli, config
from core.actors import extraction, frames
from core.analysis import story_grouping, story_links
from core.ingest import batch
from core.store import batches, database, extractions, frame_cache, reads
from tests import sample_corpus


def _sample_slice(tmp_path, files: int):
    folder = tmp_path / "in"
    folder.mkdir()
    for path in sorted(p for p in config.SAMPLES_DIR.rglob("*.txt"))[:files]:
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


def test_cached_articles_equal_the_store_and_follow_its_writes(tmp_path, monkeypatch):
    engine = database.connect(f"sqlite:///{tmp_path / 'store.db'}")
    folder = _sample_slice(tmp_path, 3)
    batch.ingest(engine, [folder], progress=False)
    cache = tmp_path / "store.frames"
    first = frame_cache.cached_articles(engine, cache)
    pd.testing.assert_frame_equal(first, reads.load_articles(engine))
    assert (cache / f"articles-{database.revision(engine)}" / "articles.parquet").exists()
    with monkeypatch.context() as patch:
        patch.setattr(reads, "load_articles", lambda *a, **k: (_ for _ in ()).throw(AssertionError("derived again")))
        pd.testing.assert_frame_equal(frame_cache.cached_articles(engine, cache), first)
    more = sorted(p for p in config.SAMPLES_DIR.rglob("*.txt"))[3:5]
    for path in more:
        (folder / path.name).write_bytes(path.read_bytes())
    batch.ingest(engine, [folder], progress=False)
    second = frame_cache.cached_articles(engine, cache)
    assert len(second) == len(first) + len(more)
    pd.testing.assert_frame_equal(second, reads.load_articles(engine))
    assert [p.name for p in cache.iterdir()] == [f"articles-{database.revision(engine)}"], "the stale entry is removed"


def test_extract_command_prepares_the_dashboard_frames(sample_ingest, tmp_path, monkeypatch):
    # The session's store of the sample corpus without its frames: the command must write them.
    db = sample_ingest.copy(tmp_path, "store.db")
    shutil.rmtree(config.frames_cache_dir(f"sqlite:///{db}"))
    monkeypatch.setenv("GEOWIRE_DB", str(db))
    assert cli.main(["ingest", str(config.SAMPLES_DIR)]) == 0
    engine = database.connect(config.database_url())
    revision = database.revision(engine)
    cache = config.frames_cache_dir(config.database_url())
    kinds = sorted(p.name.split("-")[0] for p in cache.iterdir() if not p.name.startswith("."))
    assert kinds == ["actors", "articles", "search", "stories"]  # search: the full-text index of the texts
    assert all(p.name.split("-")[1] == str(revision) for p in cache.iterdir())
    version = extraction.dictionary_version(config.ACTORS_DIR, config.CORRECTIONS_FILE)
    articles = frame_cache.cached_articles(engine, cache)
    mentions = frames.cached_actor_frames(engine, lambda: None, version, cache)[1]  # no dictionary: a cache hit
    labels = frames.cached_story_labels(engine, articles, mentions, version, cache)
    pd.testing.assert_series_equal(labels.sort_index(), story_grouping.story_labels(articles, mentions).sort_index(),
                                   check_names=False, check_index_type=False, check_dtype=False)


def test_frames_written_batch_by_batch_equal_the_frames_derived_whole(sample_store, tmp_path, monkeypatch):
    """prepare_frames streams the store in batches (mentions resolved per batch, stories from
    spilled pairs a window at a time); what it writes must read back as the frames derived from
    the whole corpus in memory, written and read the way the cache always wrote them."""
    engine = database.connect(f"sqlite:///{sample_store}")  # ingested and extracted
    dictionary = sample_corpus.dictionary()
    version = extraction.dictionary_version(config.ACTORS_DIR, config.CORRECTIONS_FILE)
    assert extractions.count_due(engine, version) == 0
    # More undated articles and copies than the sample has, so every path of the stories runs.
    with engine.begin() as conn:
        ids = [row[0] for row in conn.exec_driver_sql("SELECT article_id FROM articles ORDER BY article_id")]
        conn.exec_driver_sql(f"UPDATE articles SET published = NULL WHERE article_id IN ('{ids[3]}', '{ids[17]}', '{ids[40]}')")
        conn.exec_driver_sql(f"UPDATE articles SET duplicate_of = '{ids[5]}' WHERE article_id IN ('{ids[8]}', '{ids[30]}')")
    # Batches far smaller than the corpus: an article's mentions are split across batches, and
    # the stories compare blocks of 5 with partners 9 at a time.
    monkeypatch.setattr(batches, "BATCH_ROWS", 97)
    monkeypatch.setattr(batches, "ARTICLE_BATCH_ROWS", 7)
    monkeypatch.setattr(story_links, "_STORY_BLOCK", 5)
    monkeypatch.setattr(story_links, "_STORY_PARTNERS", 9)
    streamed_dir, whole_dir = tmp_path / "streamed", tmp_path / "whole"
    frames.prepare_frames(engine, dictionary, version, streamed_dir)
    key = f"{database.revision(engine)}-{version}"
    articles = frame_cache.cached(whole_dir, "articles", "whole", ("articles",), lambda: (reads.load_articles(engine),))[0]
    whole = frame_cache.cached(whole_dir, "actors", "whole", frames.FRAME_NAMES,
                               lambda: frames.actor_frames(engine, dictionary))
    stories = frame_cache.cached(whole_dir, "stories", "whole", ("stories",),
                                 lambda: (story_grouping.story_labels(articles, whole[1]).reset_index(),))[0]
    pd.testing.assert_frame_equal(frame_cache.read(streamed_dir, "articles", str(database.revision(engine)), ("articles",))[0],
                                  articles)
    for name, streamed, expected in zip(frames.FRAME_NAMES, frame_cache.read(streamed_dir, "actors", key,
                                                                                   frames.FRAME_NAMES), whole):
        pd.testing.assert_frame_equal(streamed, expected, obj=name)
    labels = frame_cache.read(streamed_dir, "stories", key, ("stories",))[0]
    pd.testing.assert_frame_equal(labels, stories)
    assert labels["story"].nunique() < len(labels) - 10, "some stories group several articles"
    assert len(whole[1]) > 1500 and [p.name for p in streamed_dir.iterdir() if p.name.startswith(".")] == []
