"""Source health over a large registry and store: how long ``health.of_sources`` (what
``sources list`` and the Followed sources page run on every view) takes.

    PYTHONPATH=. .venv/bin/python benchmarks/sources_health_bench.py [--sources 500] [--articles 1000000]

Makes a throwaway SQLite store in a temporary folder with ``--sources`` followed sources (a tenth
of them added within the week, so they get a window of their own) and ``--articles`` article rows
spread over 30 days among those sources and as many unregistered ones (the registered sources'
articles each with the seen item the watcher would have written), then times the health of every
source (best of three) and one ``source_registry.load``.
"""
from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from core import schema
from core.monitor import health
from core.store import database, source_registry


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", type=int, default=500)
    parser.add_argument("--articles", type=int, default=1_000_000)
    args = parser.parse_args()
    now = dt.datetime.now(dt.timezone.utc)
    with tempfile.TemporaryDirectory() as folder:
        engine = database.connect(f"sqlite:///{Path(folder) / 'bench.db'}")
        with engine.begin() as conn:
            conn.execute(schema.sources.insert(), [dict(
                url=f"https://s{i}.example/rss", name=f"outlet-{i}", kind="rss", interval_seconds=900,
                added_at=now - (dt.timedelta(days=2) if i % 10 == 0 else dt.timedelta(days=60)),
                last_polled_at=now, last_success_at=now) for i in range(args.sources)])
            chunk = 50_000
            for start in range(0, args.articles, chunk):
                conn.execute(schema.articles.insert(), [dict(
                    article_id=f"{i:032x}", source=f"outlet-{i % (2 * args.sources)}", text="t",
                    content_hash=f"{i:032x}", origin_file="f", origin_item=1, format="rss",
                    ingested_at=now - dt.timedelta(seconds=(i * 2_592_000) // args.articles))
                    for i in range(start, min(start + chunk, args.articles))])
                conn.execute(schema.seen_items.insert(), [dict(
                    source_id=i % (2 * args.sources) + 1, item_key=f"{i:064x}", url=None, article_id=f"{i:032x}",
                    at=now - dt.timedelta(seconds=(i * 2_592_000) // args.articles))
                    for i in range(start, min(start + chunk, args.articles)) if i % (2 * args.sources) < args.sources])
        started = time.perf_counter()
        followed = source_registry.load(engine)
        loaded = time.perf_counter() - started
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            entries = health.of_sources(engine, followed, now)
            timings.append(time.perf_counter() - started)
        print(f"{args.sources} sources, {args.articles:,} articles: load {loaded * 1000:.0f} ms, "
              f"health of every source {min(timings) * 1000:.0f} ms (best of 3), "
              f"{sum(e.health.items_per_day for e in entries):.0f} items a day in all")


if __name__ == "__main__":
    main()
