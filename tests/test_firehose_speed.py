"""The firehose's speed-ups store and write exactly what the plain paths do: rows made a column at
a time (``schema.records``), the dashboard's text frames written in a process of their own beside
the actor frames, the matcher's indexes built once before the extraction workers are forked, the
discovered names' groups looked up by position."""
from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd

from core import cluster, config, pipeline, schema
from core.actors import extraction, frames, grouping
from core.store import batches, database, reads
from tests import sample_corpus


def _records_by_row(frame: pd.DataFrame) -> list[dict]:
    """What ``schema.records`` gave before it read a column at a time."""
    return [{key: (None if schema._missing(value) else value) for key, value in row.items()}
            for row in frame.to_dict("records")]


def test_records_a_column_at_a_time_are_the_rows_to_dict_gives():
    frame = pd.DataFrame({
        "text": pd.Series(["a", None, "c"], dtype="str"),
        "count": [1, 2, 3],
        "score": [1.5, np.nan, 2.0],
        "at": pd.to_datetime(["2020-01-01", None, "2021-01-01"], utc=True),
        "day": pd.to_datetime(["2020-01-01", None, "2021-01-01"]).astype("datetime64[us]"),
        "mixed": pd.Series([np.arange(3, dtype=np.uint32), None, np.int64(7)], dtype=object),
        "numpy": pd.Series([np.float64("nan"), np.bool_(True), np.float32(2.5)], dtype=object),
        "flag": [True, False, True],
        "nullable": pd.Series([1, None, 3], dtype="Int64"),
        "kind": pd.Series(["x", "y", None], dtype="category"),
    })
    expected, got = _records_by_row(frame), schema.records(frame)
    assert len(got) == 3 and [list(row) for row in got] == [list(frame.columns)] * 3
    for want, have in zip(expected, got):
        for name in frame.columns:
            assert type(have[name]) is type(want[name]), name
            if isinstance(want[name], np.ndarray):
                assert np.array_equal(have[name], want[name])
            else:
                assert have[name] == want[name] or (have[name] is None and want[name] is None), name
    assert got[2]["mixed"] == 7 and type(got[2]["mixed"]) is int  # a numpy scalar made a Python one
    assert got[1]["score"] is None and got[1]["at"] is None and got[2]["kind"] is None
    assert schema.records(frame.iloc[:0]) == [] and schema.records(pd.DataFrame(index=range(2))) == [{}, {}]


def _written_frames(folder: Path) -> dict[str, object]:
    """Every frame file of a frames folder by entry kind and name: Parquet files as frames, the
    full-text index as its article ids and its vocabulary (term, documents, occurrences)."""
    found = {}
    for path in sorted(folder.glob("*/*")):
        if path.parent.name.startswith("."):
            continue
        name = f"{path.parent.name.split('-')[0]}/{path.name}"
        if path.suffix == ".parquet":
            found[name] = pd.read_parquet(path)
        else:
            connection = sqlite3.connect(path)
            connection.execute("CREATE VIRTUAL TABLE temp.vocabulary USING fts5vocab(main, 'words', 'row')")
            found[name] = (connection.execute("SELECT rowid, article_id FROM ids ORDER BY rowid").fetchall(),
                           connection.execute("SELECT * FROM temp.vocabulary ORDER BY term").fetchall())
            connection.close()
    return found


def _prepared(store: Path) -> dict[str, object]:
    engine = database.connect(f"sqlite:///{store}")
    folder = config.frames_cache_dir(str(engine.url))
    shutil.rmtree(folder, ignore_errors=True)
    run = pipeline.write_frames(engine, sample_corpus.dictionary())
    assert run.frames_not_written is None and run.not_extracted is None
    return _written_frames(folder)


def _assert_same_frames(one: dict, two: dict) -> None:
    assert sorted(one) == sorted(two) == ["actors/actors.parquet", "actors/dates.parquet", "actors/mentions.parquet",
                                          "articles/articles.parquet", "search/text.sqlite", "stories/stories.parquet"]
    for name, frame in one.items():
        if isinstance(frame, pd.DataFrame):
            pd.testing.assert_frame_equal(frame, two[name])
        else:
            assert frame == two[name] and frame[0] and frame[1], name


def test_text_frames_written_by_a_process_of_their_own_are_those_written_here(sample_store, monkeypatch):
    here = _prepared(sample_store)
    pools = []
    monkeypatch.setattr(frames, "MIN_ARTICLES_FOR_A_TEXT_PROCESS", 1)
    monkeypatch.setattr(cluster, "process_pool", lambda jobs, pool=cluster.process_pool: pools.append(jobs) or pool(jobs))
    beside = _prepared(sample_store)
    assert pools == [1]  # the articles frame and the text index were written by a forked process
    _assert_same_frames(here, beside)
    assert not frames._FORKED  # nothing of the run is kept


def _killed(token, cache_dir):
    os._exit(9)  # as the kernel kills a process out of memory: no exception, no result


def test_a_text_process_that_dies_leaves_its_frames_to_this_one(sample_store, monkeypatch):
    here = _prepared(sample_store)
    monkeypatch.setattr(frames, "MIN_ARTICLES_FOR_A_TEXT_PROCESS", 1)
    monkeypatch.setattr(frames, "_write_texts_forked", _killed)
    _assert_same_frames(here, _prepared(sample_store))


class _Recording:
    """A process pool that records what each page was sent with."""

    def __init__(self, pool, sent: list):
        self.pool, self.sent = pool, sent

    def submit(self, function, page, dictionary, known, token):
        self.sent.append((dictionary, token))
        return self.pool.submit(function, page, dictionary, known, token)

    def shutdown(self, **options):
        self.pool.shutdown(**options)


def test_forked_extraction_workers_inherit_the_dictionary_and_its_indexes(sample_store, monkeypatch):
    """Pages go to the workers without the dictionary (2 MB pickled a page), which they hold from
    the fork with the matcher's indexes already built, and find what one process finds."""
    dictionary = sample_corpus.dictionary()
    found, sent = {}, []
    monkeypatch.setattr(extraction, "CHUNK", 25)  # several pages in flight
    monkeypatch.setattr(cluster, "process_pool", lambda jobs, pool=cluster.process_pool: _Recording(pool(jobs), sent))
    for jobs in (1, 2):
        store = shutil.copy(sample_store, sample_store.with_name(f"jobs{jobs}.db"))
        engine = database.connect(f"sqlite:///{store}")
        summary = extraction.run(engine, dictionary, "firehose-speed", everything=True, jobs=jobs)
        mentions, dates = reads.load_mentions(engine), reads.load_mentioned_dates(engine)
        found[jobs] = (summary, mentions.sort_values(list(mentions.columns)).reset_index(drop=True),
                       dates.sort_values(list(dates.columns)).reset_index(drop=True))
    assert len(sent) > 2 and all(d is None and t is not None for d, t in sent) and len({t for _, t in sent}) == 1
    assert not extraction._DICTIONARY  # the run's entry goes with it
    assert found[1][0] == found[2][0] and found[1][0].mentions > 0
    for one, two in zip(found[1][1:], found[2][1:]):
        pd.testing.assert_frame_equal(one, two)


def test_discovered_groups_looked_up_by_position_assign_what_the_dicts_map():
    groups = grouping.DiscoveredGroups(
        head_of={"a|smith|en": "a|smith|en", "a|smyth|en": "a|smith|en", "b|jones|en": "b|jones|en", "c|lost|en": "c|lost|en"},
        similarity={"a|smith|en": 1.0, "a|smyth|en": 0.8, "b|jones|en": 1.0, "c|lost|en": 1.0},
        names={"a|smith|en": "A Smith", "b|jones|en": "B Jones"},
        actor_ids={"a|smith|en": "discovered:a-smith", "b|jones|en": "discovered:b-jones"})  # c: a head without an id
    mentions = batches.empty_mentions()
    rows = [("x1", None, "a|smyth|en", 0.9), ("x1", "Q7", None, 1.0), ("x2", None, "b|jones|en", 0.5),
            ("x2", None, "z|unknown|en", 0.7), ("x3", None, "c|lost|en", 0.6), ("x3", None, "a|smith|en", 0.95)]
    mentions = pd.concat([mentions, pd.DataFrame([{**dict.fromkeys(mentions.columns), "article_id": a, "actor_id": actor,
                                                   "name_key": key, "confidence": c, "start": 0, "end": 1, "occurrences": 1,
                                                   "surface": "s", "field": "text"} for a, actor, key, c in rows])],
                         ignore_index=True).astype(mentions.dtypes.to_dict())
    # What assign and heads_in gave with Series.map over the dicts.
    discovered = mentions["name_key"].notna() & mentions["actor_id"].isna()
    keys = mentions.loc[discovered, "name_key"]
    heads = keys.map(groups.head_of)
    expected = mentions.copy()
    rows_grouped = heads.index[heads.notna()]
    expected.loc[rows_grouped, "actor_id"] = heads[heads.notna()].map(groups.actor_ids)
    factor = keys[heads.notna()].map(groups.similarity).astype("float64")
    expected.loc[rows_grouped, "confidence"] = (expected.loc[rows_grouped, "confidence"] * factor).round(3)
    expected = expected[expected["actor_id"].notna()].reset_index(drop=True)
    pd.testing.assert_frame_equal(groups.assign(mentions), expected)
    assert list(expected["actor_id"]) == ["discovered:a-smith", "Q7", "discovered:b-jones", "discovered:a-smith"]
    assert expected["confidence"].tolist() == [0.72, 1.0, 0.5, 0.95]
    assert groups.heads_in(mentions) == list(dict.fromkeys(heads.dropna())) == ["a|smith|en", "b|jones|en", "c|lost|en"]
