"""How long the alerts stage takes over a run's new articles: N synthetic articles (with mentions
and extraction rows) written straight into a fresh SQLite store, R rules (actors any/all, text in
several scripts, sources, languages, a spike), then one evaluation; and a re-run, which must find
nothing. Prints seconds and peak memory.

    PYTHONPATH=. .venv/bin/python benchmarks/alerts_bench.py [--articles 20000] [--rules 20]
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import tempfile
import time
from pathlib import Path

from core import config, schema
from core.alerts import stage
from core.store import alerts as store_alerts
from core.store import database

WORDS = ["Iran", "Россия", "إيران", "נתניהו", "talks", "sanctions", "Kyiv", "Ankara", "économie", "ядерн", "oil", "summit"]
ACTORS = ["Q794", "Q159", "Q7747", "Q212", "Q801", "Q30", "Q43", "Q183"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--rules", type=int, default=20)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as folder:
        engine = database.connect(f"sqlite:///{Path(folder) / 'bench.db'}")
        start = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=20)
        store_alerts.set_watermark(engine, start)
        for n in range(args.rules):
            kind = n % 5
            rule = store_alerts.Rule(
                name=f"rule {n}", kind="spike" if kind == 4 else "match",
                actors=(ACTORS[n % 8],) if kind in (0, 4) else ((ACTORS[n % 8], ACTORS[(n + 1) % 8]) if kind == 1 else ()),
                actor_mode="all" if kind == 1 else "any", query=WORDS[n % len(WORDS)] if kind in (2, 3) else "",
                sources=(f"outlet-{n % 30}",) if kind == 3 else ())
            store_alerts.add_rule(engine, rule, start - dt.timedelta(days=1))
        now = dt.datetime.now(dt.timezone.utc)
        rows, mentions, done = [], [], []
        for i in range(args.articles):
            article_id = f"{i:016x}"
            text = " ".join(rng.choice(WORDS) for _ in range(300))
            rows.append({"article_id": article_id, "source": f"outlet-{i % 30}", "title": rng.choice(WORDS), "text": text,
                         "language": rng.choice(["en", "ru", "ar"]), "content_hash": article_id, "origin_file": "f",
                         "origin_item": i, "format": "text", "published": now - dt.timedelta(hours=rng.randint(0, 400)),
                         "ingested_at": now - dt.timedelta(seconds=args.articles - i)})
            for actor in rng.sample(ACTORS, 2):
                mentions.append({"article_id": article_id, "actor_id": actor, "field": "text", "start": 0, "end": 4,
                                 "surface": "x", "method": "alias", "confidence": 1.0})
            done.append({"article_id": article_id, "dictionary_version": "v"})
        with engine.begin() as conn:
            conn.execute(schema.articles.insert(), rows)
            conn.execute(schema.mentions.insert(), mentions)
            conn.execute(schema.extractions.insert(), done)
        settings = config.AlertSettings(log=Path(folder) / "alerts.jsonl")
        began = time.perf_counter()
        first = stage.run(engine, settings, now)
        took = time.perf_counter() - began
        began = time.perf_counter()
        again = stage.run(engine, settings, now)
        rerun = time.perf_counter() - began
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{args.articles} new articles, {args.rules} rules: evaluation {took:.2f} s "
              f"({args.articles / took:,.0f} articles/s), {len(first.fired)} alerts fired, "
              f"{sum(len(a.article_ids) for a in first.fired)} article claims")
        print(f"re-run: {rerun:.3f} s, {len(again.fired)} alerts fired (must be 0); peak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    main()
