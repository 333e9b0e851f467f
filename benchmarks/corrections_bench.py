"""Corrections benchmark: how long an analyst waits for a correction to show, on the sample corpus
and on a store of ``--rows`` synthetic articles (``memory_bench.write_csv``: six languages, three
scripts, two or three actors and a discovered person each).

For each store it times, in this process with the dictionary already loaded (as the dashboard
has it): a rename (``pipeline.correct``: the store written, the frames written anew), then reading
the frames back as a page does; an alias (the articles it can be in found and extracted again,
then the frames); the undo of both. The stores are built first (not timed) in a temporary folder,
or kept in ``--keep DIR`` and reused.

    PYTHONPATH=. .venv/bin/python benchmarks/corrections_bench.py --rows 20000

The script exits 0 whatever it finds: it is a benchmark, not a test.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import memory_bench  # noqa: E402
from core import config, pipeline  # noqa: E402
from core.actors import corrections, frames, resolution  # noqa: E402
from core.store import corrections as store_corrections, database, extractions  # noqa: E402


def _store(folder: Path, name: str, inputs: list[Path], dictionary) -> Path:
    db = folder / f"{name}.db"
    if not db.exists():
        engine = database.connect(f"sqlite:///{db}")
        pipeline.ingest(engine, inputs, dictionary=dictionary, progress=False)
        engine.dispose()
    return db


def _timed(label: str, work) -> object:
    start = time.perf_counter()
    result = work()
    print(f"  {label}: {time.perf_counter() - start:.2f} s")
    return result


def measure(db: Path, dictionary, actor: str, alias_actor: str, alias: str, language: str) -> None:
    engine = database.connect(f"sqlite:///{db}")
    for correction in store_corrections.load(engine):  # a kept store: start from none
        pipeline.undo_corrections(engine, [correction.id], dictionary)
    cache = config.frames_cache_dir(str(engine.url))

    def page_read():
        stored = store_corrections.load(engine)
        return frames.cached_actor_frames(engine, lambda: pipeline.corrected_dictionary(engine, dictionary),
                                          pipeline.dictionary_version(stored), cache)

    _timed("frames read by a page before any correction", page_read)
    # A running dashboard has the matchers' indexes of its dictionary (grouping reads them).
    _timed("warm-up (not part of a correction): the discovered names grouped once",
           lambda: resolution.BatchResolver(extractions.discovered_names(engine), [], dictionary))
    _timed(f"finding the articles {alias!r} can be in (part of the alias below)",
           lambda: corrections.alias_articles(engine, [alias]))
    Correction = store_corrections.Correction
    renamed = _timed("rename (stored, frames written)", lambda: pipeline.correct(
        engine, [Correction(kind="rename", actor=actor, name=f"{actor} (renamed)")], dictionary))
    found = _timed("frames read by the next page run", page_read)[0]
    assert found.loc[found["actor_id"] == actor, "name"].iloc[0] == f"{actor} (renamed)"
    added = _timed(f"alias {alias!r} (articles it can be in extracted again, frames written)", lambda: pipeline.correct(
        engine, [Correction(kind="alias", actor=alias_actor, alias=alias, language=language)], dictionary))
    print(f"    articles extracted again: {added.run.extracted.articles}")
    ids = [c.id for c in renamed.added + added.added]
    _timed("undo both", lambda: pipeline.undo_corrections(engine, ids, dictionary))
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000, help="synthetic articles (default 20000; 0: none)")
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the inputs and stores in this folder")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="corrections-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    dictionary = pipeline.load_dictionary()
    print("sample corpus (57 articles)")
    # A town the German article names, as Ukraine's: one article to extract again.
    measure(_store(folder, "samples", [config.SAMPLES_DIR], dictionary), dictionary, "Q794", "Q212", "Awdijiwka", "de")
    if args.rows:
        csv = folder / f"corpus-{args.rows}.csv"
        if not csv.exists():
            memory_bench.write_csv(csv, args.rows)
        start = time.perf_counter()
        db = _store(folder, f"synthetic-{args.rows}", [csv], dictionary)
        print(f"{args.rows} synthetic articles (store ready in {time.perf_counter() - start:.0f} s)")
        # Astana, a place a tenth of the articles name, as Kazakhstan's capital: those articles again.
        measure(db, dictionary, "Q794", dictionary.actor_id("Kazakhstan"), "Astana", "en")
    return 0


if __name__ == "__main__":
    sys.exit(main())
