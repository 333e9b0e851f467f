"""Soak benchmark of the watcher (not a test): a local news network on 127.0.0.1 (tests/feed_server.py
in a process of its own, several sites on several ports) publishing into FEEDS feeds, ITEMS new
items per feed per simulated hour, for HOURS simulated hours, with a simulated hour lasting
HOUR_SECONDS real seconds and every interval scaled with it; `python -m core watch` polls them as
a separate process. Prints the items handled per second, the watcher's memory (RSS) over time,
duplicate fetches (target 0), items missed, and the delay from an item appearing on a site to its
article being stored (target: one poll interval + 10 s).

    .venv/bin/python benchmarks/watch_soak.py --feeds 500 --hours 3 --hour-seconds 60
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import psutil
import sqlalchemy as sa

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from core import schema  # noqa: E402
from core.store import database  # noqa: E402
from tests.feed_server import FeedServer  # noqa: E402

EXTRACTED_EVERY = 2.0


def _sites(conn, feeds: int, sites: int, items: int, hours: float, hour_seconds: float, teaser_share: float) -> None:
    """The server process: ``sites`` servers sharing ``feeds`` feeds, a publisher adding items on
    schedule; sends the feed URLs, then (when asked) what was requested and when items appeared."""
    servers = [FeedServer(robots="User-agent: *\nDisallow: /private/\n").start() for _ in range(sites)]
    urls = []
    for index in range(feeds):
        server = servers[index % sites]
        urls.append(server.add_feed(f"f{index}", [server.item(f"f{index}-seed", full=True)]))
    conn.send(urls)
    conn.recv()  # the watcher is up
    rng = random.Random(7)
    every = hour_seconds / items  # each feed publishes one item this often, at its own phase
    phase = [rng.uniform(0, every) for _ in range(feeds)]
    began, published = time.monotonic(), [0] * feeds
    ends = began + hours * hour_seconds
    while time.monotonic() < ends:
        now = time.monotonic() - began
        for index in range(feeds):
            due = int((now - phase[index]) // every) + 1 if now >= phase[index] else 0
            server = servers[index % sites]
            while published[index] < due:
                published[index] += 1
                item = server.item(f"f{index}-{published[index]}", full=rng.random() >= teaser_share)
                server.publish(f"f{index}", item, keep=20)
        time.sleep(0.05)
    conn.send("published")
    conn.recv()  # the watcher has caught up or given up
    appeared, hits = {}, {}
    for server in servers:
        appeared.update(server.appeared)
        hits.update({f"{server.base}{path}": n for path, n in server.page_hits().items()})
    conn.send((appeared, hits, {s.base: sum(s.hits.values()) for s in servers}))
    for server in servers:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--items", type=int, default=20, help="new items per feed per simulated hour")
    parser.add_argument("--hours", type=float, default=3, help="simulated hours")
    parser.add_argument("--hour-seconds", type=float, default=60, help="real seconds a simulated hour lasts")
    parser.add_argument("--interval-minutes", type=float, default=15, help="each feed's poll interval, simulated")
    parser.add_argument("--sites", type=int, default=25, help="servers (hosts) the feeds are spread over")
    parser.add_argument("--teasers", type=float, default=0.1, help="share of items whose page must be fetched")
    args = parser.parse_args()
    scale = args.hour_seconds / 3600
    interval = max(1, round(args.interval_minutes * 60 * scale))
    # Simulated 2 s between two requests to a host, in real seconds; never longer than a host's
    # feeds need to be polled in their interval.
    host_interval = min(2 * scale, interval / (args.feeds / args.sites) / 2)

    folder = Path(tempfile.mkdtemp(prefix="watch_soak_"))
    url = f"sqlite:///{folder / 'store.db'}"
    engine = database.connect(url)
    ours, theirs = multiprocessing.Pipe()
    sites = multiprocessing.Process(target=_sites, args=(theirs, args.feeds, args.sites, args.items, args.hours,
                                                          args.hour_seconds, args.teasers), daemon=True)
    sites.start()
    feed_urls = ours.recv()
    now = datetime.now(timezone.utc)
    with engine.begin() as conn:
        conn.execute(schema.sources.insert(), [
            {"url": feed, "name": f"Outlet {index}", "kind": "rss", "interval_seconds": interval, "added_at": now}
            for index, feed in enumerate(feed_urls)])
    print(f"{args.feeds} feeds on {args.sites} local sites, {args.items} items/feed/simulated hour, "
          f"{args.hours:g} simulated hours of {args.hour_seconds:g} s; poll interval {interval} s "
          f"({args.interval_minutes:g} simulated min), {host_interval:.3f} s between requests to a host; store {url}")
    log = open(folder / "watcher.log", "w")
    watcher = subprocess.Popen([sys.executable, "-m", "core", "watch", "--db", url, "--quiet",
                                "--host-interval", f"{host_interval:.4f}"], cwd=REPO,
                               env=dict(os.environ, PYTHONPATH=str(REPO)), stdout=log, stderr=subprocess.STDOUT)
    process = psutil.Process(watcher.pid)
    ours.send("go")
    began = time.monotonic()
    rss: list[tuple[float, float, int]] = []
    stop_sampling = threading.Event()

    def sample():
        while not stop_sampling.wait(max(5.0, args.hour_seconds / 6)):
            with engine.connect() as conn:
                stored = conn.execute(sa.select(sa.func.count()).select_from(schema.articles)).scalar()
            rss.append((time.monotonic() - began, process.memory_info().rss / 2**20, stored))
            print(f"  t={rss[-1][0]:6.0f} s  RSS {rss[-1][1]:6.0f} MB  articles {stored}", flush=True)

    # When each article was first seen extracted (the alerts stage runs right after extraction, so
    # this is the delay to an alert), looked at every EXTRACTED_EVERY seconds.
    extracted_at: dict[str, float] = {}

    def watch_extractions():
        while not stop_sampling.wait(EXTRACTED_EVERY):
            with engine.connect() as conn:
                ids = conn.execute(sa.select(schema.extractions.c.article_id)).scalars().all()
            now = time.time()
            for article_id in ids:
                extracted_at.setdefault(article_id, now)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    extractions_watcher = threading.Thread(target=watch_extractions, daemon=True)
    extractions_watcher.start()
    ours.recv()  # publishing over
    published_at = time.monotonic()
    # Let the watcher catch up: one interval and a margin after the last item.
    time.sleep(interval + 15)
    watcher.terminate()
    watcher.wait(60)
    stop_sampling.set()
    elapsed = time.monotonic() - began
    ours.send("done")
    appeared, hits, requests = ours.recv()
    sites.join(30)

    with engine.connect() as conn:
        stored = conn.execute(sa.select(schema.articles.c.url, schema.articles.c.ingested_at,
                                        schema.articles.c.article_id)).all()
    stored_at, extracted = {}, {}
    for link, at, article_id in stored:
        stored_at.setdefault(link, at.replace(tzinfo=timezone.utc).timestamp())
        if article_id in extracted_at:
            extracted.setdefault(link, extracted_at[article_id])
    delays = sorted(stored_at[link] - when for link, when in appeared.items() if link in stored_at)
    to_extracted = sorted(extracted[link] - when for link, when in appeared.items() if link in extracted)
    missed = [link for link in appeared if link not in stored_at]
    duplicates = sum(n - 1 for n in hits.values() if n > 1)
    print(f"\nitems published: {len(appeared)}; articles stored: {len(stored)} ({len(stored_at)} distinct links); "
          f"missed: {len(missed)}")
    print(f"items handled: {len(stored) / (published_at - began):.1f} items/s over the publishing time "
          f"({len(stored)} in {published_at - began:.0f} s; whole run {elapsed:.0f} s)")
    print(f"pages fetched: {len(hits)}, fetched twice or more: {duplicates} extra fetch(es) (target 0); "
          f"requests served: {sum(requests.values())}")
    if delays:
        print(f"delay from appearing to stored: median {statistics.median(delays):.1f} s, "
              f"p95 {delays[int(0.95 * (len(delays) - 1))]:.1f} s, max {delays[-1]:.1f} s "
              f"(target ≤ {interval + 10} s: one poll interval + 10 s)")
    if to_extracted:
        print(f"delay from appearing to extracted (the alerts stage runs right after; seen every "
              f"{EXTRACTED_EVERY:g} s): median {statistics.median(to_extracted):.1f} s, "
              f"p95 {to_extracted[int(0.95 * (len(to_extracted) - 1))]:.1f} s, max {to_extracted[-1]:.1f} s; "
              f"{len(to_extracted)} of {len(stored_at)} seen extracted")
    if rss:
        print("RSS over time (MB): " + ", ".join(f"{t:.0f}s {m:.0f}" for t, m, _ in rss))
    print(f"watcher log: {folder / 'watcher.log'}")


if __name__ == "__main__":
    main()
