"""Memory ceilings of the commands that read a whole corpus or one huge article: each runs as a
subprocess under a memory limit (RLIMIT_DATA), so a command that needs more fails with a
MemoryError. The heavy figures (a 500,000-row CSV) come from benchmarks/memory_bench.py."""
from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from benchmarks import memory_bench
from core import config, dedup, schema
from core.actors import extraction, finding, frames
from core.analysis import ranking
from core.store import database, reads
from tests import sample_corpus

REPO = Path(__file__).resolve().parent.parent
# Allocator settings for the limited process. Without them glibc reserves a 64 MB arena per
# thread, and Arrow's allocator and OpenBLAS's threads reserve address space they never touch: a
# plain `python -m core extract` on an empty store had 1,370 MB of data segment for 281 MB
# resident. RLIMIT_DATA counts what is reserved, so the limit would measure the thread count;
# with these settings the data segment follows the resident memory (273 MB for 259 MB).
LIMITED_ENV = {"MALLOC_ARENA_MAX": "2", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
               "ARROW_DEFAULT_MEMORY_POOL": "system", "GEOWIRE_SAMPLE_CORPUS": "0"}
# Measured here with LIMITED_ENV (peak data segment): `python -m core extract` on an empty store,
# the dictionary loaded, 273 MB; ingesting "Iran Russia " x 500,000 with extraction and the
# dashboard's frames 423 MB (2.56 GB of resident memory before identical mentions were counted);
# `extract --all` on the 40,000 short articles in six languages of this test 460 MB (452 MB at
# 20,000; the former code took 675 MB resident at 20,000, growing by ~12 MB per 1,000 articles).
# The limit leaves ~180 MB over what is needed, and the former code fails under it in both.
LIMIT = 640 * 2**20
REPEATS = 500_000
ARTICLES = 40_000


def _run_limited(db: Path, *args) -> subprocess.CompletedProcess:
    def limit_memory():
        resource.setrlimit(resource.RLIMIT_DATA, (LIMIT, LIMIT))

    return subprocess.run([sys.executable, "-m", "core", "--db", str(db), *map(str, args)], cwd=REPO,
                          env={**os.environ, **LIMITED_ENV}, preexec_fn=limit_memory, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def dictionary():
    return sample_corpus.dictionary()


def test_the_limit_stops_a_command_that_needs_more(tmp_path):
    """The limit is real: a command that holds more than it fails (and says so)."""
    script = "import core.cli; data = bytearray(700 * 2**20)"
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, env={**os.environ, **LIMITED_ENV},
                          preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_DATA, (LIMIT, LIMIT)),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "MemoryError" in done.stderr


def test_one_article_repeating_two_names_is_ingested_under_the_limit_and_counted(tmp_path, dictionary):
    text = memory_bench.write_repeated(tmp_path / "repeated.txt", REPEATS)
    db = tmp_path / "store.db"
    done = _run_limited(db, "ingest", text)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"{2 * REPEATS} actor mention(s)" in done.stdout
    engine = database.connect(f"sqlite:///{db}")
    stored = reads.load_mentions(engine)
    assert len(stored) == 2 * finding.MAX_IDENTICAL_MENTIONS
    assert stored.groupby("actor_id")["occurrences"].sum().to_dict() == {"Q159": REPEATS, "Q794": REPEATS}
    # the first 50 of each are kept, with their offsets in the text
    assert stored.loc[stored["actor_id"] == "Q794", "start"].tolist() == [12 * k for k in range(finding.MAX_IDENTICAL_MENTIONS)]
    # The dashboard's frames, written by the ingest, count every mention.
    version = extraction.dictionary_version(config.ACTORS_DIR, config.CORRECTIONS_FILE)
    found, mentions, _ = frames.cached_actor_frames(engine, lambda: dictionary, version,
                                                        config.frames_cache_dir(f"sqlite:///{db}"))
    assert found.set_index("actor_id").loc[["Q794", "Q159"], "mentions"].tolist() == [REPEATS, REPEATS]
    top = ranking.top_actors(reads.load_articles(engine), mentions, found)
    assert top.set_index("actor_id").loc[["Q794", "Q159"], ["articles", "mentions"]].values.tolist() == \
        [[1, REPEATS], [1, REPEATS]]


def _write_store(db: Path, count: int) -> None:
    """``count`` short synthetic articles (memory_bench's CSV rows) written straight into a new
    store, as an ingest with --no-extract would leave them: ingesting them takes minutes."""
    engine = database.connect(f"sqlite:///{db}")
    rng = random.Random(20)
    now = datetime(2025, 1, 1, tzinfo=timezone.utc)
    languages = list(memory_bench.LANGUAGES)
    rows = []
    for number in range(count):
        item = memory_bench.article(number, rng)
        rows.append({"article_id": f"{number:016x}", "source": item["source"], "url": item["url"],
                     "title": item["title"], "published": datetime.fromisoformat(item["published"]),
                     "published_precision": "minute", "language": languages[number % len(languages)],
                     "language_declared": None, "text": item["text"], "content_hash": dedup.content_hash(item["text"]),
                     "duplicate_of": None, "origin_file": str(db.parent / "corpus.csv"), "origin_item": number + 1,
                     "format": "csv", "encoding": "utf-8", "ingested_at": now})
    with engine.begin() as conn:
        conn.execute(schema.articles.insert(), rows)
        conn.execute(schema.store_meta.insert(), [{"key": "revision", "value": 1}])


def test_extract_all_on_many_short_articles_stays_under_the_limit(tmp_path):
    db = tmp_path / "store.db"
    _write_store(db, ARTICLES)
    done = _run_limited(db, "extract", "--all")
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"extracted {ARTICLES} article(s)" in done.stdout
    engine = database.connect(f"sqlite:///{db}")
    with engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT COUNT(*) FROM mentions").scalar()
    assert stored > 5 * ARTICLES
    # The dashboard's frames were written for the store as it is, every article and mention in them.
    cache = config.frames_cache_dir(f"sqlite:///{db}")
    revision = database.revision(engine)
    entries = {p.name.split("-")[0]: p for p in cache.iterdir() if not p.name.startswith(".")}
    assert sorted(entries) == ["actors", "articles", "search", "stories"]  # search: the full-text index of the texts
    assert all(p.name.split("-")[1] == str(revision) for p in entries.values())
    assert pq.ParquetFile(entries["articles"] / "articles.parquet").metadata.num_rows == ARTICLES
    assert pq.ParquetFile(entries["stories"] / "stories.parquet").metadata.num_rows == ARTICLES
    written = pq.ParquetFile(entries["actors"] / "mentions.parquet").metadata.num_rows
    assert stored - written < 0.01 * stored, "only discovered names that join no actor are left out"
