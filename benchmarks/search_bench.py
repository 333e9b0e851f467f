"""Search benchmark: free-text queries over N articles, and the actor spelling index (build and
search), on synthetic frames built in memory from the sample corpus and the actor dictionary.

* Free text: N articles (100,000 by default) whose titles and texts are the sample corpus' own
  (ten languages, 1-2.5 KB each), each rotated by a different number of words so no two are the
  same, with a translation as long as the text (the worst case: every article translated). For
  each query, the median seconds of ``text_search.matches`` over all the articles, then over the
  tenth of them another filter left, and, for comparison, the plain case-folded substring search
  the filter used before (one query).
* Actor search: the store's actors (the dictionary's), with mentions whose surfaces are the
  dictionary's aliases plus inflected forms of them (``--surfaces`` distinct spellings seen), built
  once (cold: ICU's romanisation not yet cached in the process) and again (warm), then the median
  milliseconds of ``actor_search.search`` for the queries an analyst types.

It exits 0 whatever it finds: a benchmark, not a test. Run from the repository root:

    PYTHONPATH=. .venv/bin/python benchmarks/search_bench.py
    PYTHONPATH=. .venv/bin/python benchmarks/search_bench.py --articles 20000 --surfaces 50000
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from core import config
from core.actors import actor_dictionary, spelling, transliteration
from core.analysis import actor_search, text_search
from core.ingest import batch
from core.store import database, reads

QUERIES = ("Iran", "Шойгу", "Shoigu", '"Vladimir Putin"', "Iran Russia", "Iran OR Russia", "(Iran OR Russia) NOT Ukraine",
           "إيران", "xyzzy")
TYPED = ("Patru", "باتروشيف", "Patrouchev", "Shoigu", "Ir", "Nikolai Patrushev")
INFLECTIONS = ("", "а", "у", "ом", "ым", "'nin", "'da", "s", "e", "ой", "ее", "ии", "ه", "ی")


def _median(call, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def synthetic_articles(count: int, seed: int = 1) -> pd.DataFrame:
    engine = database.connect("sqlite://")
    batch.ingest(engine, [config.SAMPLES_DIR], progress=False)
    sample = reads.load_articles(engine)
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(sample), count)
    texts, titles = sample["text"].to_numpy(dtype=object), sample["title"].fillna("").to_numpy(dtype=object)

    def rotated(text: str, k: int) -> str:
        words = text.split(" ")
        k %= len(words)
        return " ".join(words[k:] + words[:k])

    text = [rotated(texts[i], k) for k, i in enumerate(picks)]
    frame = pd.DataFrame({"article_id": [f"a{k}" for k in range(count)], "title": titles[picks], "text": text,
                          "title_translated": titles[picks], "text_translated": text})
    return frame.astype({c: "string[pyarrow]" for c in text_search.SEARCHED_COLUMNS})


def _substring(articles: pd.DataFrame, query: str) -> np.ndarray:
    """The filter's text search before issue 22: a case-folded substring of each column."""
    hit = pd.Series(False, index=articles.index)
    for column in text_search.SEARCHED_COLUMNS:
        hit |= articles[column].fillna("").astype(str).str.casefold().str.contains(query.casefold(), regex=False)
    return hit.to_numpy()


def bench_text(count: int, runs: int) -> None:
    started = time.perf_counter()
    articles = synthetic_articles(count)
    chars = sum(int(articles[c].str.len().sum()) for c in text_search.SEARCHED_COLUMNS)
    print(f"free text: {count} articles, {chars / 1e6:.0f} M characters over the four columns "
          f"(built in {time.perf_counter() - started:.1f} s)")
    tenth = np.arange(0, count, 10)
    print(f"  {'query':32} {'all (s)':>8} {'a tenth (s)':>12} {'matches':>8}")
    for query in QUERIES:
        every = _median(lambda: text_search.matches(articles, query), runs)
        part = _median(lambda: text_search.matches(articles, query, tenth), runs)
        found = int(text_search.matches(articles, query).sum())
        print(f"  {query:32} {every:8.3f} {part:12.3f} {found:8d}")
    print(f"  before (case-folded substring, 'iran'): {_median(lambda: _substring(articles, 'iran'), 1):.3f} s")


def bench_actors(surfaces: int, runs: int, seed: int = 0) -> None:
    dictionary = actor_dictionary.load(config.ACTORS_DIR, config.CORRECTIONS_FILE)
    aliases = dictionary.aliases
    rng = np.random.default_rng(seed)
    mentions_count = 1_400_000  # about 14 per article at 100k articles
    # Distinct spellings seen: aliases with inflections, drawn until about ``surfaces`` differ.
    drawn = rng.integers(0, len(aliases), surfaces * 2)
    pool = pd.Series(aliases["alias"].to_numpy(object)[drawn]
                     + np.array(INFLECTIONS, dtype=object)[rng.integers(0, len(INFLECTIONS), surfaces * 2)])
    owners = aliases["actor_id"].to_numpy(object)[drawn]
    distinct = pd.DataFrame({"surface": pool, "actor_id": owners}).drop_duplicates("surface").head(surfaces)
    rows = rng.integers(0, len(distinct), mentions_count)
    mentions = pd.DataFrame({"article_id": pd.array([f"a{i}" for i in rng.integers(0, 100_000, mentions_count)],
                                                    dtype="string[pyarrow]"),
                             "actor_id": pd.array(distinct["actor_id"].to_numpy(object)[rows], dtype="string[pyarrow]"),
                             "surface": pd.array(distinct["surface"].to_numpy(object)[rows], dtype="string[pyarrow]")})
    actors = dictionary.actors.assign(articles=rng.integers(0, 5000, len(dictionary.actors)), mentions=0)
    keys = actor_search.SpellingKeys(spelling.fold, transliteration.romanize, transliteration.skeleton)
    started = time.perf_counter()
    index = actor_search.build_index(actors, mentions, aliases, keys)
    cold = time.perf_counter() - started
    warm = _median(lambda: actor_search.build_index(actors, mentions, aliases, keys), 1)
    print(f"actor search: {len(actors)} actors, {len(aliases)} aliases, {mentions['surface'].nunique()} distinct "
          f"spellings seen in {mentions_count} mentions: {len(index)} spellings, {len(index.form_spelling)} forms")
    print(f"  index built in {cold:.1f} s (cold), {warm:.1f} s (warm)")
    for typed in TYPED:
        seconds = _median(lambda: actor_search.search(typed, index), runs)
        first = actor_search.search(typed, index)["name"].head(1).tolist()
        print(f"  {typed!r:24} {seconds * 1000:7.0f} ms  first: {first}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--surfaces", type=int, default=100_000, help="distinct spellings seen in the mentions")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    bench_text(args.articles, args.runs)
    bench_actors(args.surfaces, args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
