"""Firehose benchmark: one EMM day (220k articles of ~3 KB) through the whole pipeline, per input form.

For N synthetic articles (multilingual: en fr de es ru ar fa he tr; ~3 KB; every article names
people of the actor dictionary in its language's spelling, and people outside it), written as

* ``text``  N scraped plain-text pages in outlet folders,
* ``csv``   the same articles as rows of CSV exports (up to ``--export-rows`` rows a file),
* ``jsonl`` the same as lines of JSON Lines exports,
* ``html``  ``--html`` full article pages (~20 KB each: scripts, navigation, furniture),

it runs, each stage in a fresh Python process calling what ``core.pipeline`` calls (so every
process's peak memory is its own):

1. ingest: ``pipeline.ingest(..., extract=False)`` into a fresh SQLite store (read, clean,
   language, publication dates, fingerprints, duplicates, store);
2. extract: ``pipeline.extract`` (actors, mentioned dates), and within it the dashboard's
   frames (``frames.prepare_frames``, timed apart);
3. re-ingest: ``pipeline.ingest`` again over the unchanged files (extraction and frames included).

It prints articles/s per stage and end to end (1 + 2), the storing rate over each fifth of the
input (a store that slows as it grows shows here), peak RSS of the driving process and of its
worker processes (``resource.getrusage``: RUSAGE_SELF, and RUSAGE_CHILDREN, the largest waited-for
child), the re-ingest speed-up (end to end / re-ingest), and for HTML the ratio of storing the
pages (no extraction) to trafilatura alone (``trafilatura.load_html`` + ``bare_extraction`` with
the project's parameters, one process, same pages, same run). The issue's targets: end to end
≥ 370 articles/s (220k in 10 minutes), memory flat in N, re-ingest ≥ 20x faster, HTML ≤ 1.5x
trafilatura.

    PYTHONPATH=. .venv/bin/python benchmarks/firehose_bench.py --articles 20000
    PYTHONPATH=. .venv/bin/python benchmarks/firehose_bench.py --articles 60000 --forms jsonl --html 0
    PYTHONPATH=. .venv/bin/python benchmarks/firehose_bench.py --articles 220000 --keep /tmp/firehose

``--keep DIR`` keeps (and reuses) the generated inputs in DIR; ``--jobs`` is passed to the
ingest (default: the ingest's own choice). The machine is shared: figures are noisy when other
work runs. The script exits 0 whatever it finds.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import ingest_bench  # noqa: E402  (the multilingual article generator)

TARGET_RATE = 220_000 / 600
TARGET_REINGEST_SPEEDUP = 20.0
TARGET_HTML_RATIO = 1.5
BODY_BYTES = ingest_bench.TEXT_PAGE_BYTES - 900
LANGUAGES = ("en", "fr", "de", "es", "ru", "ar", "fa", "he", "tr")
# Dictionary people put among each language's fictional people (who stay: names outside the
# dictionary are what discovery works on).
DICTIONARY_PEOPLE = 40


def _dictionary_people() -> dict[str, list[str]]:
    """The first (full-name) alias of the first people of the dictionary, per language."""
    people: dict[str, list[str]] = {code: [] for code in LANGUAGES}
    for path in sorted((REPO / "data" / "actors").glob("people*.toml")):
        for actor in tomllib.loads(path.read_text(encoding="utf-8"))["actor"]:
            for code in LANGUAGES:
                if actor.get(code) and len(people[code]) < DICTIONARY_PEOPLE:
                    people[code].append(actor[code][0])
    return people


def _use_dictionary_people() -> None:
    for code, names in _dictionary_people().items():
        lang = ingest_bench.LANGUAGES[code]
        lang["people"] = names + [p for p in lang["people"] if p not in names]


def generate(root: Path, n: int, html: int, export_rows: int, seed: int = 23) -> None:
    """Write the N articles in every form under root (text/, csv/, jsonl/) and ``html`` pages (html/)."""
    _use_dictionary_people()
    rng = random.Random(seed)
    for form in ("text", "csv", "jsonl", "html"):
        (root / form).mkdir(parents=True, exist_ok=True)
    csv_handle = jsonl_handle = None
    writer = None
    for number in range(1, n + 1):
        if (number - 1) % export_rows == 0:
            for handle in (csv_handle, jsonl_handle):
                if handle:
                    handle.close()
            part = (number - 1) // export_rows
            csv_handle = open(root / "csv" / f"emm-{part:04d}.csv", "w", newline="", encoding="utf-8")
            writer = csv.writer(csv_handle)
            writer.writerow(["headline", "body", "pubDate", "link", "outlet", "lang"])
            jsonl_handle = open(root / "jsonl" / f"emm-{part:04d}.jsonl", "w", encoding="utf-8")
        a = ingest_bench.make_article(number, seed, BODY_BYTES, LANGUAGES[number % len(LANGUAGES)])
        folder = root / "text" / a.outlet_slug
        folder.mkdir(exist_ok=True)
        (folder / f"{number:07d}.txt").write_text(ingest_bench.scraped_text(a, rng), encoding="utf-8")
        body, link = "\n".join(a.paragraphs), f"https://{a.outlet_slug}.example/{a.number}"
        writer.writerow([a.title, body, f"{a.published:%Y-%m-%d %H:%M}", link, a.outlet, a.language])
        jsonl_handle.write(json.dumps({"headline": a.title, "description": body, "datetime": f"{a.published:%Y-%m-%dT%H:%M:%SZ}",
                                       "link": link, "site": a.outlet, "language": a.language}, ensure_ascii=False) + "\n")
        if number <= html:
            folder = root / "html" / a.outlet_slug
            folder.mkdir(exist_ok=True)
            (folder / f"{number:07d}.html").write_text(ingest_bench.html_page(a, rng), encoding="utf-8")
    for handle in (csv_handle, jsonl_handle):
        if handle:
            handle.close()


# --- the stages, each run in a child process (``--child``) ----------------------------------------


def _peaks() -> dict:
    """Peak RSS and CPU seconds of this process and of its waited-for children (the workers).
    CPU seconds say what a stage costs when the machine is shared and wall times are noisy."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"driver_mb": own.ru_maxrss / 1024, "worker_mb": children.ru_maxrss / 1024,
            "driver_cpu": own.ru_utime + own.ru_stime, "worker_cpu": children.ru_utime + children.ru_stime}


def _cpu(result: dict) -> str:
    return f"cpu: driver {result.get('driver_cpu', 0):.0f} s, workers {result.get('worker_cpu', 0):.0f} s"


def _child(stage: str, db: str, folder: str, jobs: int | None) -> dict:
    from core import pipeline
    from core.actors import frames
    from core.store import database

    engine = database.connect(db)
    options = {"progress": False} if jobs is None else {"progress": False, "jobs": jobs}
    marks: list[tuple[float, int]] = []
    start = time.perf_counter()
    if stage == "trafilatura":
        import trafilatura
        pages = sorted(Path(folder).rglob("*.html"))
        for path in pages:
            tree = trafilatura.load_html(path.read_bytes().decode("utf-8"))
            trafilatura.bare_extraction(tree, include_comments=False, include_tables=False, with_metadata=True,
                                        date_extraction_params={"original_date": True, "extensive_search": False,
                                                                "outputformat": "%Y-%m-%dT%H:%M:%S%z"})
        return {"seconds": time.perf_counter() - start, "count": len(pages), **_peaks()}
    if stage in ("ingest", "reingest"):
        files = 0

        def on_file(done, total, path, outcome):
            nonlocal files
            items = re.match(r"items 1-(\d+) committed", outcome)
            files = done
            marks.append((time.perf_counter() - start, int(items.group(1)) if items else done))

        run = pipeline.ingest(engine, [folder], extract=stage == "reingest", on_file=on_file, **options)
        seconds = time.perf_counter() - start
        summary = run.ingested
        return {"seconds": seconds, "count": summary.stored, "duplicates": summary.duplicates,
                "rejected": summary.rejected, "unchanged": summary.unchanged, "marks": marks[::max(1, len(marks) // 200)],
                "describe": summary.describe(), **_peaks()}
    timed = {"frames": 0.0}
    prepare = frames.prepare_frames

    def timed_prepare(*args, **kwargs):
        began = time.perf_counter()
        try:
            return prepare(*args, **kwargs)
        finally:
            timed["frames"] += time.perf_counter() - began

    frames.prepare_frames = timed_prepare
    run = pipeline.extract(engine)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "frames_seconds": timed["frames"], "count": run.extracted.articles,
            "describe": run.extracted.describe(), **_peaks()}


def _run_child(stage: str, db: Path, folder: Path, jobs: int | None) -> dict:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    command = [sys.executable, __file__, "--child", stage, "--db", f"sqlite:///{db}", "--folder", str(folder)]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    began = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - began
    if done.returncode != 0:
        print(f"  {stage} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
        return {"seconds": wall, "count": 0, "driver_mb": 0, "worker_mb": 0, "failed": True}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall"] = wall
    return result


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:7.1f}/s" if seconds else "-"


def _by_fifth(marks: list, total: int) -> str:
    """Storing rate over each fifth of the input, from the (seconds, items done) marks."""
    if not marks or not total:
        return "-"
    rates, last = [], (0.0, 0)
    for fifth in range(1, 6):
        goal = total * fifth / 5
        mark = next((m for m in marks if m[1] >= goal), marks[-1])
        if mark[0] > last[0] and mark[1] > last[1]:
            rates.append(f"{(mark[1] - last[1]) / (mark[0] - last[0]):.0f}")
            last = mark
    return " ".join(rates) + " /s"


def measure(form: str, root: Path, work: Path, n: int, jobs: int | None) -> None:
    db = work / f"{form}.db"
    for stale in work.glob(f"{form}.db*"):
        stale.unlink()
    shutil.rmtree(work / f"{form}.frames", ignore_errors=True)  # config.frames_cache_dir: a stale one would be reused
    folder = root / form
    ingest = _run_child("ingest", db, folder, jobs)
    print(f"[{form}] ingest    {ingest['seconds']:7.1f} s {_rate(ingest['count'], ingest['seconds'])}  stored {ingest['count']}"
          f"  driver {ingest['driver_mb']:.0f} MB, workers {ingest['worker_mb']:.0f} MB; {_cpu(ingest)}"
          f"  rate by fifth of the input: {_by_fifth(ingest.get('marks', []), n if form != 'html' else ingest['count'])}",
          flush=True)
    if form == "html":
        alone = _run_child("trafilatura", db, folder, None)
        ratio = ingest["seconds"] / alone["seconds"] if alone["seconds"] else float("nan")
        print(f"[html] trafilatura alone (1 process) {alone['seconds']:.1f} s {_rate(alone['count'], alone['seconds'])};"
              f" storing / trafilatura = {ratio:.2f}x (target <= {TARGET_HTML_RATIO}x); {_cpu(alone)}", flush=True)
        return
    extract = _run_child("extract", db, folder, jobs)
    frames_s = extract.get("frames_seconds", 0.0)
    print(f"[{form}] extract   {extract['seconds'] - frames_s:7.1f} s {_rate(extract['count'], extract['seconds'] - frames_s)}"
          f"  frames {frames_s:.1f} s  driver {extract['driver_mb']:.0f} MB, workers {extract['worker_mb']:.0f} MB; {_cpu(extract)}"
          f"  ({extract.get('describe', '')})", flush=True)
    total = ingest["seconds"] + extract["seconds"]
    print(f"[{form}] END TO END {total:7.1f} s {_rate(ingest['count'], total)} (target >= {TARGET_RATE:.0f}/s)", flush=True)
    again = _run_child("reingest", db, folder, jobs)
    print(f"[{form}] re-ingest {again['seconds']:7.2f} s: {total / again['seconds']:.0f}x faster "
          f"(target >= {TARGET_REINGEST_SPEEDUP:.0f}x)  driver {again['driver_mb']:.0f} MB; {_cpu(again)}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--html", type=int, default=2_000, help="HTML pages (the first N articles as pages)")
    parser.add_argument("--forms", default="text,csv,jsonl,html")
    parser.add_argument("--export-rows", type=int, default=50_000)
    parser.add_argument("--jobs", type=int)
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child, args.db, args.folder, args.jobs)))
        return 0
    work = args.keep or Path(tempfile.mkdtemp(prefix="firehose-"))
    root = work / f"corpus-{args.articles}-{args.html}-{args.export_rows}"
    try:
        if not (root / "done").exists():
            shutil.rmtree(root, ignore_errors=True)
            began = time.perf_counter()
            generate(root, args.articles, args.html, args.export_rows)
            (root / "done").write_text("")
            print(f"generated {args.articles} articles ({args.html} HTML pages) in {time.perf_counter() - began:.0f} s")
        print(f"N={args.articles}, {os.cpu_count()} cores, python {sys.version.split()[0]}")
        for form in args.forms.split(","):
            measure(form, root, work, args.articles, args.jobs)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
