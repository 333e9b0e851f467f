"""Scale benchmark: the dashboard's server on synthetic stores of 100k, 1M (and more) articles.

Per size it prints:

* the store: written by ``dashboard_bench.build_store`` (its realistic shapes: 10 languages, 40
  sources, two years, stories, ~10 actor mentions and ~1 mentioned date per article, 2 % undated,
  3 % duplicates), straight into the store's tables in one transaction (the ingest path with
  extraction runs at ~100-200 articles/s, far too slow for millions), then every text lengthened
  to ``--text-bytes`` (default 3000) with words of its language drawn at random, as real articles
  are long; ``--text-bytes 0`` keeps the ~0.5 KB texts of dashboard_bench;
* the frames: ``core.actors.frames.prepare_frames`` (what ``python -m core extract`` does after
  every change of the store) in a child process, its time and its peak RSS (VmHWM);
* the server: a child process that opens the store as ``serve.py`` does (``ui.corpus.preload``),
  then runs every page through Streamlit's own headless runner (``AppTest``, what serve.py warms
  the pages with): each page's first run in the process (its cold start, server side), then each
  filter change as a new session opening that page with the filter in its URL (dates, a language,
  an actor, a source, free text; with ``--changes mentioned,mentioned+language``, the Timeline's
  mentioned-dates view, whole and with a language), so the selection is new to the process every
  time, with the RSS
  after it; then the
  export of 10k selected articles (``core.export.articles.article_table`` and its CSV, as the
  pages' download menus call them). It prints the frames it holds (deep sizes) and its RSS after
  the warm-up (VmRSS) and its peak (VmHWM);
* with ``--columnar``: DuckDB queries over the same Parquet frames (a selection's counts, a
  weekly volume, the top actors of a selection), timed, the way on for the memory still held
  (docs/scaling-store.md).

Times are server side only: the browser's share (drawing the charts, ~0.3-1 s a page here, see
dashboard_bench.py) is not included. With ``--browser`` the pages are measured in Chromium instead
of the headless runner (benchmarks/scale_browser.py): each page's cold start in a fresh
``serve.py``, then each change made in the sidebar's filter bar and "Apply filters" pressed, from
the press to the page painted, with the server's RSS after each step and screenshots.

    PYTHONPATH=. .venv/bin/python benchmarks/scale_bench.py --articles 100000
    PYTHONPATH=. .venv/bin/python benchmarks/scale_bench.py --articles 1000000 --pages overview
    PYTHONPATH=. .venv/bin/python benchmarks/scale_bench.py --articles 100000 --text-bytes 0 --delete
    PYTHONPATH=. .venv/bin/python benchmarks/scale_bench.py --articles 100000 --browser

The machine is shared: figures taken while other work runs are noisy. It always exits 0.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The children run the code of the checkout given by --code (SCALE_BENCH_CODE), this one by default.
CODE = Path(os.environ.get("SCALE_BENCH_CODE", REPO))
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(CODE))
OUT = REPO / "benchmarks" / "out"
PAGES = {"overview": "pages/overview.py", "timeline": "pages/timeline.py", "network": "pages/network.py",
         "sources": "pages/sources.py", "articles": "pages/articles.py"}
# Filter changes, as URL query parameters (ui/filters.py reads them as a link's filters).
CHANGES = {"dates": {"from": "2025-06-01", "to": "2025-08-31"}, "language": {"lang": "ru"},
           "actor": {"actor": "Q7747"}, "source": {"source": "DE Outlet 2"}, "text": {"q": "ministro"},
           "text+language": {"q": "Sicherheit", "lang": "de"}, "phrase": {"q": '"the minister" OR Sicherheit'},
           # The Timeline's view of the days the articles mention (other pages ignore the parameter).
           "mentioned": {"timeline_view": "Dates the articles mention"},
           "mentioned+language": {"timeline_view": "Dates the articles mention", "lang": "ru"}}
EXPORTED = 10_000


def _status(field: str) -> float:
    """A VmRSS/VmHWM figure of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


# --- the store ----------------------------------------------------------------------------------

def ensure_store(articles: int, text_bytes: int) -> Path:
    import dashboard_bench
    from core import config
    from core.actors import extraction
    version = extraction.dictionary_version(config.ACTORS_DIR, config.CORRECTIONS_FILE)
    path = OUT / f"scale-{articles}-{text_bytes}.db"
    meta = path.with_suffix(".json")
    wanted = {"generator": dashboard_bench.GENERATOR_VERSION, "articles": articles, "text_bytes": text_bytes,
              "dictionary_version": version}
    if path.exists() and meta.exists() and json.loads(meta.read_text()) == wanted:
        print(f"store: reusing {path.relative_to(REPO)}")
        return path
    for stale in (path, meta, Path(f"{path}-wal"), Path(f"{path}-shm")):
        stale.unlink(missing_ok=True)
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    counts = dashboard_bench.build_store(path, articles, version)
    built = time.perf_counter() - started
    if text_bytes:
        lengthen(path, text_bytes)
    meta.write_text(json.dumps(wanted))
    print(f"store: built {path.relative_to(REPO)} in {built:.0f} s, texts lengthened in "
          f"{time.perf_counter() - started - built:.0f} s: " + ", ".join(f"{v} {k}" for k, v in counts.items())
          + f"; {path.stat().st_size / 1e9:.2f} GB")
    return path


def lengthen(path: Path, text_bytes: int, seed: int = 7) -> None:
    """Append paragraphs of the article's language to every text until it is ``text_bytes`` long
    (characters; Cyrillic, Arabic and Hebrew take two bytes each in UTF-8). Appended after the
    text, so the stored mentions' offsets stay right. Each article takes a different stretch of a
    long text of words drawn at random, so no two texts are the same."""
    import dashboard_bench
    rng = random.Random(seed)
    connection = sqlite3.connect(path)
    for language, filler in dashboard_bench.FILLER.items():
        words = filler.split()
        # ~20k characters: SQLite's substr walks a UTF-8 string from its start, so a longer pool
        # makes every row slower (1.4M characters took 4 minutes for 100k articles).
        pool = " ".join(rng.choice(words) for _ in range(3_000))
        connection.execute("UPDATE articles SET text = text || char(10) || char(10) || "
                           "substr(?1, 1 + abs(random()) % (length(?1) - ?2), ?2 - length(text)) "
                           "WHERE language = ?3 AND length(text) < ?2", (pool, text_bytes, language))
        connection.commit()
    connection.close()


# --- the frames ---------------------------------------------------------------------------------

def prepare(db: Path) -> None:
    """Child process: write the dashboard's frames, print the time and the peak RSS."""
    from core import config, pipeline
    from core.actors import actor_dictionary, extraction, frames
    from core.store import database
    url = f"sqlite:///{db}"
    engine = database.connect(url)
    version = extraction.dictionary_version(config.ACTORS_DIR, config.CORRECTIONS_FILE)
    started = time.perf_counter()
    frames.prepare_frames(engine, actor_dictionary.load(config.ACTORS_DIR, config.CORRECTIONS_FILE), version,
                          config.frames_cache_dir(url))
    print(json.dumps({"seconds": time.perf_counter() - started, "peak_mb": _status("VmHWM")}))
    del pipeline


# --- the server ---------------------------------------------------------------------------------

def _timed_page(page: str, query: dict) -> tuple[float, str]:
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(CODE / "app.py"), default_timeout=1200)
    for key, value in query.items():
        at.query_params[key] = value
    started = time.perf_counter()
    at.switch_page(page).run()
    seconds = time.perf_counter() - started
    caption = next((c.value for c in at.caption if " of " in c.value and "articles ·" in c.value), "")
    problem = "; ".join(str(e.value).splitlines()[0] for e in at.exception)
    return seconds, (f"FAILED: {problem}" if problem else caption.split(" · ")[0])


def serve(db: Path, pages: list[str], changes: list[str]) -> None:
    """Child process: the dashboard's server work, timed; one JSON line per figure."""
    import logging
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    os.environ["GEOWIRE_DB"] = str(db)
    os.environ["GEOWIRE_SAMPLE_CORPUS"] = "0"
    from core.export import articles as export_articles, data as export_data
    from ui import corpus

    def emit(**figure) -> None:
        print(json.dumps(figure, default=str), flush=True)

    started = time.perf_counter()
    corpus.preload()
    emit(step="preload", seconds=time.perf_counter() - started, rss_mb=_status("VmRSS"))
    # The preload leaves the actors' spelling index (which every text query needs) building in the
    # background: waited for here, so that the pages' first runs are timed alone, as after serve.py's
    # warm-up. Older code (--code) builds it on the first text query instead.
    if hasattr(corpus, "_build_spelling_index"):
        waited = time.perf_counter()
        corpus.spelling_index(corpus.current())
        emit(step="spelling index ready", since_preload_began_s=time.perf_counter() - started, waited_s=time.perf_counter() - waited,
             rss_mb=_status("VmRSS"))
    emit(step="held", frames=held_frames(corpus))
    for key in pages:
        seconds, note = _timed_page(PAGES[key], {})
        emit(step="cold", page=key, seconds=seconds, note=note, rss_mb=_status("VmRSS"))
    for key in pages:
        for change in changes:
            seconds, note = _timed_page(PAGES[key], CHANGES[change])
            emit(step="filter", page=key, change=change, seconds=seconds, note=note, rss_mb=_status("VmRSS"))
    started = time.perf_counter()
    exported = export_frame(corpus, EXPORTED)
    table_seconds = time.perf_counter() - started
    csv = export_data.to_bytes(exported, "csv")
    emit(step="export", rows=len(exported), seconds=time.perf_counter() - started, table_seconds=table_seconds,
         mb=len(csv) / 1e6)
    emit(step="memory", rss_mb=_status("VmRSS"), peak_mb=_status("VmHWM"))
    del export_articles


def held_frames(corpus) -> dict:
    """Deep sizes (MB) of the frames the server holds for every page."""
    import pandas as pd
    data = corpus.current()
    sizes = {}
    for name in ("articles", "actors", "mentions", "dates"):
        frame = getattr(data, name)
        if isinstance(frame, pd.DataFrame):
            sizes[name] = {"rows": len(frame), "mb": round(frame.memory_usage(deep=True).sum() / 1e6, 1),
                           "columns": {c: round(frame[c].memory_usage(deep=True, index=False) / 1e6, 1) for c in frame.columns}}
    return sizes


def export_frame(corpus, rows: int):
    """The export of the first ``rows`` articles the corpus has, as the Download menu makes it."""
    from core.export import articles as export_articles
    data = corpus.current()
    chosen = data.articles.head(rows)
    try:  # the texts (and since lean-articles the titles and URLs) are read as the Download menu reads them
        from ui import article_columns as reader
    except ImportError:  # older code (--code): in ui.corpus, or held
        reader = corpus
    if hasattr(reader, "with_texts"):
        chosen = reader.with_texts(chosen)
    # Older code (--code) holds the dates' sentences and has no reader of them.
    return export_articles.article_table(chosen, data.actors, data.mentions, data.dates,
                                         *([data.date_sentences] if getattr(data, "date_sentences", None) else []))


# --- the columnar path -----------------------------------------------------------------------------

# What the pages' selections and aggregates take when DuckDB answers them from the Parquet frames
# instead of pandas from frames held in memory (docs/scaling-store.md, "Still held").
COLUMNAR = {
    "articles of a language (count)": "SELECT count(*) FROM read_parquet('{a}') WHERE language = 'ru'",
    "weekly volume by language, 3 months": "SELECT date_trunc('week', published) AS week, language, count(*) "
                                           "FROM read_parquet('{a}') WHERE published >= '2025-06-01' "
                                           "AND published < '2025-09-01' GROUP BY ALL",
    "top 20 actors of a language's articles": "SELECT m.actor_id, count(DISTINCT m.article_id) AS n FROM read_parquet('{m}') m "
                                              "JOIN read_parquet('{a}') a USING (article_id) WHERE a.language = 'ru' "
                                              "GROUP BY 1 ORDER BY 2 DESC LIMIT 20",
    "ids of the articles naming an actor": "SELECT DISTINCT article_id FROM read_parquet('{m}') WHERE actor_id = 'Q7747'",
    "top 20 actors of everything": "SELECT actor_id, count(DISTINCT article_id) AS n FROM read_parquet('{m}') "
                                   "GROUP BY 1 ORDER BY 2 DESC LIMIT 20",
}


def columnar(db: Path) -> None:
    """Child process: the COLUMNAR queries over the store's frames, each timed (its second run:
    the files in the page cache, as on a server that has read them once), and the peak RSS."""
    import duckdb
    frames = Path(f"{db.with_suffix('')}.frames")
    articles = next(frames.glob("articles-*/articles.parquet"))
    mentions = next(frames.glob("actors-*/mentions.parquet"))
    connection = duckdb.connect()
    for label, sql in COLUMNAR.items():
        query = sql.format(a=articles, m=mentions)
        connection.execute(query).fetchall()
        started = time.perf_counter()
        rows = len(connection.execute(query).fetchall())
        print(json.dumps({"step": "columnar", "query": label, "seconds": time.perf_counter() - started, "rows": rows}), flush=True)
    print(json.dumps({"step": "columnar memory", "peak_mb": _status("VmHWM")}), flush=True)


# --- the parent ---------------------------------------------------------------------------------

def _child(args: list[str], code: Path) -> list[dict]:
    env = {**os.environ, "PYTHONPATH": str(code), "SCALE_BENCH_CODE": str(code)}
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, env=env, cwd=code)
    figures = []
    for line in done.stdout.splitlines():
        try:
            figures.append(json.loads(line))
        except ValueError:
            pass
    if done.returncode:
        print(f"  child {' '.join(args[:1])} exited {done.returncode}: {done.stderr.strip().splitlines()[-3:]}", flush=True)
    return figures


def measure(articles: int, text_bytes: int, pages: list[str], changes: list[str], delete: bool, code: Path,
            with_columnar: bool = False, browser_timeout: float | None = None) -> None:
    print(f"== {articles} articles, texts of {text_bytes or 'about 500'} characters; the code of {code} "
          f"({_revision(code)}) ==", flush=True)
    db = ensure_store(articles, text_bytes)
    for figure in _child(["--_prepare", str(db)], code):
        print(f"frames: written in {figure['seconds']:.1f} s, peak RSS {figure['peak_mb']:.0f} MB", flush=True)
    frames_mb = sum(f.stat().st_size for f in Path(f"{db.with_suffix('')}.frames").rglob("*") if f.is_file()) / 1e6
    print(f"frames on disk: {frames_mb:.0f} MB")
    if browser_timeout is not None:
        import scale_browser
        scale_browser.run(db, articles, pages, {change: CHANGES[change] for change in changes}, code, browser_timeout)
    else:
        _server_side(db, pages, changes, code)
    if with_columnar:
        for figure in _child(["--_columnar", str(db)], code):
            step = figure.pop("step")
            print(f"  {step}: " + ", ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}" for k, v in figure.items()),
                  flush=True)
    if delete:
        import shutil
        shutil.rmtree(Path(f"{db.with_suffix('')}.frames"), ignore_errors=True)
        for path in (db, db.with_suffix(".json"), Path(f"{db}-wal"), Path(f"{db}-shm")):
            path.unlink(missing_ok=True)
        print(f"deleted {db.relative_to(REPO)} and its frames")


def _server_side(db: Path, pages: list[str], changes: list[str], code: Path) -> None:
    for figure in _child(["--_serve", str(db), "--pages", ",".join(pages), "--changes", ",".join(changes)], code):
        step = figure.pop("step")
        if step == "held":
            for name, held in figure["frames"].items():
                top = sorted(held["columns"].items(), key=lambda kv: -kv[1])[:4]
                print(f"  held: {name} {held['rows']} rows, {held['mb']} MB (" + ", ".join(f"{c} {mb}" for c, mb in top) + ")")
            continue
        print(f"  {step}: " + ", ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}" for k, v in figure.items()),
              flush=True)


def _revision(code: Path) -> str:
    done = subprocess.run(["git", "-C", str(code), "log", "-1", "--format=%h %s"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(code), "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True)
    return done.stdout.strip()[:60] + (" + uncommitted changes" if dirty.stdout.strip() else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", default="100000", help="comma-separated sizes (default 100000)")
    parser.add_argument("--text-bytes", type=int, default=3000, help="characters per text (0: ~500, dashboard_bench's)")
    parser.add_argument("--pages", default=",".join(PAGES), help=f"comma-separated, of {', '.join(PAGES)}")
    parser.add_argument("--changes", default=",".join(c for c in CHANGES if not c.startswith("mentioned")),
                        help=f"comma-separated, of {', '.join(CHANGES)} (default: all but the mentioned-dates view)")
    parser.add_argument("--delete", action="store_true", help="delete each store and its frames after measuring it")
    parser.add_argument("--code", type=Path, default=REPO,
                        help="the checkout whose frames and server are measured (default this one; e.g. a main "
                             "worktree, to compare); the store is built by this one")
    parser.add_argument("--columnar", action="store_true", help="also time DuckDB queries over the frames (the way on)")
    parser.add_argument("--browser", action="store_true",
                        help="measure the pages in Chromium (a fresh serve.py each, the changes made in the filter bar) "
                             "instead of the headless runner; no export")
    parser.add_argument("--timeout", type=float, default=600,
                        help="with --browser: seconds to wait for the server to start or a page to draw (default 600)")
    parser.add_argument("--_prepare", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--_columnar", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--_serve", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    pages, changes = args.pages.split(","), args.changes.split(",")
    if args._prepare:
        return prepare(args._prepare)
    if args._serve:
        return serve(args._serve, pages, changes)
    if args._columnar:
        return columnar(args._columnar)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs at {dt.datetime.now():%H:%M} (shared machine)")
    for size in args.articles.split(","):
        measure(int(size), args.text_bytes, pages, changes, args.delete, args.code.resolve(), args.columnar,
                args.timeout if args.browser else None)


if __name__ == "__main__":
    import dashboard_bench  # after sys.path names the checkout measured, as in the functions above
    # dashboard_bench puts its own checkout first on the path when imported: the checkout measured
    # goes first again, or --code's children would run this checkout's code (they did).
    sys.path.insert(0, str(CODE))

    dashboard_bench.run_printing_failures(main)
