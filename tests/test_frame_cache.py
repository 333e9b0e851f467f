"""Frames the dashboard starts from, kept as Parquet beside the store: equal to what the store
gives, re-derived after every write, written by `python -m core extract`."""
from __future__ import annotations

import pandas as pd

from core import analysis, cli, config, extraction, ingest, store


def _sample_slice(tmp_path, files: int):
    folder = tmp_path / "in"
    folder.mkdir()
    for path in sorted(p for p in config.SAMPLES_DIR.rglob("*.txt"))[:files]:
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


def test_cached_articles_equal_the_store_and_follow_its_writes(tmp_path, monkeypatch):
    engine = store.connect(f"sqlite:///{tmp_path / 'store.db'}")
    folder = _sample_slice(tmp_path, 3)
    ingest.ingest(engine, [folder], progress=False)
    cache = tmp_path / "store.frames"
    first = store.cached_articles(engine, cache)
    pd.testing.assert_frame_equal(first, store.load_articles(engine))
    assert (cache / f"articles-{store.revision(engine)}" / "articles.parquet").exists()
    with monkeypatch.context() as patch:
        patch.setattr(store, "load_articles", lambda *a, **k: (_ for _ in ()).throw(AssertionError("derived again")))
        pd.testing.assert_frame_equal(store.cached_articles(engine, cache), first)
    more = sorted(p for p in config.SAMPLES_DIR.rglob("*.txt"))[3:5]
    for path in more:
        (folder / path.name).write_bytes(path.read_bytes())
    ingest.ingest(engine, [folder], progress=False)
    second = store.cached_articles(engine, cache)
    assert len(second) == len(first) + len(more)
    pd.testing.assert_frame_equal(second, store.load_articles(engine))
    assert [p.name for p in cache.iterdir()] == [f"articles-{store.revision(engine)}"], "the stale entry is removed"


def test_extract_command_prepares_the_dashboard_frames(tmp_path, monkeypatch):
    db = tmp_path / "store.db"
    monkeypatch.setenv("GEOWIRE_DB", str(db))
    assert cli.main(["ingest", str(config.SAMPLES_DIR)]) == 0
    engine = store.connect(config.database_url())
    revision = store.revision(engine)
    cache = config.frames_cache_dir(config.database_url())
    kinds = sorted(p.name.split("-")[0] for p in cache.iterdir() if not p.name.startswith("."))
    assert kinds == ["actors", "articles", "stories"]
    assert all(p.name.split("-")[1] == str(revision) for p in cache.iterdir())
    version = extraction.dictionary_version(config.ACTORS_DIR, config.CORRECTIONS_FILE)
    articles = store.cached_articles(engine, cache)
    mentions = extraction.cached_actor_frames(engine, lambda: None, version, cache)[1]  # no dictionary: a cache hit
    labels = extraction.cached_story_labels(engine, articles, mentions, version, cache)
    pd.testing.assert_series_equal(labels.sort_index(), analysis.story_labels(articles, mentions).sort_index(),
                                   check_names=False, check_index_type=False, check_dtype=False)
