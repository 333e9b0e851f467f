"""The mentioned dates as the dashboard holds them: with their sentences (as until issue 23's
change) or with a 64-bit key of each and the sentences left in dates.parquet (``ui.corpus``,
``Corpus.date_sentences``), on a store ``scale_bench.py`` wrote, in one process.

Prints the deep size of the dates frame both ways, the time to hash the sentences in the file,
and the time (best of ``--repeat``) of what reads the sentences: the Timeline's mentioned dates
(``timelines.mentioned_dates_timeline``) for the whole store, a language and three months, the
Reader's dates of 20 articles (``reading.article_dates``) and the export's mentioned dates of the
10k newest articles (``export.articles.article_table``), both ways, checking that they are equal.

    PYTHONPATH=. .venv/bin/python benchmarks/scale_bench.py --articles 100000 --pages timeline   # the store
    PYTHONPATH=. .venv/bin/python benchmarks/dates_bench.py benchmarks/out/scale-100000-3000.db
"""
from __future__ import annotations

import argparse
import datetime as dt
import logging
import time
from pathlib import Path

import pandas as pd

from core import config, pipeline
from core.actors import frames
from core.analysis import filtering, reading, timelines
from core.export import articles as export_articles
from core.store import batches, corrections as store_corrections, database, frame_cache, frame_files, translation_memory
from core.translate import translated
from ui import corpus


def _best(call, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - started)
    return min(times), result


def _mb(frame: pd.DataFrame) -> str:
    return f"{frame.memory_usage(deep=True).sum() / 1e6:.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("db", type=Path, help="an SQLite store with its frames (scale_bench.py writes them)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    url = f"sqlite:///{args.db.resolve()}"
    engine, cache = database.connect(url), config.frames_cache_dir(url)
    version = pipeline.dictionary_version(store_corrections.load(engine))
    started = time.perf_counter()
    frames_held = corpus._actor_frames(engine, url, database.revision(engine))
    actors, mentions, held, date_sentences = (frames_held.actors, frames_held.mentions, frames_held.dates,
                                              frames_held.date_sentences)
    print(f"frames as held now read in {time.perf_counter() - started:.2f} s")
    path = frame_cache.entry_file(cache, "actors", f"{database.revision(engine)}-{version}", "dates")
    seconds, _ = _best(lambda: frame_files.keys(path, "sentence", "surface"), args.repeat)
    print(f"the dates' sentence keys hashed in the file: {seconds:.3f} s")
    columns = {"mentions": [c for c in batches.empty_mentions().columns if c not in corpus._LEFT_IN_FILE]}
    _, _, whole = frames.cached_actor_frames(engine, lambda: None, version, cache, columns, corpus._HELD_DTYPES)
    print(f"dates frame, {len(held)} rows: with the sentences {_mb(whole)} (sentence "
          f"{whole['sentence'].memory_usage(deep=True, index=False) / 1e6:.1f} MB); with their keys {_mb(held)}")
    articles = translated.with_translations(frame_cache.cached_articles(engine, cache),
                                            translation_memory.load_translations(engine, "en"), "en")
    articles = filtering.filter_articles(articles, filtering.Filters())
    selections = {"every article": articles, "a language (ru)": articles[articles["language"] == "ru"],
                  "three months": filtering.filter_articles(articles, filtering.Filters(date_from=dt.date(2025, 6, 1),
                                                                                        date_to=dt.date(2025, 8, 31)))}
    for label, chosen in selections.items():
        before, expected = _best(lambda: timelines.mentioned_dates_timeline(chosen, whole), args.repeat)
        after, found = _best(lambda: timelines.mentioned_dates_timeline(chosen, held, sentences=date_sentences), args.repeat)
        pd.testing.assert_frame_equal(found, expected)
        print(f"mentioned dates, {label} ({len(chosen)} articles, {len(found)} days): held {before:.3f} s, "
              f"read by row {after:.3f} s")
    named = held["article_id"].astype(str).drop_duplicates()
    ids = named.iloc[::max(1, len(named) // 20)].head(20).tolist()
    before, expected = _best(lambda: [reading.article_dates(whole, a) for a in ids], args.repeat)
    after, found = _best(lambda: [reading.article_dates(held, a, date_sentences) for a in ids], args.repeat)
    for new, old in zip(found, expected):
        pd.testing.assert_frame_equal(new, old)
    print(f"the Reader's dates of {len(ids)} articles: held {before:.3f} s, read by row {after:.3f} s")
    newest = articles.head(10_000)
    # Without the mentions: the export's actors take the same time either way.
    before, expected = _best(lambda: export_articles.article_table(newest, actors, mentions.iloc[0:0], whole), args.repeat)
    after, found = _best(lambda: export_articles.article_table(newest, actors, mentions.iloc[0:0], held, date_sentences),
                         args.repeat)
    assert [[(d.date, d.sentence) for d in days] for days in found["mentioned_dates"]] == \
        [[(d.date, d.sentence) for d in days] for days in expected["mentioned_dates"]]
    print(f"the export's mentioned dates of {len(newest)} articles: held {before:.3f} s, read by row {after:.3f} s")
    engine.dispose()


if __name__ == "__main__":
    main()
