"""Actor extraction speed on 3 KB articles with the full dictionary, on one core.

    PYTHONPATH=. .venv/bin/python benchmarks/actor_bench.py [--articles 2000]

Articles are the labelled set's texts (11 languages, 5 scripts) repeated to about 3 KB, each copy
with a different number in it so no cache sees the same text twice. Prints articles/s for
``resolution.extract`` (dictionary matching, discovery and cross-article grouping) and for mentioned
dates, and the memory the loaded dictionary and per-language indexes take.

The extractor remembers what it worked out for each word it has met, and 2,000 articles made
from 33 texts have a small vocabulary, so most words are met again. A real corpus meets new
words more often; the "first pass" line gives the rate over the 33 distinct texts with every
word new, which is the floor.
"""
from __future__ import annotations

import argparse
import resource
import time

import pandas as pd

from benchmarks.actor_eval import load_gold
from core.actors import actor_dictionary, finding, lookup, mentioned_dates, resolution, spelling, transliteration
from core.config import ACTORS_DIR, CORRECTIONS_FILE

TARGET_BYTES = 3000


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * resource.getpagesize() / 2**20


def _forget_words(dictionary, articles: pd.DataFrame) -> None:
    """Empty the per-word caches, so that the main measurement starts as cold as the first pass."""
    for language in set(articles["language"]):
        lookup.for_language(dictionary, language).words.clear()
    for cached in (spelling.fold, spelling.keys, transliteration.skeleton, transliteration.romanize):
        cached.cache_clear()


def corpus(count: int) -> pd.DataFrame:
    gold, _ = load_gold()
    rows = []
    for n in range(count):
        source = gold.iloc[n % len(gold)]
        text = source["text"]
        while len(text.encode()) < TARGET_BYTES:
            text += "\n\n" + source["text"]
        rows.append({"article_id": f"a{n}", "title": f"{source['title']} {n}", "text": f"{n}\n\n{text}",
                     "language": source["language"], "published": source["published"]})
    return pd.DataFrame(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    options = parser.parse_args(argv)
    articles = corpus(options.articles)
    size = articles["text"].str.len().mean()
    before = _rss_mb()
    started = time.perf_counter()
    dictionary = actor_dictionary.load(ACTORS_DIR, CORRECTIONS_FILE)
    for language in sorted(set(articles["language"])):
        lookup.for_language(dictionary, language)
    loaded = time.perf_counter() - started
    matcher_mb = _rss_mb() - before
    first = articles.iloc[:len(load_gold()[0])]
    cold_started = time.process_time()
    finding.find_mentions(first, dictionary)
    cold_rate = len(first) / (time.process_time() - cold_started)
    _forget_words(dictionary, articles)
    started, cpu_started = time.perf_counter(), time.process_time()
    found, mentions = resolution.extract(articles, dictionary)
    actor_seconds = time.perf_counter() - started
    # CPU seconds as well: on a shared machine the wall clock also counts other processes' turns.
    actor_cpu = time.process_time() - cpu_started
    started = time.perf_counter()
    dates = mentioned_dates.extract(articles)
    date_seconds = time.perf_counter() - started
    print(f"articles: {len(articles)}, mean {size:.0f} characters, {articles['language'].nunique()} languages")
    print(f"dictionary: {len(dictionary.actors)} actors, {len(dictionary.aliases)} aliases; "
          f"loading it and building {articles['language'].nunique()} language indexes: {loaded:.1f} s, {matcher_mb:.0f} MB")
    print(f"actors: {len(articles) / actor_seconds:.0f} articles/s ({len(articles) / actor_cpu:.0f} per CPU second; "
          f"{len(mentions)} mentions, {len(found)} actors)")
    print(f"actors, first pass over {len(first)} distinct texts, every word new: {cold_rate:.0f} per CPU second")
    print(f"mentioned dates: {len(articles) / date_seconds:.0f} articles/s ({len(dates)} dates)")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
